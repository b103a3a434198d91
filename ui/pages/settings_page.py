"""Settings: clients, where the data lives, the number and date formats of the German pages, and
the audit log of the current client. Each part is a use case with its own permission
(``client.create``, ``settings.edit``, ``audit.view``); a part the role lacks says so instead of
showing a control that would be refused."""
from __future__ import annotations

import streamlit as st

from core.errors import CockpitError
from core.formatting import current_locale, number, percent
from core.i18n import t
from core.settings import LOCALES
from ui.state import context
from ui.widgets import denied, show_error
from usecases import admin
from usecases.session import allowed

ctx = context()
lang, session = ctx.lang, ctx.session
st.title(t("settings.title", lang))

st.subheader(t("settings.clients", lang))
if not allowed(session.with_client(None), "client.create"):
    denied("client.create", lang)
else:
    with st.form("new_client", clear_on_submit=True):
        name = st.text_input(t("settings.client_name", lang), key="settings_new_client")
        if st.form_submit_button(t("settings.create_client", lang)):
            try:
                created = admin.create_client(session, name)
                st.success(t("settings.client_created", lang, name=created.name))
            except CockpitError as exc:
                show_error(exc, lang)

st.subheader(t("settings.storage", lang))
if not allowed(session.with_client(None), "settings.edit"):
    denied("settings.edit", lang)
else:
    where = admin.storage_info(session)
    st.markdown(f"- {t('settings.database', lang)}: `{where.database}`\n- {t('settings.data_dir', lang)}: "
                f"`{where.data_dir}`")
    current = current_locale()
    chosen = st.selectbox(t("settings.locale", lang), LOCALES, index=LOCALES.index(current), key="settings_locale",
                          format_func=lambda name: t(f"settings.locale.{name}", lang),
                          help=t("settings.locale_help", lang))
    if chosen != current:
        admin.set_locale(session, chosen)
        st.success(t("settings.locale_set", lang, example=f"{number(1234567.5, 'de', 1)} · {percent(0.117, 'de')}"))

if ctx.client is not None:
    st.subheader(t("settings.audit", lang, client=ctx.client.name))
    if not allowed(session, "audit.view"):
        denied("audit.view", lang)
    elif len(shown := admin.audit_log(session, lang)):
        st.dataframe(shown, hide_index=True, width="stretch")
    else:
        st.caption(t("settings.audit_empty", lang))
