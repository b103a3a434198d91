"""The import page's two steps: stage an entity (upload, preview, mapping, profile, validate) and
store the staged entities as one new dataset version, append or replace per table, after showing
its effect (Streamlit; the work is ``usecases.imports`` and ``usecases.datasets``)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from core.formatting import number
from core.i18n import t
from ui import import_widgets as w
from ui import version_widgets as vw
from usecases import datasets
from usecases import imports as uc


@st.cache_data(max_entries=4, show_spinner=False)
def _read(_session, path: str, stamp: float, sheet, delimiter):
    """The upload as a frame (kept while the file is unchanged: ``stamp`` is its mtime)."""
    return uc.read_upload(_session, uc.Upload("", "", Path(path), 0), sheet, delimiter)


def _load_profile(ctx, prefix: str, entity: str, sheets: list[str]) -> None:
    state, lang = st.session_state, ctx.lang
    name = state.get("imp.profile")
    mapping = uc.load_profile(ctx.session, name).entities.get(entity)
    if mapping is None:
        state["imp.flash"] = ("warning", t("import_page.profile_not_for_entity", lang, name=name))
        return
    w.apply_profile(prefix, mapping, sheets)
    state["imp.flash"] = ("success", t("import_page.profile_loaded", lang, name=name))


def stage(ctx, entity: str, file, folder: Path, staged: dict, uploads: dict, current: dict) -> None:
    """Save the upload, preview it, map its columns; "Prüfen" stages the mapping and validates."""
    state, lang, session = st.session_state, ctx.lang, ctx.session
    uid = hashlib.sha1(f"{file.file_id}{file.name}{file.size}".encode()).hexdigest()[:10]
    if uploads.get(entity, (None,))[0] != uid:
        uploads.pop(entity, None)
        uploads[entity] = (uid, uc.save_upload(session, folder, entity, file.name, file, size=file.size))
    upload, prefix = uploads[entity][1], f"imp.{entity}.{uid}"
    names = uc.sheets(upload)
    sheet = st.selectbox(t("import_page.sheet", lang), names, key=w.key(prefix, "sheet")) if len(names) > 1 else None
    delimiter, decimal, date_format = w.read_options(prefix, lang)
    raw = _read(session, str(upload.path), upload.path.stat().st_mtime, sheet, delimiter)
    st.subheader(t("import_page.preview", lang))
    st.caption(t("import_page.preview_caption", lang, rows=number(len(raw), lang), columns=number(raw.shape[1], lang),
                 file=upload.name))
    st.dataframe(raw.head(uc.PREVIEW_ROWS), width="stretch")
    with st.container(border=True):
        st.subheader(t("import_page.mapping", lang))
        profiles = uc.profiles(session)
        a, b = st.columns([3, 1], vertical_alignment="bottom")
        if profiles:
            a.selectbox(t("import_page.profile_pick", lang), profiles, key="imp.profile")
            b.button(t("import_page.profile_load", lang), key="imp.profile_load", on_click=_load_profile,
                     args=(ctx, prefix, entity, names))
        else:
            a.caption(t("import_page.profile_none", lang))
        if flash := state.pop("imp.flash", None):
            getattr(st, flash[0])(flash[1])
        columns, constants = w.mapping_table(prefix, entity, raw, lang)
        trues, falses = w.value_translations(prefix, entity, raw, columns, lang)
        keep, unpivot = w.keep_and_unpivot(prefix, entity, raw, columns, lang)
    mapping = uc.build_mapping(upload, columns, sheet=sheet, delimiter=delimiter, decimal=decimal,
                               date_format=date_format, true_values=trues, false_values=falses,
                               constants=constants, keep=keep, unpivot=unpivot)
    current[entity] = mapping
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    name = a.text_input(t("import_page.profile_name", lang), key="imp.profile_name")
    if b.button(t("import_page.profile_save", lang), key="imp.profile_save", icon=":material/save:"):
        saved = uc.save_profile(session, name, folder, current)
        state["imp.flash"] = ("success", t("import_page.profile_saved", lang, name=saved.name, version=saved.version))
        st.rerun()
    if st.button(t("import_page.validate", lang), key="imp.validate", type="primary", icon=":material/rule:"):
        staged[entity] = mapping
        state.pop("imp.done", None)
        state["imp.result"] = (uc.build_manifest(folder, current).to_yaml(), uc.validate(session, folder, staged))


def store(ctx, folder: Path, staged: dict, uploads: dict, current: dict) -> None:
    """The validation report of the staged entities and "Importieren" (one new version)."""
    state, lang = st.session_state, ctx.lang
    result = state.get("imp.result")
    if not (result and current and result[0] == uc.build_manifest(folder, current).to_yaml()):
        return
    result = result[1]
    w.report(result, lang)
    rows = sum(result.report.rows.values())
    if result.report.ok:
        st.success(t("import_page.ok", lang, rows=number(rows, lang)))
    else:
        st.warning(t("import_page.problems", lang, count=number(len(result.report.problems), lang),
                     rejected=number(sum(result.report.rejected.values()), lang), rows=number(rows, lang)))
    accept = result.report.ok or st.checkbox(t("import_page.accept_partial", lang), key="imp.accept")
    chosen, linked = {}, True
    if any(len(f) for f in result.frames.values()):  # nothing valid: the commit says so
        chosen = vw.modes(result.frames, lang)
        linked = vw.preview(ctx.session, result, chosen, lang)
    st.caption(t("import_page.rule", lang))
    if st.button(t("import_page.run", lang), key="imp.run", type="primary", disabled=not (accept and linked),
                 icon=":material/upload:"):
        info = datasets.commit(ctx.session, result, accept_partial=accept, mode=chosen, accept_unmatched=linked)
        for k in ("imp.result", "imp.accept", "imp.accept_unmatched", "imp.preview",
                  *(f"imp.mode.{e}" for e in chosen)):
            state.pop(k, None)
        staged.clear()
        uploads.clear()
        uc.discard(folder)
        state["imp.done"], state["imp.round"] = info, state.get("imp.round", 0) + 1
        st.rerun()
