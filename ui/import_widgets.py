"""Widgets of the import page: the mapping table, value translations, unpivot, profiles, report.

Every widget owns its ``st.session_state`` key ``imp.<entity>.<upload id>.<what>``; defaults are
written into the session state once before the widget is drawn (never passed as ``index=`` too), so
loading a profile can overwrite them in a button callback. The pure work is in
``services.import_session``.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.formatting import by_unit, percent
from core.i18n import t
from data.manifest import EntityMapping, Unpivot
from data.reasons import reasons_in
from data.schema import FieldType, load_schema
from kpis.catalogue import load_catalogue
from usecases import imports as svc

NONE, CONST = "__none__", "__const__"
DELIMITERS = {"": "import_page.auto", ";": ";", ",": ",", "\t": "Tab", "|": "|"}
DECIMALS = {"": "import_page.auto", ",": ",", ".": "."}
DATE_FORMATS = {"": "import_page.auto", "%d.%m.%Y": "31.12.2024", "%Y-%m-%d": "2024-12-31", "%d/%m/%Y": "31/12/2024"}


def key(prefix: str, *parts: str) -> str:
    return ".".join((prefix, *parts))


def _default(k: str, value) -> None:
    if k not in st.session_state:
        st.session_state[k] = value


def field_label(name: str, lang: str) -> str:
    k = f"import_page.field.{name}"
    text = t(k, lang)
    return name if text == k else f"{text} ({name})"


def read_options(prefix: str, lang: str) -> tuple[str | None, str | None, str | None]:
    """(delimiter, decimal, date format); ``None`` = detect."""
    with st.expander(t("import_page.read_options", lang)):
        cols = st.columns(3)
        chosen = []
        for col, what, options in zip(cols, ("delimiter", "decimal", "date_format"),
                                      (DELIMITERS, DECIMALS, DATE_FORMATS)):
            k = key(prefix, what)
            _default(k, "")
            value = col.selectbox(t(f"import_page.{what}", lang), list(options), key=k,
                                  format_func=lambda v, o=options: t(o[v], lang) if o[v].startswith("import_page")
                                  else o[v])
            chosen.append(value or None)
    return tuple(chosen)  # type: ignore[return-value]


def mapping_table(prefix: str, entity: str, raw: pd.DataFrame, lang: str) -> tuple[dict, dict]:
    """One row per canonical field: a selectbox of the source columns (suggested first).
    Returns (columns: field -> source column, constants: field -> value)."""
    schema = load_schema()[entity]
    headers = [str(c) for c in raw.columns]
    suggested = svc.suggestion(entity, headers)
    st.caption(t("import_page.mapping_hint", lang))
    head = st.columns([3.5, 4, 4])
    head[0].markdown(f"**{t('import_page.field', lang)}**")
    head[1].markdown(f"**{t('import_page.source_column', lang)}**")
    head[2].markdown(f"**{t('import_page.example', lang)}**")
    options = [NONE, CONST, *headers]
    columns, constants = {}, {}
    for f in schema.fields:
        k = key(prefix, "col", f.name)
        _default(k, suggested.get(f.name, NONE))
        if st.session_state[k] not in options:
            st.session_state[k] = NONE
        row = st.columns([3.5, 4, 4], vertical_alignment="center")
        row[0].markdown(field_label(f.name, lang) + (" **\\***" if f.required else ""))
        choice = row[1].selectbox(field_label(f.name, lang), options, key=k, label_visibility="collapsed",
                                  format_func=lambda v: {NONE: t("import_page.not_mapped", lang),
                                                         CONST: t("import_page.constant", lang)}.get(v, v))
        if choice == CONST:
            ck = key(prefix, "const", f.name)
            _default(ck, "")
            constants[f.name] = row[2].text_input(t("import_page.constant_value", lang, field=f.name), key=ck,
                                                  label_visibility="collapsed",
                                                  placeholder=t("import_page.constant_value", lang, field=f.name))
        elif choice != NONE:
            columns[f.name] = choice
            sample = raw[choice].dropna().astype(str).unique()[:3]
            row[2].caption(", ".join(s[:30] for s in sample) or "–")
    return columns, constants


def value_translations(prefix: str, entity: str, raw: pd.DataFrame, columns: dict, lang: str) -> tuple[dict, dict]:
    """Extra yes/no words per mapped boolean field: (true words, false words)."""
    fields = [f.name for f in load_schema()[entity].fields if f.type is FieldType.BOOLEAN and f.name in columns]
    trues, falses = {}, {}
    if not fields:
        return trues, falses
    with st.expander(t("import_page.values", lang)):
        st.caption(t("import_page.values_hint", lang))
        for name in fields:
            found = raw[columns[name]].dropna().astype(str).str.strip().unique()[:12]
            st.caption(t("import_page.found_values", lang, values=", ".join(found)))
            a, b = st.columns(2)
            for col, what, out, label in ((a, "true", trues, "import_page.true_values"),
                                          (b, "false", falses, "import_page.false_values")):
                k = key(prefix, what, name)
                _default(k, "")
                out[name] = svc.parse_value_list(col.text_input(t(label, lang, field=name), key=k))
    return trues, falses


def keep_and_unpivot(prefix: str, entity: str, raw: pd.DataFrame, columns: dict, lang: str
                     ) -> tuple[list[str], Unpivot | None]:
    schema = load_schema()[entity]
    free = [c for c in map(str, raw.columns) if c not in columns.values()]
    k = key(prefix, "keep")
    _default(k, [])
    st.session_state[k] = [c for c in st.session_state[k] if c in free]
    keep = st.multiselect(t("import_page.keep", lang), free, key=k, placeholder=t("import_page.choose", lang))
    wk = key(prefix, "wide")
    _default(wk, False)
    if not st.checkbox(t("import_page.unpivot", lang), key=wk):
        return keep, None
    ck, ik, vk = key(prefix, "wide_cols"), key(prefix, "wide_into"), key(prefix, "wide_value")
    _default(ck, [])
    st.session_state[ck] = [c for c in st.session_state[ck] if c in free]
    wide = st.multiselect(t("import_page.unpivot_columns", lang), [c for c in free if c not in keep], key=ck,
                          placeholder=t("import_page.choose", lang))
    into_opts = [f.name for f in schema.fields if f.type is FieldType.CATEGORY]
    value_opts = [f.name for f in schema.fields if f.type in (FieldType.NUMBER, FieldType.INTEGER)]
    if not into_opts or not value_opts:
        return keep, None
    _default(ik, into_opts[0])
    _default(vk, value_opts[0])
    a, b = st.columns(2)
    into = a.selectbox(t("import_page.unpivot_into", lang), into_opts, key=ik,
                       format_func=lambda v: field_label(v, lang))
    value = b.selectbox(t("import_page.unpivot_value", lang), value_opts, key=vk,
                        format_func=lambda v: field_label(v, lang))
    labels = {}
    for c in wide:
        lk = key(prefix, "wide_label", c)
        _default(lk, c.strip().lower())
        labels[c] = st.text_input(t("import_page.unpivot_label", lang, column=c), key=lk).strip() or c
    return keep, (Unpivot(labels, into, value) if labels else None)


def apply_profile(prefix: str, mapping: EntityMapping, sheets: list[str] = ()) -> None:
    """Write a saved mapping into this entity's widget keys (a button callback, before drawing).
    Columns the file lacks are reset to "not mapped" when the widgets are drawn."""
    state = st.session_state
    if isinstance(mapping.sheet, str) and mapping.sheet in sheets:
        state[key(prefix, "sheet")] = mapping.sheet
    fields = load_schema()[mapping.entity].field_names
    for name in fields:
        src = mapping.columns.get(name)
        if name in mapping.constants:
            state[key(prefix, "col", name)] = CONST
            state[key(prefix, "const", name)] = str(mapping.constants[name])
        elif src is not None:
            state[key(prefix, "col", name)] = src
        for what, flag in (("true", True), ("false", False)):
            words = [k for k, v in mapping.values.get(name, {}).items() if v is flag]
            state[key(prefix, what, name)] = ", ".join(words)
    state[key(prefix, "delimiter")] = mapping.delimiter or ""
    state[key(prefix, "decimal")] = mapping.decimal or ""
    state[key(prefix, "date_format")] = mapping.date_format if mapping.date_format in DATE_FORMATS else ""
    state[key(prefix, "keep")] = list(mapping.keep)
    if mapping.unpivot is not None:
        state[key(prefix, "wide")] = True
        state[key(prefix, "wide_cols")] = list(mapping.unpivot.columns)
        state[key(prefix, "wide_into")] = mapping.unpivot.into
        state[key(prefix, "wide_value")] = mapping.unpivot.value
        for c, v in mapping.unpivot.columns.items():
            state[key(prefix, "wide_label", c)] = str(v)


def report(result, lang: str) -> None:
    """Counts per entity, the failure table (row, column, value, reason) and the downloads."""
    names = {n: s.label.get(lang) for n, s in load_schema().items()}
    counts = pd.DataFrame([{"entity": names.get(e, e), **c} for e, c in result.report.summary().items()])
    if not counts.empty:
        st.caption(t("import_page.counts", lang))
        st.dataframe(counts[["entity", "rows", "valid", "rejected", "problems"]]
                     .rename(columns=lambda c: t(f"import_page.col.{c}", lang)), hide_index=True, width="content")
    if result.report.ok:
        return
    table = result.report.to_frame()
    table["entity"] = table["entity"].map(lambda e: names.get(e, e))
    table["reason"] = reasons_in(table, lang).to_numpy()
    st.markdown(f"**{t('import_page.report', lang)}**")
    st.dataframe(table[["entity", "row", "column", "value", "reason"]]
                 .rename(columns=lambda c: t(f"import_page.col.{c}", lang)), hide_index=True, width="stretch",
                 height=min(38 + 35 * len(table), 320))
    cols = st.columns(1 + len(result.rejected_counts))
    cols[0].download_button(t("import_page.report_download", lang), svc.report_csv(result),
                            file_name="pruefbericht.csv", mime="text/csv", key="imp.dl.report")
    for col, entity in zip(cols[1:], result.rejected_counts):
        col.download_button(t("import_page.rejected_download", lang, entity=names.get(entity, entity)),
                            svc.rejected_csv(result, entity), file_name=f"abgelehnt-{entity}.csv", mime="text/csv",
                            key=f"imp.dl.rejected.{entity}")


def kpi_tiles(session, info, lang: str) -> None:
    table = svc.kpi_preview(session, info)
    catalogue = load_catalogue()
    cols = st.columns(max(len(table), 1))
    for col, row in zip(cols, table.itertuples(index=False)):
        kpi = catalogue.get(row.kpi)
        col.metric(kpi.name.get(lang), by_unit(None if pd.isna(row.value) else float(row.value), kpi.unit.value,
                                               lang))


def versions(session, lang: str) -> None:
    table = svc.versions_table(session, {n: s.label.get(lang) for n, s in load_schema().items()})
    if table.empty:
        st.info(t("import_page.no_versions", lang), icon=":material/info:")
        return
    table["completeness"] = table["completeness"].map(lambda v: percent(v, lang) if v is not None else "–")
    table["created_at"] = pd.to_datetime(table["created_at"]).dt.strftime("%d.%m.%Y %H:%M" if lang == "de"
                                                                         else "%Y-%m-%d %H:%M")
    st.dataframe(table.rename(columns=lambda c: t(f"import_page.col.{c}", lang)), hide_index=True, width="stretch")
