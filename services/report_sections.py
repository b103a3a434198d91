"""The parts of a report: maturity, scorecard, KPI, lifecycle and data-quality sections, each a
pure function of results that are already computed (``services.reporting`` puts them together)."""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from core.errors import InputError
from core.i18n import Text, keys, name_for, t
from core.query import Filters, Period
from data.quality import completeness_frame
from kpis.catalogue import load_catalogue
from lifecycle.channels import channel_economics
from lifecycle.clv import lifetime_value
from lifecycle.funnel import funnel
from reports.columns import UNIT_KINDS, ChartKind, Kind
from reports.content import AlertSection, Figure, MaturitySection, ScorecardSection
from services.workshop import domain_table, roadmap_table

HISTORY = 12  # periods in the KPI-by-period tables
# per KPI unit: (chart over periods, chart over channels)
UNIT_CHARTS = {"ratio": (ChartKind.LINE, ChartKind.BAR), "currency": (ChartKind.COLUMN, ChartKind.COLUMN),
               "currency_per": (ChartKind.LINE, ChartKind.BAR),
               "count": (ChartKind.COLUMN, ChartKind.COLUMN), "days": (ChartKind.LINE, ChartKind.BAR),
               "hours": (ChartKind.LINE, ChartKind.BAR), "score": (ChartKind.LINE, ChartKind.BAR)}
LIFECYCLE_KINDS = {"count": Kind.INTEGER, "previous_count": Kind.INTEGER, "conversion": Kind.PERCENT,
                   "previous_conversion": Kind.PERCENT, "conversion_change": Kind.PERCENT,
                   "contacts": Kind.INTEGER, "responses": Kind.INTEGER, "conversions": Kind.INTEGER,
                   "customers": Kind.INTEGER, "response_rate": Kind.PERCENT, "conversion_rate": Kind.PERCENT,
                   **{c: Kind.CURRENCY for c in ("cost", "cost_per_contact", "cost_per_response", "revenue",
                                                 "revenue_per_contact", "total", "mean", "median")}}


def label(name: str) -> Text | str:
    """The bilingual label of a column or value (``charts.label.<name>``), else the name itself."""
    key = f"charts.label.{name}"
    return Text(t(key, "de"), t(key, "en")) if key in keys() else name


def named(values: pd.Series, lang: str, prefix: str = "charts.label") -> pd.Series:
    """Ids as people read them (``email`` -> "E-Mail", ``campaign_contacts`` -> "Kampagnenkontakte"):
    ``<prefix>.<id>`` where the table has it, else the value itself (issue 14.8)."""
    return values.astype("string").map(lambda v: name_for(prefix, v, lang), na_action="ignore").astype("string")


def _text(key: str, **values: object) -> Text:
    return Text(t(key, "de", **values), t(key, "en", **values))


# -- sections ----------------------------------------------------------------------------------
def maturity_section(model, result, lang: str, ratings: pd.DataFrame | None = None,
                     answers: pd.DataFrame | None = None) -> MaturitySection:
    """Domains, questions (consensus notes/evidence, else the participants' notes), roadmap, radar."""
    domains = domain_table(model, result, lang)[["domain", "weight", "score", "target", "gap", "priority", "level"]]
    ids = list(model.question_ids)
    questions = pd.DataFrame({
        "question_id": ids, "domain": [model.domain_of(q).name.get(lang) for q in ids],
        "question": [model.question(q).text.get(lang) for q in ids],
        "answer": [result.question(q).rating for q in ids], "spread": [result.question(q).spread for q in ids]})
    questions = questions.astype({"answer": "float64", "spread": "float64"})
    notes = pd.DataFrame(columns=["question_id", "note", "evidence"])
    if ratings is not None and len(ratings):
        notes = ratings[["question_id", "note", "evidence"]].astype({"question_id": str})
    elif answers is not None and len(answers) and "note" in answers:
        said = answers[answers["note"].fillna("").astype(str).str.strip() != ""].astype({"question_id": str})
        notes = said.groupby("question_id", as_index=False)["note"].agg(lambda s: "; ".join(dict.fromkeys(s)))
    questions = questions.merge(notes.drop_duplicates("question_id"), on="question_id", how="left")
    roadmap = roadmap_table(model, result, lang).rename(columns={"rating": "current"})
    return MaturitySection(domains, questions, roadmap[["domain", "question", "current", "target", "priority",
                                                        "action"]],
                           index=result.maturity_index, level=result.staged_level, model_name=model.name.get(lang))


def scorecard_section(card, result, lang: str) -> ScorecardSection:
    """One row per scorecard KPI with names in ``lang``, its unit, status and translated trend."""
    catalogue = {k.id: k for k in load_catalogue()}
    names = {k: v.name.get(lang) for k, v in catalogue.items()}
    units = {k: v.unit.value for k, v in catalogue.items()}
    for manual in card.manual_kpis:
        names[manual.id], units[manual.id] = manual.name.get(lang), manual.unit
    names.update({k.kpi: k.name.get(lang) for k in result.kpis if k.name is not None})
    frame = result.to_frame()
    rows = pd.DataFrame({
        "perspective": frame["perspective"].map({p.id: p.name.get(lang) for p in result.perspectives}),
        "objective": frame["objective"].map({o.id: o.name.get(lang) for o in result.objectives}),
        "kpi": frame["kpi"].map(names).fillna(frame["kpi"]), "unit": frame["kpi"].map(units).fillna("score"),
        "actual": frame["actual"], "target": frame["target"], "achievement": frame["achievement"],
        "status": frame["status"], "trend": frame["trend"].map(lambda m: t(f"scorecard.trend.{m}", lang))})
    perspectives = pd.DataFrame({"perspective": [p.name.get(lang) for p in result.perspectives],
                                 "score": [p.score for p in result.perspectives],
                                 "status": [p.status.value for p in result.perspectives]}).astype({"score": "float64"})
    return ScorecardSection(rows, perspectives, overall=result.score, overall_status=result.status.value,
                            name=f"{result.name.get(lang)} · {result.period}")


def alert_section(items, period: str | None) -> AlertSection:
    """The report's alerts from the feed's items (``usecases.alerts.AlertItem``: names already in the
    report's language); acknowledged ones say by whom, with the note."""
    rows = pd.DataFrame({
        "kind": [i.kind_name for i in items], "kpi": [i.kpi_name for i in items],
        "slice": [i.slice_name for i in items], "period": [i.period for i in items],
        "unit": [i.unit for i in items],
        **{f: pd.array([getattr(i, f) for i in items], dtype="Float64").astype("float64")
           for f in ("value", "expected", "lower", "upper")},
        "sentence": [i.sentence for i in items],
        "acknowledged": [i.acknowledged.by or "–" if i.acknowledged else "" for i in items],
        "note": [i.acknowledged.note if i.acknowledged else "" for i in items]})
    return AlertSection(rows, period or "")


def _unit_figures(wide: pd.DataFrame, category: str, units: Mapping[str, str], names: Mapping[str, Text],
                  per_key: str, which: int) -> tuple[Figure, ...]:
    """One Figure per KPI unit (one scale per chart): ``category`` + the KPIs of that unit."""
    out = []
    for unit, (period_chart, channel_chart) in UNIT_CHARTS.items():
        cols = [k for k in wide.columns if k != category and units.get(k) == unit and wide[k].notna().any()]
        if not cols:
            continue
        frame = wide[[category, *cols]]
        title = Text(*(t(f"reporting.unit.{unit}", lang, per=t(per_key, lang)) for lang in ("de", "en")))
        out.append(Figure(title, frame, (period_chart, channel_chart)[which],
                          category=category, values=tuple(cols),
                          kinds={k: UNIT_KINDS[unit.removesuffix("_per")] for k in cols},
                          labels={category: label(category), **names}))
    return tuple(out)


def kpi_figures(table: pd.DataFrame, by_channel: pd.DataFrame, period: Period, lang: str) -> tuple[Figure, ...]:
    """KPI tables by period (the last 12 up to ``period``) and by channel (within ``period``)."""
    catalogue = [k for k in load_catalogue() if k.kind.value == "computed"]
    units = {k.id: k.unit.value for k in catalogue}
    totals = {k.id for k in catalogue if len(k.parts) == 1 and k.parts[0].agg.value == "sum"}
    units.update({k: "currency_per" for k, u in units.items() if u == "currency" and k not in totals})  # per unit
    names = {k.id: k.name for k in catalogue}
    history = [period.shift(-i).label for i in range(HISTORY - 1, -1, -1)]
    rows = table[table["kpi"].isin(units) & table["period"].isin(history)]
    wide = rows.pivot(index="period", columns="kpi", values="value").reindex(history)
    wide = wide[[k for k in units if k in wide.columns]].rename_axis(columns=None).reset_index()
    started = wide.drop(columns="period").notna().any(axis=1).cummax()  # no rows before the data begins
    per = f"reporting.per.{period.granularity.value}"
    figures = list(_unit_figures(wide[started].reset_index(drop=True), "period", units, names, per, 0))
    if len(by_channel):
        wide = by_channel.pivot(index="channel", columns="kpi", values="value")
        wide = wide[[k for k in units if k in wide.columns]].rename_axis(columns=None).reset_index()
        wide["channel"] = named(wide["channel"], lang)
        figures += _unit_figures(wide, "channel", units, names, "reporting.per.channel", 1)
    return tuple(figures)


def lifecycle_figures(source, period: Period, lang: str) -> tuple[Figure, ...]:
    """Funnel and channel economics within ``period``; lifetime value by channel up to its end."""
    within, until = Filters(start=period.start, end=period.end), Filters(end=period.end)
    steps = funnel(source, within)
    steps["step"] = steps["step"].map(lambda s: t(f"charts.label.{s}", lang)).astype("string")
    economics, clv = channel_economics(source, within), lifetime_value(source, until)
    for frame in (economics, clv):
        for column in {"channel", "acquisition_channel"} & set(frame.columns):
            frame[column] = named(frame[column], lang)

    def figure(key: str, frame: pd.DataFrame, chart: ChartKind, values: tuple[str, ...]) -> Figure:
        return Figure(_text(key), frame, chart, values=values, labels={c: label(c) for c in frame.columns},
                      kinds={c: k for c, k in LIFECYCLE_KINDS.items() if c in frame.columns})

    return (figure("lifecycle.funnel.title", steps, ChartKind.COLUMN, ("count",)),
            figure("reporting.channel_economics", economics, ChartKind.COLUMN, ("cost", "revenue")),
            figure("lifecycle.clv.title", clv, ChartKind.COLUMN, ("mean", "median")))


def quality_figure(summary: Mapping | None, lang: str = "de") -> Figure | None:
    if not summary or not summary.get("entities"):
        return None
    frame = completeness_frame(dict(summary))
    frame["entity"] = named(frame["entity"], lang, "views.entity")
    return Figure(_text("reporting.data_quality"), frame, ChartKind.BAR, values=("completeness",),
                  kinds={"completeness": Kind.PERCENT, "rows": Kind.INTEGER, "duplicate_keys": Kind.INTEGER,
                         "implausible": Kind.INTEGER},
                  labels={c: _text(f"reporting.col.{c}") for c in frame.columns})


def check_period(table: pd.DataFrame, period: Period) -> None:
    labels = sorted(set(table["period"].dropna().astype(str))) if "period" in table else []
    if period.label not in labels:
        covered = f"{labels[0]} … {labels[-1]}" if labels else "-"
        raise InputError(f"There is no data for period {period.label}.",
                         hint=f"the dataset covers {covered} ({period.granularity.value}s)",
                         key="report.no_period_data", hint_key="report.no_period_data_hint",
                         values={"period": period.label, "covered": covered})
