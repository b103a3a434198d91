"""Fill a ``reports.content.ReportContent`` from the real results (docs/reports.md, "Filling ReportContent").

``content_for_client``: a client's latest dataset version, its latest (or a given) assessment round
and its scorecard (the client's edited one if saved, else the shipped one), for one period.
``content_from_files``: the same from a dataset path, a model file and an answers sheet (command line).

The period decides everything dated: the scorecard period, the KPI tables (the period's
granularity, the last 12 periods ending at it; and per channel within it) and the lifecycle
figures (funnel, channel economics within the period; lifetime value of customers acquired up to
its end). A period the data does not cover is an ``InputError`` naming the covered range.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Mapping

import pandas as pd
from sqlalchemy import Engine

from core.errors import InputError
from core.i18n import Text, keys, t
from core.query import Filters, Period
from core.settings import Settings
from reports.columns import UNIT_KINDS, ChartKind, Kind
from reports.content import Figure, MaturitySection, ReportContent, ScorecardSection

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


def _text(key: str, **values: object) -> Text:
    return Text(t(key, "de", **values), t(key, "en", **values))


# -- sections ----------------------------------------------------------------------------------
def maturity_section(model, result, lang: str, ratings: pd.DataFrame | None = None,
                     answers: pd.DataFrame | None = None) -> MaturitySection:
    """Domains, questions (consensus notes/evidence, else the participants' notes), roadmap, radar."""
    from services.workshop import domain_table, roadmap_table

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
    from kpis.catalogue import load_catalogue

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
    from kpis.catalogue import load_catalogue

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
        wide["channel"] = wide["channel"].astype("string")
        figures += _unit_figures(wide, "channel", units, names, "reporting.per.channel", 1)
    return tuple(figures)


def lifecycle_figures(source, period: Period, lang: str) -> tuple[Figure, ...]:
    """Funnel and channel economics within ``period``; lifetime value by channel up to its end."""
    from lifecycle.channels import channel_economics
    from lifecycle.clv import lifetime_value
    from lifecycle.funnel import funnel

    within, until = Filters(start=period.start, end=period.end), Filters(end=period.end)
    steps = funnel(source, within)
    steps["step"] = steps["step"].map(lambda s: t(f"charts.label.{s}", lang)).astype("string")
    economics, clv = channel_economics(source, within), lifetime_value(source, until)

    def figure(key: str, frame: pd.DataFrame, chart: ChartKind, values: tuple[str, ...]) -> Figure:
        return Figure(_text(key), frame, chart, values=values, labels={c: label(c) for c in frame.columns},
                      kinds={c: k for c, k in LIFECYCLE_KINDS.items() if c in frame.columns})

    return (figure("lifecycle.funnel.title", steps, ChartKind.COLUMN, ("count",)),
            figure("reporting.channel_economics", economics, ChartKind.COLUMN, ("cost", "revenue")),
            figure("lifecycle.clv.title", clv, ChartKind.COLUMN, ("mean", "median")))


def quality_figure(summary: Mapping | None) -> Figure | None:
    from data.quality import completeness_frame

    if not summary or not summary.get("entities"):
        return None
    frame = completeness_frame(dict(summary)).astype({"entity": "string"})
    return Figure(_text("reporting.data_quality"), frame, ChartKind.BAR, values=("completeness",),
                  kinds={"completeness": Kind.PERCENT, "rows": Kind.INTEGER, "duplicate_keys": Kind.INTEGER,
                         "implausible": Kind.INTEGER},
                  labels={c: _text(f"reporting.col.{c}") for c in frame.columns})


# -- data-dependent parts ----------------------------------------------------------------------
def check_period(table: pd.DataFrame, period: Period) -> None:
    labels = sorted(set(table["period"].dropna().astype(str))) if "period" in table else []
    if period.label not in labels:
        covered = f"{labels[0]} … {labels[-1]}" if labels else "-"
        raise InputError(f"There is no data for period {period.label}.",
                         hint=f"the dataset covers {covered} ({period.granularity.value}s)")


def data_sections(source, period: Period, lang: str, card, manual: pd.DataFrame | None,
                  external: Mapping[str, float]) -> dict:
    """kpis, lifecycle and scorecard of ``ReportContent`` for ``period``, plus stamp entries."""
    from kpis.engine import compute
    from scorecards.evaluation import evaluate

    table = compute(source, "all", period=period.granularity, external=external)
    check_period(table, period)
    channel_ids = [k.id for k in _channel_kpis()]
    by_channel = compute(source, channel_ids, by=("channel",), filters=Filters(start=period.start, end=period.end))
    out = {"kpis": kpi_figures(table, by_channel, period, lang), "lifecycle": lifecycle_figures(source, period, lang),
           "stamp": {}}
    if card is not None:
        card_period = period if period.granularity is card.granularity else \
            Period.containing(period.end - timedelta(days=1), card.granularity)
        actuals = table if period.granularity is card.granularity else \
            compute(source, "all", period=card.granularity, external=external)
        result = evaluate(card, actuals, card_period.label, manual=manual)
        out["scorecard"] = scorecard_section(card, result, lang)
        out["stamp"] = {"scorecard": card.id, "scorecard_period": card_period.label}
    return out


def _channel_kpis():
    from kpis.catalogue import load_catalogue

    return [k for k in load_catalogue() if k.kind.value == "computed" and k.dimension("channel")]


# -- entry points ------------------------------------------------------------------------------
def content_for_client(engine: Engine, settings: Settings, client_id: int, period: str, lang: str,
                       scorecard_id: str = "crm_default", round_id: int | None = None, include_raw: bool = False,
                       created_at: datetime | None = None) -> ReportContent:
    """The report of a client for ``period`` (its latest dataset version, its latest round unless given)."""
    from services import workshop
    from services.analytics import external_values
    from services.scorecard_view import load_card
    from storage import assessments as repo
    from storage.clients import get_client
    from storage.datasets import dataset_paths, latest_dataset, load_frames
    from storage.scorecards import manual_frame

    client = get_client(engine, int(client_id))
    if client is None:
        raise InputError(f"Client {client_id} does not exist.")
    p = Period.parse(period)
    rounds = repo.list_rounds(engine, client.id)
    rnd = repo.get_round(engine, client.id, round_id) if round_id is not None else (rounds[0] if rounds else None)
    stamp: dict = {}
    maturity, index = None, None
    if rnd is not None:
        model, result = workshop.model_by_id(rnd.model_id), workshop.result(engine, client.id, rnd.id)
        maturity = maturity_section(model, result, lang, ratings=repo.ratings_frame(engine, client.id, rnd.id),
                                    answers=repo.votes_frame(engine, client.id, rnd.id))
        stamp.update(model_id=result.model_id, model_version=result.model_version, round_id=rnd.id, round=rnd.name)
        index = result.maturity_index
    info = latest_dataset(engine, client.id)
    sections: dict = {}
    if info is not None:
        loaded = load_card(engine, client.id, scorecard_id) if scorecard_id else None
        card = loaded.card if loaded is not None else None
        manual = manual_frame(engine, client.id) if card is not None else None
        source = dataset_paths(settings.dataset_dir, info)
        sections = data_sections(source, p, lang, card, manual, external_values(info, index))
        stamp.update(dataset_version=info.version, dataset_label=info.label, **sections.pop("stamp"))
        if loaded is not None and loaded.version is not None:
            stamp["scorecard_version"] = f"client v{loaded.version}"
    raw = tuple(load_frames(settings.dataset_dir, info).items()) if include_raw and info is not None else ()
    return ReportContent(client=client.name, period=p.label, lang=lang, created_at=created_at, stamp=stamp,
                         maturity=maturity, data_quality=quality_figure(info.quality if info else None),
                         raw=raw, **sections)


def content_from_files(data_path: str | Path | None = None, model_path: str | Path | None = None,
                       answers_path: str | Path | None = None, scorecard_id: str | None = None,
                       period: str | None = None, lang: str = "de", *, client: str | None = None,
                       include_raw: bool = False, created_at: datetime | None = None) -> ReportContent:
    """The report from files: a dataset (manifest or folder), optionally a model with an answers sheet."""
    from assessment.loader import load_model
    from assessment.scoring import score
    from assessment.sheets import read_answers
    from kpis.catalogue import known_kpis
    from scorecards.loader import find_scorecard

    if data_path is None and model_path is None:
        raise InputError("Nothing to report on.", hint="give --data PATH and/or --model M.yaml --answers A.csv")
    if (model_path is None) != (answers_path is None):
        raise InputError("--model and --answers go together.", hint="give both, or neither")
    stamp: dict = {}
    maturity, index = None, None
    if model_path is not None:
        model = load_model(model_path)
        answers = read_answers(answers_path, model)
        result = score(model, answers)
        maturity, index = maturity_section(model, result, lang, answers=answers), result.maturity_index
        stamp.update(model_id=result.model_id, model_version=result.model_version, answers=Path(answers_path).name)
    sections: dict = {}
    quality, raw, label_ = None, (), ""
    if data_path is not None:
        from data.dataset import read_dataset
        from services.scorecard_view import default_period

        dataset = read_dataset(data_path)
        card = find_scorecard(scorecard_id or "crm_default", known_kpis=known_kpis())
        external = {"data_completeness": dataset.quality.get("data_completeness")}
        if index is not None:
            external["maturity_index"] = index
        if period is None:
            from kpis.engine import compute

            table = compute(dataset.frames, card.engine_kpi_ids, period=card.granularity, external=external)
            period = default_period(table, card.granularity.value)
            if period is None:
                raise InputError(f"{data_path}: the dataset has no dated rows to report on.")
        p = Period.parse(period)
        sections = data_sections(dataset.frames, p, lang, card, None, external)
        stamp.update(dataset=Path(data_path).name, rejected_rows=sum(dataset.rejected_counts.values()),
                     **sections.pop("stamp"))
        quality, label_ = dataset.quality, p.label
        raw = tuple((k, v) for k, v in dataset.frames.items() if len(v)) if include_raw else ()
    elif period:
        label_ = Period.parse(period).label
    name = client or (Path(data_path).stem if data_path is not None else Path(answers_path).stem)
    return ReportContent(client=name, period=label_, lang=lang, created_at=created_at, stamp=stamp, maturity=maturity,
                         data_quality=quality_figure(quality), raw=raw, **sections)


def board(content: ReportContent) -> ReportContent:
    """The board PDF's selection: the KPI charts of rates and totals over the periods (the channel
    and other unit tables stay in the workbook), every lifecycle figure, no raw data."""
    def key(f: Figure) -> bool:
        kind = f.kinds.get(f.value_fields()[0]) if f.value_fields() else None
        return f.category == "period" and (f.chart, kind) in ((ChartKind.LINE, Kind.PERCENT),
                                                              (ChartKind.COLUMN, Kind.CURRENCY))
    return replace(content, kpis=tuple(f for f in content.kpis if key(f)), raw=())


# -- helpers for the page ----------------------------------------------------------------------
def available_periods(settings: Settings, info, granularity: str) -> tuple[list[str], str | None]:
    """The period labels the dataset covers (newest first) and the default: the last complete one."""
    from kpis.engine import compute
    from services.scorecard_view import default_period
    from storage.datasets import dataset_paths

    if info is None:
        return [], None
    table = compute(dataset_paths(settings.dataset_dir, info), [k.id for k in _channel_kpis()], period=granularity)
    labels = sorted(set(table["period"].dropna().astype(str)), reverse=True)
    return labels, default_period(table, granularity)


def kpi_period_table(content: ReportContent, lang: str) -> pd.DataFrame | None:
    """Every KPI by period as one table (the KPI figures over periods joined), columns named in ``lang``."""
    frames = [f.frame.set_index("period") for f in content.kpis if f.category_field() == "period"]
    if not frames:
        return None
    wide = pd.concat(frames, axis=1).reset_index()
    names = {c: f.label(c, lang) for f in content.kpis for c in f.frame.columns}
    return wide.rename(columns=names)
