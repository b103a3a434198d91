"""Fill a ``reports.content.ReportContent`` from the real results (docs/reports.md, "Filling ReportContent").

``content_for_client``: a client's dataset version, its assessment round and its scorecard view
(``usecases.reports`` evaluates the scorecard through ``usecases.scorecard.view_scorecard``, the
one scorecard pipeline, and passes it in). ``content_from_files``: the same from a dataset path,
a model file and an answers sheet (command line).

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

from analytics.channels import plan as channel_plan
from assessment.loader import load_model
from assessment.scoring import score
from assessment.sheets import read_answers
from core.errors import InputError
from core.i18n import t
from core.query import Filters, Period
from core.settings import Settings
from data.dataset import read_dataset
from kpis.catalogue import known_kpis, load_catalogue
from kpis.engine import compute
from reports.columns import ChartKind, Kind
from reports.content import Figure, ReportContent
from scorecards.loader import find_scorecard
from services import alert_feed, analytics
from services.forecast_targets import fit_card, versus_target
from services.report_outlook import PLAN_BY, channel_plan_section, forecast_section
from services import scorecard_view as sv
from services import workshop
from services.report_sections import (alert_section, check_period, kpi_figures, lifecycle_figures,
                                      maturity_section, quality_figure, scorecard_section)
from storage import assessments as repo
from storage.clients import get_client
from storage.datasets import DatasetInfo, load_frames


def card_period(period: Period, card) -> Period:
    """The scorecard period that a report period falls in (a month report shows its quarter's card)."""
    if period.granularity is card.granularity:
        return period
    return Period.containing(period.end - timedelta(days=1), card.granularity)


def data_sections(source, period: Period, lang: str, scorecard, external: Mapping[str, float]) -> dict:
    """kpis, lifecycle and scorecard of ``ReportContent`` for ``period``, plus stamp entries;
    ``scorecard`` is ``(card, evaluated result)`` or None."""
    table = compute(source, "all", period=period.granularity, external=external)
    check_period(table, period)
    channel_ids = [k.id for k in _channel_kpis()]
    by_channel = compute(source, channel_ids, by=("channel",), filters=Filters(start=period.start, end=period.end))
    out = {"kpis": kpi_figures(table, by_channel, period, lang), "lifecycle": lifecycle_figures(source, period, lang),
           "stamp": {}}
    if scorecard is not None:
        card, result = scorecard
        out["scorecard"] = scorecard_section(card, result, lang)
        out["stamp"] = {"scorecard": card.id, "scorecard_period": result.period}
    return out


def _channel_kpis():
    return [k for k in load_catalogue() if k.kind.value == "computed" and k.dimension("channel")]


# -- entry points ------------------------------------------------------------------------------
def content_for_client(engine: Engine, settings: Settings, client_id: int, period: str, lang: str,
                       info: DatasetInfo | None, scorecard=None, round_id: int | None = None,
                       include_raw: bool = False, created_at: datetime | None = None,
                       scorecard_version: int | None = None, alerts=None, forecasts=None,
                       channel_plan=None) -> ReportContent:
    """The report of a client for ``period``: the dataset version ``info``, the round ``round_id``
    (default: the latest), ``scorecard`` = ``(card, result)`` already evaluated (or None) and the
    ``alerts``, ``forecasts`` and ``channel_plan`` sections (``report_sections.alert_section``,
    ``report_outlook``; or None)."""
    client = get_client(engine, int(client_id))
    if client is None:
        raise InputError(f"Client {client_id} does not exist.", key="client.unknown", values={"client": client_id})
    p = Period.parse(period)
    rounds = repo.list_rounds(engine, client.id)
    rnd = repo.get_round(engine, client.id, round_id) if round_id is not None else workshop.latest_closed(rounds)
    stamp: dict = {}
    maturity, index = None, None
    if rnd is not None:
        model, result = workshop.model_by_id(rnd.model_id), workshop.result(engine, client.id, rnd.id)
        maturity = maturity_section(model, result, lang, ratings=repo.ratings_frame(engine, client.id, rnd.id),
                                    answers=repo.votes_frame(engine, client.id, rnd.id))
        stamp.update(model_id=result.model_id, model_version=result.model_version, round_id=rnd.id, round=rnd.name)
        index = result.maturity_index
    sections: dict = {}
    if info is not None:
        source = analytics.source(settings, info)  # Parquet files, or a live source's database
        sections = data_sections(source, p, lang, scorecard, sv.external_values(info, index))
        stamp.update(dataset_version=info.version, dataset_label=info.label, **sections.pop("stamp"),
                     **analytics.live_stamp(settings, info, lang))
        if scorecard_version is not None:
            stamp["scorecard_version"] = f"client v{scorecard_version}"
    raw = tuple(load_frames(settings.dataset_dir, info).items()) if include_raw and info is not None else ()
    return ReportContent(client=client.name, period=p.label, lang=lang, created_at=created_at, stamp=stamp,
                         maturity=maturity, data_quality=quality_figure(info.quality if info else None, lang),
                         raw=raw, alerts=alerts if info is not None else None,
                         forecasts=forecasts if info is not None else None,
                         channel_plan=channel_plan if info is not None else None, **sections)


def content_from_files(data_path: str | Path | None = None, model_path: str | Path | None = None,
                       answers_path: str | Path | None = None, scorecard_id: str | None = None,
                       period: str | None = None, lang: str = "de", *, client: str | None = None,
                       include_raw: bool = False, created_at: datetime | None = None) -> ReportContent:
    """The report from files: a dataset (manifest or folder), optionally a model with an answers sheet."""
    if data_path is None and model_path is None:
        raise InputError("Nothing to report on.", hint="give --data PATH and/or --model M.yaml --answers A.csv",
                         key="report.nothing", hint_key="report.nothing_hint")
    if (model_path is None) != (answers_path is None):
        raise InputError("--model and --answers go together.", hint="give both, or neither",
                         key="report.model_answers", hint_key="report.model_answers_hint")
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
        dataset = read_dataset(data_path)
        card = find_scorecard(scorecard_id or "crm_default", known_kpis=known_kpis())
        external = {"data_completeness": dataset.quality.get("data_completeness")}
        if index is not None:
            external["maturity_index"] = index
        actuals = compute(dataset.frames, card.engine_kpi_ids, period=card.granularity, external=external)
        if period is None:
            period = sv.default_period(actuals, card.granularity.value)
            if period is None:
                raise InputError(f"{data_path}: the dataset has no dated rows to report on.", key="report.no_dated_rows",
                                 values={"path": str(data_path)})
        p = Period.parse(period)
        result = sv.evaluate_view(card, actuals, card_period(p, card).label, None, None)
        sections = data_sections(dataset.frames, p, lang, (card, result), external)
        checked, found = alert_feed.check(dataset.frames, card, None, p.label)
        sections["alerts"] = alert_section(alert_feed.items(found, card, lang), checked)
        sections.update(outlook_from_files(dataset.frames, card, actuals, result.period, lang))
        stamp.update(dataset=Path(data_path).name, rejected_rows=sum(dataset.rejected_counts.values()),
                     **sections.pop("stamp"))
        quality, label_ = dataset.quality, p.label
        raw = tuple((k, v) for k, v in dataset.frames.items() if len(v)) if include_raw else ()
    elif period:
        label_ = Period.parse(period).label
    name = client or (Path(data_path).stem if data_path is not None else Path(answers_path).stem)
    return ReportContent(client=name, period=label_, lang=lang, created_at=created_at, stamp=stamp, maturity=maturity,
                         data_quality=quality_figure(quality, lang), raw=raw, **sections)


def outlook_from_files(frames, card, actuals: pd.DataFrame, last: str, lang: str) -> dict:
    """The forecasts (fitted up to the report's card period ``last``) and the channel plan of a
    dataset read from files; a dataset without campaign contacts gets the plan's reason instead."""
    ratios = {k for k, v in sv.kpi_labels(card).items() if v.unit == "ratio"}
    table = versus_target(card, fit_card(card, actuals, last, ratios))
    try:
        plan = channel_plan_section(channel_plan(frames, by=(PLAN_BY,)), lang)
    except InputError as exc:
        plan = channel_plan_section(None, lang, unavailable_text(exc, lang))
    return {"forecasts": forecast_section(table, card, lang), "channel_plan": plan}


def unavailable_text(exc: InputError, lang: str) -> str:
    """Why the channel plan is missing, in the report's language: the located error and its hint
    (a live source), else that it needs customers and campaign contacts, with the error's detail."""
    if not exc.key:
        return t("report.plan.unavailable", lang, detail=exc.message)
    return " ".join(x for x in (exc.text(lang), exc.hint_text(lang)) if x)


def board(content: ReportContent) -> ReportContent:
    """The board PDF's selection: the KPI charts of rates and totals over the periods (the channel
    and other unit tables stay in the workbook), every lifecycle figure, no raw data."""
    def key(f: Figure) -> bool:
        kind = f.kinds.get(f.value_fields()[0]) if f.value_fields() else None
        return f.category == "period" and (f.chart, kind) in ((ChartKind.LINE, Kind.PERCENT),
                                                              (ChartKind.COLUMN, Kind.CURRENCY))
    return replace(content, kpis=tuple(f for f in content.kpis if key(f)), raw=())


# -- helpers for the page ----------------------------------------------------------------------
def available_periods(settings: Settings, info: DatasetInfo | None, granularity: str,
                      last_day=None) -> tuple[list[str], str | None]:
    """The period labels the dataset covers (newest first) and the default: the last complete one
    (``services.scorecard_view.default_period``, the rule every page uses)."""
    if info is None:
        return [], None
    table = compute(analytics.source(settings, info), [k.id for k in _channel_kpis()], period=granularity)
    labels = sorted(set(table["period"].dropna().astype(str)), reverse=True)
    return labels, sv.default_period(table, granularity, last_day)


def kpi_period_table(content: ReportContent, lang: str) -> pd.DataFrame | None:
    """Every KPI by period as one table (the KPI figures over periods joined), columns named in ``lang``."""
    frames = [f.frame.set_index("period") for f in content.kpis if f.category_field() == "period"]
    if not frames:
        return None
    wide = pd.concat(frames, axis=1).reset_index()
    names = {c: f.label(c, lang) for f in content.kpis for c in f.frame.columns}
    return wide.rename(columns=names)
