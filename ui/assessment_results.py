"""The result views of the assessment page: results (index, level, radar, domains, roadmap, heatmap,
history, benchmark) and the question table. Numbers from ``usecases.assessment``; formatting here."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from assessment.model import MaturityModel
from charts.heatmap import heatmap
from charts.radar import radar
from core.formatting import day, number
from core.i18n import t
from services.workshop import answers_grid, domain_table, model_by_id, roadmap_table
from usecases.assessment import Round
from ui.assessment_widgets import value_text
from usecases import assessment


# -- results -----------------------------------------------------------------------------------
def results_view(ctx, rnd: Round, model: MaturityModel) -> None:
    lang = ctx.lang
    res = assessment.result(ctx.session, rnd.id)
    before = assessment.previous_result(ctx.session, rnd.id)
    left, right, why = st.columns([1, 1, 2])
    delta = None if before is None or res.maturity_index is None or before[1].maturity_index is None \
        else number(res.maturity_index - before[1].maturity_index, lang, 2)
    left.metric(t("assessment.page.index", lang), number(res.maturity_index, lang, 2), delta=delta,
                delta_description=t("assessment.page.vs_previous", lang, name=before[0].name) if before else None)
    level = model.level(res.staged_level) if res.staged_level else None
    right.metric(t("assessment.page.staged", lang),
                 f"{res.staged_level} · {level.name.get(lang)}" if level else "–")
    why.markdown(f"**{t('assessment.page.why', lang)}**  \n{res.explanation.text(lang)}")

    table = domain_table(model, res, lang)
    chart = table[["domain", "score", "target"]].rename(columns={"score": "current"})
    if before is not None:
        chart = chart.assign(previous=[before[1].domain_scores.get(d) for d in table["domain_id"]])
    st.subheader(t("assessment.page.radar", lang))
    lo, hi = model.score_range  # domain scores, not answers: a SAMM practice sums to 0..3
    st.plotly_chart(radar(chart, lang, names="domain", max_level=hi), key="radar")
    st.subheader(t("assessment.page.domains", lang))
    st.dataframe(_domain_display(table, lang), hide_index=True, width="stretch")

    st.subheader(t("assessment.page.roadmap", lang))
    roadmap = roadmap_table(model, res, lang)
    if roadmap.empty:
        st.caption(t("assessment.page.roadmap_empty", lang))
    else:
        shown = roadmap.assign(rating=roadmap["rating"].map(lambda v: number(v, lang, 1)),
                               priority=roadmap["priority"].map(lambda v: number(v, lang, 2)))
        st.dataframe(shown[["domain", "question", "rating", "action", "priority"]].rename(columns=_cols(
            lang, domain="domain", question="question", rating="rating", action="action", priority="priority")),
            hide_index=True, width="stretch")

    st.subheader(t("assessment.page.heatmap", lang))
    votes = assessment.votes(ctx.session, rnd.id)
    if votes.empty:
        st.caption(t("assessment.page.no_votes", lang))
    else:
        grid = answers_grid(model, votes, lang)
        fig = heatmap(grid, x="participant", y="question", z="value", lang=lang, zmin=lo, zmax=hi, note="note")
        fig.update_layout(height=max(320, 22 * grid["question"].nunique() + 120))
        st.plotly_chart(fig, key="heatmap")
        st.caption(t("assessment.page.heatmap_legend", lang))
    _history(ctx, rnd, lang)
    _benchmark(ctx, rnd, table, lang)


def _cols(lang: str, **names: str) -> dict:
    return {col: t(f"assessment.page.col.{key}", lang) for col, key in names.items()}


def _domain_display(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = pd.DataFrame({
        "domain": table["domain"], "score": table["score"].map(lambda v: number(v, lang, 1)),
        "level": [f"{lv} · {name}" if pd.notna(lv) else "–" for lv, name in zip(table["level"], table["level_name"])],
        "target": table["target"].map(lambda v: number(v, lang, 1)),
        "gap": table["gap"].map(lambda v: number(v, lang, 1)),
        "priority": table["priority"].map(lambda v: number(v, lang, 2))})
    return out.rename(columns=_cols(lang, domain="domain", score="score", level="level", target="target",
                                    gap="gap", priority="priority"))


def _history(ctx, rnd: Round, lang: str) -> None:
    st.subheader(t("assessment.page.history", lang))
    hist = assessment.history(ctx.session, rnd.id)
    if len(hist) < 2:
        st.caption(t("assessment.page.history_empty", lang))
        return
    model = model_by_id(rnd.model_id)
    shown = pd.DataFrame({t("assessment.page.col.round", lang): hist["round"],
                          t("assessment.page.col.held_on", lang): hist["held_on"].map(lambda d: day(d, lang)),
                          t("assessment.page.index", lang): hist["maturity_index"].map(lambda v: number(v, lang, 2)),
                          t("assessment.page.staged", lang): hist["staged_level"].map(lambda v: number(v, lang, 0))})
    for g in model.top_groups:
        shown[g.name.get(lang)] = hist[g.id].map(lambda v: number(v, lang, 1))
    st.dataframe(shown.set_index(shown.columns[0]).T, width="stretch")


def _benchmark(ctx, rnd: Round, table: pd.DataFrame, lang: str) -> None:
    st.subheader(t("assessment.page.benchmark", lang))
    bench = assessment.benchmark(ctx.session, rnd.model_id)
    if bench is None:
        st.caption(t("assessment.page.benchmark_empty", lang))
        return
    both = table[["domain_id", "domain", "score"]].merge(bench, on="domain_id", how="left")
    st.caption(t("assessment.page.benchmark_caption", lang, n=int(bench["clients"].max())))
    st.dataframe(pd.DataFrame({
        t("assessment.page.col.domain", lang): both["domain"],
        t("assessment.page.col.score", lang): both["score"].map(lambda v: number(v, lang, 1)),
        t("assessment.page.col.average", lang): both["average"].map(lambda v: number(v, lang, 1)),
        t("assessment.page.col.delta", lang): (both["score"] - both["average"]).map(lambda v: number(v, lang, 1)),
    }), hide_index=True, width="stretch")


# -- questions ---------------------------------------------------------------------------------
def questions_view(ctx, rnd: Round, model: MaturityModel) -> None:
    lang = ctx.lang
    state = assessment.round_state(ctx.session, rnd.id, model)
    q = state.questions
    texts = [model.question(i).text.get(lang) for i in q.index]
    consensus = [value_text(model.question(i), v, lang, na) if (pd.notna(v) or na) else "–"
                 for i, v, na in zip(q.index, q["consensus"], q["consensus_na"])]
    shown = pd.DataFrame({
        "#": q["position"], "domain": [model.group(d).name.get(lang) for d in q["domain_id"]], "question": texts,
        "votes": q["votes"], "na": q["not_applicable"], "median": q["median"].map(lambda v: number(v, lang, 1)),
        "spread": q["spread"].map(lambda v: number(v, lang, 0)), "discuss": q["discuss"].map({True: "⚠️", False: ""}),
        "consensus": consensus, "rationale": q["rationale"].fillna(""), "note": q["note"].fillna(""),
        "evidence": q["evidence"].fillna("")})
    st.dataframe(shown.rename(columns=_cols(lang, domain="domain", question="question", votes="votes", na="na",
                                            median="median", spread="spread", discuss="discuss",
                                            consensus="consensus", rationale="rationale", note="note",
                                            evidence="evidence")), hide_index=True, width="stretch")
