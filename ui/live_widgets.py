"""Widgets of a client whose data is a live source (issue 12): the "Stand" line of the overview
and the scorecard, and the import page's section "Live-Quelle verbinden" (behind ``import.run``):
the URL (a ``${NAME}`` placeholder, credentials never typed in here), a table or a query per
entity, "Verbindung prüfen", the source's columns mapped to the canonical fields (suggestions
preselected), a preview of 20 mapped rows, "Übernehmen" per entity and "Registrieren".

Every widget owns its ``st.session_state`` key ``live.<what>``; the pure work is in
``usecases.datasets`` (``live_manifest``, ``probe_live``, ``preview_live``, ``register_live``).
"""
import json

import streamlit as st

from core.errors import CockpitError
from core.i18n import t
from data.schema import ENTITY_NAMES, load_schema
from ui.import_widgets import field_label
from ui.widgets import show_error
from usecases import datasets
from usecases.session import Session, allowed

NONE = "__none__"


def as_of(session: Session, info: "datasets.DatasetInfo | None", lang: str) -> None:
    """"Stand: <snapshot time> (Live-Quelle <table>)" when ``info`` is a live version; nothing for files."""
    text = datasets.as_of(session, info, lang)
    if text:
        st.caption(text)


def connect_section(session: Session, lang: str) -> None:
    """The import page's "Live-Quelle verbinden" (only for who may run imports)."""
    if not allowed(session, "import.run"):
        return
    with st.expander(t("live.section", lang), icon=":material/database:"):
        st.caption(t("live.intro", lang))
        try:
            _connect(session, lang)
        except CockpitError as exc:
            show_error(exc, lang)


def _connect(session: Session, lang: str) -> None:
    state, schema = st.session_state, load_schema()
    entries = state.setdefault("live.entries", {})  # entity -> manifest entry, taken over
    url = st.text_input(t("live.url", lang), key="live.url", placeholder="${CRM_DB_URL}", help=t("live.url_help", lang))
    entity = st.selectbox(t("live.entity", lang), ENTITY_NAMES, key="live.entity",
                          format_func=lambda e: schema[e].label.get(lang))
    kind = st.radio(t("live.kind", lang), ("table", "query"), key="live.kind", horizontal=True,
                    format_func=lambda k: t(f"live.kind.{k}", lang))
    where = (st.text_input(t("live.table", lang), key="live.table", placeholder="crm.kunden") if kind == "table"
             else st.text_area(t("live.query", lang), key="live.query", placeholder="SELECT * FROM crm.kunden"))
    source = {"url": url.strip(), kind: where.strip()}
    if st.button(t("live.check", lang), key="live.check", icon=":material/cable:"):
        manifest = datasets.live_manifest(session, {entity: {"source": source}})
        shown, columns, suggested = datasets.probe_live(session, manifest, entity)
        state["live.probe"] = {"entity": entity, "source": source, "shown": shown, "columns": list(columns)}
        for f in schema[entity].field_names:
            state[f"live.map.{entity}.{f}"] = suggested.get(f, NONE)
    probe = state.get("live.probe")
    if probe and probe["entity"] == entity and probe["source"] == source:
        st.success(t("live.connected", lang, url=probe["shown"], count=len(probe["columns"])),
                   icon=":material/check_circle:")
        entry = {"source": source, "columns": _mapping(entity, probe["columns"], lang)}
        st.caption(t("live.preview", lang))
        st.dataframe(_preview(session, entity, entry), hide_index=True)
        if st.button(t("live.add", lang), key="live.add", icon=":material/add:"):
            entries[entity] = entry
    if entries:
        st.caption(t("live.staged", lang, entities=", ".join(schema[e].label.get(lang) for e in entries)))
        if st.button(t("live.register", lang), key="live.register", type="primary"):
            _register(session, entries, lang)


def _mapping(entity: str, columns: list[str], lang: str) -> dict[str, str]:
    """field -> source column, one select per canonical field (the suggestion preselected)."""
    out = {}
    for f in load_schema()[entity].field_names:
        k = f"live.map.{entity}.{f}"
        if st.session_state.get(k) not in (NONE, *columns):
            st.session_state[k] = NONE
        pick = st.selectbox(field_label(f, lang), (NONE, *columns), key=k,
                            format_func=lambda c: t("live.unmapped", lang) if c == NONE else c)
        if pick != NONE:
            out[f] = pick
    return out


def _preview(session: Session, entity: str, entry: dict):
    """The 20 mapped rows, fetched again only when the mapping changed."""
    mark = json.dumps([entity, entry], sort_keys=True)
    kept = st.session_state.get("live.preview_rows")
    if kept is None or kept[0] != mark:
        frame = datasets.preview_live(session, datasets.live_manifest(session, {entity: entry}), entity)
        st.session_state["live.preview_rows"] = kept = (mark, frame)
    return kept[1]


def _register(session: Session, entries: dict, lang: str) -> None:
    info, check = datasets.register_live(session, datasets.live_manifest(session, entries))
    if info is None:
        st.error(t("live.not_valid", lang), icon=":material/error:")
        st.code(check.describe(), language=None)
        return
    rows = ", ".join(f"{k} {v:,}" for k, v in info.row_counts.items())
    st.success(t("live.registered", lang, version=info.version, rows=rows), icon=":material/check_circle:")
    entries.clear()
