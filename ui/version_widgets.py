"""Widgets of the import page around dataset versions: append or replace per staged table, the
effect preview before "Importieren" (row counts, duplicates, headline KPIs of the last complete
quarter, referential integrity), and restoring an earlier version. Keys: ``imp.mode.<entity>``,
``imp.accept_unmatched``, ``imp.restore_pick``; the work is ``usecases.datasets``."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.formatting import by_unit, number, percent
from core.i18n import t
from data.schema import load_schema
from kpis.catalogue import load_catalogue
from usecases import datasets

MODES = ("append", "replace")


def modes(staged: dict, lang: str) -> dict[str, str]:
    """One append/replace choice per staged table (append first: no silent loss of history)."""
    names = {n: s.label.get(lang) for n, s in load_schema().items()}
    chosen = {}
    for entity in staged:
        chosen[entity] = st.radio(t("import_page.mode", lang, entity=names.get(entity, entity)), MODES,
                                  key=f"imp.mode.{entity}", horizontal=True,
                                  format_func=lambda m: t(f"import_page.mode.{m}", lang))
    st.caption(t("import_page.mode_rule", lang))
    return chosen


def preview(session, result, chosen: dict[str, str], lang: str) -> bool:
    """Draw what the import would change; True when nothing blocks it (or the user accepted it)."""
    state = st.session_state
    latest = datasets.current_dataset(session)
    key = (id(result), tuple(sorted(chosen.items())), latest.version if latest else None)
    if state.get("imp.preview", (None,))[0] != key:
        state["imp.preview"] = (key, datasets.preview(session, result, chosen))
    todo, effect = state["imp.preview"][1]
    names = {n: s.label.get(lang) for n, s in load_schema().items()}
    st.subheader(t("import_page.effect", lang))
    lines = [t("import_page.effect_rows", lang, entity=names.get(r.entity, r.entity), before=number(r.before, lang),
               after=number(r.after, lang), change=_signed(r.change, lang))
             for r in todo.counts().itertuples(index=False) if r.change or r.entity in chosen]
    st.markdown("\n".join(f"- {line}" for line in lines))
    for m in todo.merges:
        if m.duplicates:
            st.info(t("import_page.duplicates", lang, entity=names.get(m.entity, m.entity), count=number(m.duplicates, lang),
                      key=m.key), icon=":material/content_copy:")
    _kpis(effect, lang)
    return _integrity(todo, names, lang)


def _signed(value: float, lang: str) -> str:
    return ("+" if value > 0 else "") + number(value, lang)


def _kpis(effect: pd.DataFrame, lang: str) -> None:
    """One line per KPI: "Umsatz 2025-Q4: 6.830.022,00 € → 6.854.022,00 € (+24.000,00 €)"."""
    if effect.empty:
        return
    catalogue = load_catalogue()
    lines = []
    for r in effect.itertuples(index=False):
        kpi = catalogue.get(r.kpi)
        fmt = (lambda v, u=kpi.unit.value: by_unit(None if pd.isna(v) else float(v), u, lang))
        change = "±0" if not r.change or pd.isna(r.change) else ("+" if r.change > 0 else "") + fmt(r.change)
        lines.append(t("import_page.effect_kpi", lang, kpi=kpi.name.get(lang), period=r.period, before=fmt(r.before),
                       after=fmt(r.after), change=change))
    st.caption(t("import_page.effect_kpis", lang, period=effect["period"].iloc[0]))
    st.markdown("\n".join(f"- {line}" for line in lines))


def _integrity(todo, names: dict, lang: str) -> bool:
    ok = True
    for i in todo.integrity:
        if not i.warning:
            continue
        text = t("import_page.unmatched", lang, entity=names.get(i.entity, i.entity), matched=number(i.matched, lang),
                 checked=number(i.checked, lang), target=names.get(i.target, i.target), share=percent(i.share, lang, 0),
                 examples=", ".join(i.examples))
        if i.blocking:
            st.error(text + " " + t("import_page.unmatched_block", lang), icon=":material/link_off:")
            ok = False
        else:
            st.warning(text, icon=":material/link_off:")
    if not ok:
        ok = st.checkbox(t("import_page.accept_unmatched", lang), key="imp.accept_unmatched")
    return ok


def restore(session, lang: str) -> None:
    """Pick an earlier version and store a copy of it as the newest (audited)."""
    versions = datasets.versions(session)
    if len(versions) < 2:
        return
    older = [v.version for v in versions[1:]]
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    pick = a.selectbox(t("import_page.restore_pick", lang), older, key="imp.restore_pick",
                       format_func=lambda v: t("import_page.restore_option", lang, version=v,
                                               label=next(i.label for i in versions if i.version == v)))
    if b.button(t("import_page.restore", lang), key="imp.restore", icon=":material/history:"):
        info = datasets.restore(session, pick)
        st.session_state["imp.restored"] = (pick, info.version)
        st.session_state.pop("imp.done", None)  # the tiles of the import before are no longer current
        st.rerun()
    if done := st.session_state.pop("imp.restored", None):
        st.success(t("import_page.restored", lang, old=done[0], new=done[1]), icon=":material/history:")
