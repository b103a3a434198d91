"""Settings: clients, where the data lives, and the audit log of the current client."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import CockpitError
from core.i18n import t
from storage import audit
from storage.clients import create_client
from ui.state import context
from ui.widgets import show_error

ctx = context()
lang = ctx.lang
st.title(t("settings.title", lang))

st.subheader(t("settings.clients", lang))
with st.form("new_client", clear_on_submit=True):
    name = st.text_input(t("settings.client_name", lang), key="settings_new_client")
    if st.form_submit_button(t("settings.create_client", lang)):
        try:
            created = create_client(ctx.engine, name, actor=ctx.actor)
            st.success(t("settings.client_created", lang, name=created.name))
        except CockpitError as exc:
            show_error(exc, lang)

st.subheader(t("settings.storage", lang))
url = ctx.engine.url.render_as_string(hide_password=True)
st.markdown(f"- {t('settings.database', lang)}: `{url}`\n- {t('settings.data_dir', lang)}: `{ctx.settings.data_dir}`")

if ctx.client is not None:
    st.subheader(t("settings.audit", lang, client=ctx.client.name))
    rows = audit.entries(ctx.engine, ctx.client.id, limit=200)
    if rows:
        frame = pd.DataFrame(rows)[["at", "actor", "action", "entity", "entity_key", "before", "after"]]
        frame["before"] = frame["before"].astype("string")
        frame["after"] = frame["after"].astype("string")
        st.dataframe(frame, hide_index=True, width="stretch")
    else:
        st.caption(t("settings.audit_empty", lang))
