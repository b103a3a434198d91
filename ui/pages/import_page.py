"""Data import: choose the entity, upload, map the columns (suggested), validate, import.

Several entities can be staged one after the other; "Importieren" stores them as ONE new dataset
version: per staged table append (default) or replace, chosen by the user, after a preview of the
effect (row counts, headline KPIs, id matches); the other tables of the previous version are kept
unchanged (``usecases.datasets``). An earlier version can be restored below the version list.
Profiles save the mapping as a manifest per client. Every step checks ``import.run`` in its use case.
"""
import uuid

import streamlit as st

from core.errors import CockpitError
from core.i18n import t
from data.schema import ENTITY_NAMES, load_schema
from ui import import_steps as steps
from ui import import_widgets as w
from ui import live_widgets as lw
from ui import version_widgets as vw
from ui.state import context
from ui.widgets import empty_state, page_link, show_error
from usecases.imports import upload_folder

ctx = context()
lang, settings, session = ctx.lang, ctx.settings, ctx.session
st.title(t("import_page.title", lang))
st.caption(t("import_page.intro", lang))
if ctx.client is None:
    empty_state(t("import_page.no_client", lang), "ui/pages/settings_page.py", t("nav.settings", lang))
    st.stop()
state, schema = st.session_state, load_schema()
folder = upload_folder(session, state.setdefault("imp.session", uuid.uuid4().hex))
staged, uploads = state.setdefault("imp.staged", {}), state.setdefault("imp.uploads", {})

if done := state.get("imp.done"):
    st.success(t("import_page.stored", lang, version=done.version), icon=":material/check_circle:")
    st.subheader(t("import_page.kpis", lang))
    w.kpi_tiles(session, done, lang)
    page_link("ui/pages/kpi_page.py", label=t("import_page.kpi_link", lang), icon=":material/query_stats:")
try:
    entity = st.selectbox(t("import_page.entity", lang), ENTITY_NAMES, key="imp.entity",
                          format_func=lambda e: schema[e].label.get(lang))
    st.caption(t("import_page.limit", lang, mb=settings.max_upload_mb))
    file = st.file_uploader(t("import_page.upload", lang), type=["csv", "tsv", "txt", "xlsx"],
                            key=f"imp.file.{entity}.{state.get('imp.round', 0)}")
    current = dict(staged)
    if file is not None:
        steps.stage(ctx, entity, file, folder, staged, uploads, current)
    if staged:
        a, b = st.columns([3, 1], vertical_alignment="center")
        a.caption(t("import_page.staged", lang, entities=", ".join(schema[e].label.get(lang) for e in staged)))
        if b.button(t("import_page.unstage", lang), key="imp.unstage", icon=":material/delete:"):
            staged.clear()
            state.pop("imp.result", None)
            st.rerun()
    steps.store(ctx, folder, staged, uploads, current)
except CockpitError as exc:
    show_error(exc, lang)
    st.caption(t("import_page.nothing_stored", lang))
lw.connect_section(session, lang)

st.subheader(t("import_page.versions", lang))
w.versions(session, lang)
vw.restore(session, lang)
