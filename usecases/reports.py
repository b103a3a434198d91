"""Export reports and run the offline questionnaire round trip: the reports page and
``cli.py report`` / ``questionnaire``.

A report (Excel or PDF) needs ``report.export``; its scorecard is the one
``usecases.scorecard.view_scorecard`` evaluates, so the report shows the card the page shows, and
its alerts the feed ``usecases.alerts.view_alerts`` gives for the report period's last month, its
forecasts and channel plan the cached ones of the KPI and lifecycle pages. The
questionnaire (download, read back, diff, merge) is part of running an assessment and needs
``assessment.run``: a manager who may open the reports page cannot change ratings through it.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

import pandas as pd

from core.errors import InputError
from core.query import Period
from reports.content import ReportContent
from reports.pdf import build_pdf
from reports.workbook import build_workbook
from services import questionnaire, reporting, workshop
from services.forecast_targets import versus_target
from services.report_outlook import PLAN_BY, channel_plan_section, forecast_section
from services.report_sections import alert_section
from usecases import alerts, analysis, datasets, propensity, scorecard
from usecases.caching import cache
from usecases.session import Session, allowed, require, scoped

KINDS = ("xlsx", "pdf")
_PERIODS = cache("report_periods")


@dataclass(frozen=True)
class BuiltReport:
    kind: str
    content: bytes
    kpis: pd.DataFrame | None   # every KPI by period, for the CSV beside the report


def report_periods(session: Session, granularity: str) -> tuple[list[str], str | None]:
    """The periods a report can cover (newest first) and the default: the last complete one."""
    require(session, "report.export")
    info = datasets.current_dataset(session)
    if info is None:
        return [], None
    last_day = datasets.choices(session, info).last_day
    key = (session.settings.database_url, session.client_id, info.version, granularity)
    return _PERIODS.get(key, lambda: reporting.available_periods(session.settings, info, granularity, last_day))


def report_content(session: Session, period: str, lang: str, *, round_id: int | None = None,
                   include_raw: bool = False, created_at: datetime | None = None,
                   scorecard_id: str = "crm_default") -> ReportContent:
    """What the report shows for ``period``: the client's current dataset version, its scorecard
    evaluated for the scorecard period that ``period`` falls in, its latest (or given) round."""
    require(session, "report.export")
    p = Period.parse(period)
    info = datasets.current_dataset(session)
    card, version, found, outlook = None, None, None, {}
    if info is not None:
        loaded = scorecard.load_card(session, scorecard_id)
        version = loaded.version
        try:
            view = scorecard.view_scorecard(session, reporting.card_period(p, loaded.card).label, scorecard_id)
            card = (view.card, view.result)
        except InputError:  # outside the data: the report's own check names the covered range
            card = None
        if allowed(session, "scorecard.view"):
            try:
                feed = alerts.view_alerts(session, lang, p.label, scorecard_id)  # the period's last month
                found = alert_section(feed.items, feed.period)
            except InputError:  # a month outside the data: the report's own check says so
                found = None
            outlook = _outlook(session, info, card, lang)
    with scoped(session):
        return reporting.content_for_client(session.engine, session.settings, session.client_id, p.label, lang,
                                            info, card, round_id=round_id, include_raw=include_raw,
                                            created_at=created_at, scorecard_version=version, alerts=found,
                                            **outlook)


def _outlook(session: Session, info, card, lang: str) -> dict:
    """The forecasts of the card's KPIs, fitted up to the report's card period (cached with the KPI
    page's, ``usecases.analysis.card_forecasts``), and the channel plan per segment (cached with the
    lifecycle page's); on a live source the plan's section says it needs imported data."""
    out = {}
    if card is not None:
        fitted = analysis.card_forecasts(session, info, card[0], scorecard.actuals(session, info, card[0]),
                                         card[1].period)
        out["forecasts"] = forecast_section(versus_target(card[0], fitted), card[0], lang)
    try:
        out["channel_plan"] = channel_plan_section(propensity.channel_plan(session, info, PLAN_BY), lang)
    except InputError as exc:
        out["channel_plan"] = channel_plan_section(None, lang, reporting.unavailable_text(exc, lang))
    return out


def build_report(session: Session, kind: str, period: str, lang: str, *, include_raw: bool = False,
                 created_at: datetime | None = None) -> BuiltReport:
    """The Excel workbook or the board PDF as bytes, with every KPI by period for the CSV beside it."""
    if kind not in KINDS:
        raise InputError(f"unknown report kind {kind!r}", hint=f"one of {list(KINDS)}", key="report.unknown_kind",
                         hint_key="definitions.one_of", values={"id": kind, "choices": ", ".join(KINDS)})
    content = report_content(session, period, lang, include_raw=include_raw and kind == "xlsx",
                             created_at=created_at)
    buffer = io.BytesIO()
    if kind == "xlsx":
        build_workbook(content, buffer)
    else:
        build_pdf(reporting.board(content), buffer)
    return BuiltReport(kind, buffer.getvalue(), reporting.kpi_period_table(content, lang))


def export_questionnaire(session: Session, round_id: int, lang: str, target: Any) -> None:
    require(session, "assessment.run")
    with scoped(session):
        questionnaire.export(session.engine, session.client_id, round_id, lang, target,
                             client_name=session.client.name)


def questionnaire_changes(session: Session, round_id: int, file: str | BinaryIO, source: str | None,
                          lang: str) -> pd.DataFrame:
    """Read a filled questionnaire back and diff it against the round's consensus ratings."""
    require(session, "assessment.run")
    with scoped(session):
        answers = questionnaire.read(session.engine, session.client_id, round_id, file, source=source, lang=lang)
        return questionnaire.diff(session.engine, session.client_id, round_id, answers, lang)


def merge_questionnaire(session: Session, round_id: int, changes: pd.DataFrame,
                        source: str = "questionnaire.xlsx") -> tuple[questionnaire.MergeResult, float | None]:
    """Write the confirmed changes as consensus ratings (all or nothing); returns the merge and the
    round's new maturity index."""
    require(session, "assessment.run")
    with scoped(session):
        merged = questionnaire.merge(session.engine, session.client_id, round_id, changes, actor=session.actor,
                                     source=source)
        return merged, workshop.result(session.engine, session.client_id, round_id).maturity_index
