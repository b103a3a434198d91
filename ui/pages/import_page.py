"""Data import: choose the entity, upload, map the columns (suggested), validate, import.

Several entities can be staged one after the other; "Importieren" stores them as ONE new dataset
version holding the staged entities plus the other entities of the previous version, unchanged
(``services.import_session.commit``). Profiles save the mapping as a manifest per client.
"""
import hashlib
import uuid
from pathlib import Path

import streamlit as st

from auth.guard import require
from core.errors import CockpitError
from core.i18n import t
from data.schema import ENTITY_NAMES, load_schema
from services import import_session as svc
from ui import import_widgets as w
from ui.auth_gate import current_principal
from ui.state import context
from ui.widgets import empty_state, show_error

ctx = context()
lang, settings = ctx.lang, ctx.settings
st.title(t("import_page.title", lang))
st.caption(t("import_page.intro", lang))
if ctx.client is None:
    empty_state(t("import_page.no_client", lang), "ui/pages/settings_page.py", t("nav.settings", lang))
    st.stop()
require(current_principal(), "import.run", ctx.client.id)  # server side: role and client
client, state, schema = ctx.client, st.session_state, load_schema()
folder = svc.session_dir(settings.data_dir, state.setdefault("imp.session", uuid.uuid4().hex))
staged, uploads = state.setdefault("imp.staged", {}), state.setdefault("imp.uploads", {})


@st.cache_data(max_entries=4, show_spinner=False)
def read(path: str, stamp: float, sheet, delimiter, max_mb: int):
    return svc.read_upload(svc.Upload("", "", Path(path), 0), sheet, delimiter, None, max_mb)


def load_profile(prefix: str, entity: str, sheets: list[str]) -> None:
    name = state.get("imp.profile")
    mapping = svc.load_profile(ctx.engine, client.id, name).entities.get(entity)
    if mapping is None:
        state["imp.flash"] = ("warning", t("import_page.profile_not_for_entity", lang, name=name))
        return
    w.apply_profile(prefix, mapping, sheets)
    state["imp.flash"] = ("success", t("import_page.profile_loaded", lang, name=name))


if done := state.get("imp.done"):
    st.success(t("import_page.stored", lang, version=done.version), icon=":material/check_circle:")
    st.subheader(t("import_page.kpis", lang))
    w.kpi_tiles(settings.dataset_dir, done, lang)
    st.page_link("ui/pages/kpi_page.py", label=t("import_page.kpi_link", lang), icon=":material/query_stats:")
try:
    entity = st.selectbox(t("import_page.entity", lang), ENTITY_NAMES, key="imp.entity",
                          format_func=lambda e: schema[e].label.get(lang))
    st.caption(t("import_page.limit", lang, mb=settings.max_upload_mb))
    file = st.file_uploader(t("import_page.upload", lang), type=["csv", "tsv", "txt", "xlsx"],
                            key=f"imp.file.{entity}.{state.get('imp.round', 0)}")
    current = dict(staged)
    if file is not None:
        uid = hashlib.sha1(f"{file.file_id}{file.name}{file.size}".encode()).hexdigest()[:10]
        if uploads.get(entity, (None,))[0] != uid:
            uploads.pop(entity, None)
            uploads[entity] = (uid, svc.save_upload(folder, entity, file.name, file, settings.max_upload_mb,
                                                    size=file.size))
        upload, prefix = uploads[entity][1], f"imp.{entity}.{uid}"
        names = svc.sheets(upload)
        sheet = (st.selectbox(t("import_page.sheet", lang), names, key=w.key(prefix, "sheet"))
                 if len(names) > 1 else None)
        delimiter, decimal, date_format = w.read_options(prefix, lang)
        raw = read(str(upload.path), upload.path.stat().st_mtime, sheet, delimiter, settings.max_upload_mb)
        st.subheader(t("import_page.preview", lang))
        st.caption(t("import_page.preview_caption", lang, rows=len(raw), columns=raw.shape[1], file=upload.name))
        st.dataframe(raw.head(svc.PREVIEW_ROWS), width="stretch")
        with st.container(border=True):
            st.subheader(t("import_page.mapping", lang))
            profiles = [p.name for p in svc.store.list_mapping_profiles(ctx.engine, client.id)]
            a, b = st.columns([3, 1], vertical_alignment="bottom")
            if profiles:
                a.selectbox(t("import_page.profile_pick", lang), profiles, key="imp.profile")
                b.button(t("import_page.profile_load", lang), key="imp.profile_load", on_click=load_profile,
                         args=(prefix, entity, names))
            else:
                a.caption(t("import_page.profile_none", lang))
            if flash := state.pop("imp.flash", None):
                getattr(st, flash[0])(flash[1])
            columns, constants = w.mapping_table(prefix, entity, raw, lang)
            trues, falses = w.value_translations(prefix, entity, raw, columns, lang)
            keep, unpivot = w.keep_and_unpivot(prefix, entity, raw, columns, lang)
        mapping = svc.build_mapping(upload, columns, sheet=sheet, delimiter=delimiter, decimal=decimal,
                                    date_format=date_format, true_values=trues, false_values=falses,
                                    constants=constants, keep=keep, unpivot=unpivot)
        current[entity] = mapping
        a, b = st.columns([3, 1], vertical_alignment="bottom")
        name = a.text_input(t("import_page.profile_name", lang), key="imp.profile_name")
        if b.button(t("import_page.profile_save", lang), key="imp.profile_save", icon=":material/save:"):
            saved = svc.save_profile(ctx.engine, client.id, name, folder, current, actor=ctx.actor)
            state["imp.flash"] = ("success", t("import_page.profile_saved", lang, name=saved.name,
                                               version=saved.version))
            st.rerun()
        if st.button(t("import_page.validate", lang), key="imp.validate", type="primary", icon=":material/rule:"):
            staged[entity] = mapping
            state.pop("imp.done", None)
            state["imp.result"] = (svc.build_manifest(folder, current).to_yaml(),
                                   svc.validate_staged(folder, staged, settings.max_upload_mb))
    if staged:
        a, b = st.columns([3, 1], vertical_alignment="center")
        a.caption(t("import_page.staged", lang, entities=", ".join(schema[e].label.get(lang) for e in staged)))
        if b.button(t("import_page.unstage", lang), key="imp.unstage", icon=":material/delete:"):
            staged.clear()
            state.pop("imp.result", None)
            st.rerun()
    result = state.get("imp.result")
    if result and current and result[0] == svc.build_manifest(folder, current).to_yaml():
        result = result[1]
        w.report(result, lang)
        rows = sum(result.report.rows.values())
        if result.report.ok:
            st.success(t("import_page.ok", lang, rows=rows))
        else:
            st.warning(t("import_page.problems", lang, count=len(result.report.problems),
                         rejected=sum(result.report.rejected.values()), rows=rows))
        accept = result.report.ok or st.checkbox(t("import_page.accept_partial", lang), key="imp.accept")
        st.caption(t("import_page.rule", lang))
        if st.button(t("import_page.run", lang), key="imp.run", type="primary", disabled=not accept,
                     icon=":material/upload:"):
            info = svc.commit(ctx.engine, settings.dataset_dir, client.id, result, accept_partial=accept,
                              actor=ctx.actor)
            for k in ("imp.result", "imp.accept"):
                state.pop(k, None)
            staged.clear()
            uploads.clear()
            svc.discard(folder)
            state["imp.done"], state["imp.round"] = info, state.get("imp.round", 0) + 1
            st.rerun()
except CockpitError as exc:
    show_error(exc, lang)
    st.caption(t("import_page.nothing_stored", lang))

st.subheader(t("import_page.versions", lang))
w.versions(ctx.engine, client.id, lang)
