"""What a report shows, as plain data: ``ReportContent`` and its optional sections.

The report builders (``reports.workbook``, ``reports.pdf``) read only these objects; the lead
fills them from the assessment, scorecard, KPI and lifecycle results. Every section is
optional: a report without an assessment is still a report. Values stay raw (a rate is
0.1169); the builders format them.

Expected frame columns (extra columns are ignored, missing optional ones are left out):

| section | frame | columns |
| --- | --- | --- |
| maturity | domains | domain, score, target, gap, priority, level (+ weight) |
| maturity | questions | question_id, domain, question, answer, spread, note, evidence |
| maturity | roadmap | domain, question, current, target, action |
| maturity | radar | axis, current, target (default: domain, score, target of ``domains``) |
| scorecard | rows | perspective, objective, kpi, unit, actual, target, achievement, status, trend |
| scorecard | perspectives | perspective, score, status |
| alerts | rows | kind, kpi, slice, period, unit, value, expected, lower, upper, sentence, acknowledged, note |
| forecasts | rows | kpi, period, step, unit, value, lower, upper, method, mase, naive_mase, target, status |
| channel_plan | summary | group, recommended, contacts, actual_value, plan_value, uplift, status |
| channel_plan | plan | group, channel, contacts, responses, conversions, conversions_per_contact, value_revenue, value_orders, value_per_conversion, cost_per_contact, cost_source, expected_value_per_contact, lower, upper, break_even_cost, recommended |
| channel_plan | sources | figure, formula |
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import pandas as pd

from core.i18n import Text, t
from reports.columns import ChartKind, Kind

ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def generator_version() -> str:
    """``crm-cockpit 0.1.0``: the project name and version from pyproject.toml."""
    try:
        project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        return f"{project['name']} {project['version']}"
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "crm-cockpit"


@dataclass(frozen=True, eq=False)
class MaturitySection:
    domains: pd.DataFrame
    questions: pd.DataFrame | None = None
    roadmap: pd.DataFrame | None = None
    radar: pd.DataFrame | None = None
    index: float | None = None  # maturity index (weighted mean of domain scores)
    level: int | None = None  # staged maturity level
    model_name: str = ""

    def radar_frame(self) -> pd.DataFrame:
        """axis, current, target: the radar series (from ``domains`` unless given)."""
        if self.radar is not None:
            return self.radar
        frame = self.domains.rename(columns={"domain": "axis", "score": "current"})
        cols = [c for c in ("axis", "current", "target") if c in frame.columns]
        return frame[cols]


@dataclass(frozen=True, eq=False)
class ScorecardSection:
    rows: pd.DataFrame
    perspectives: pd.DataFrame | None = None
    overall: float | None = None  # overall roll-up score (achievement, 1.0 = on target)
    overall_status: str | None = None  # green | amber | red | grey
    name: str = ""


@dataclass(frozen=True, eq=False)
class AlertSection:
    """The monitoring alerts of the report's period (``period``: the month checked)."""

    rows: pd.DataFrame  # kind, kpi, slice, period, unit, value, expected, lower, upper, sentence, acknowledged, note
    period: str = ""

    @property
    def open(self) -> int:
        return int((self.rows["acknowledged"].fillna("") == "").sum()) if "acknowledged" in self.rows else len(self.rows)


@dataclass(frozen=True, eq=False)
class ForecastSection:
    """Forecast vs target of the scorecard KPIs: the next periods after ``fitted`` (the last period
    the forecasts were fitted on), each with its 80 % interval, method, backtest MASE, target and light."""

    rows: pd.DataFrame  # kpi, period, step (1 = the next period), unit, value, lower, upper, method, mase, naive_mase, target, status
    fitted: str = ""

    def red_next(self) -> tuple[str, int] | None:
        """The next period and how many KPIs its forecast puts on red (None without forecasts)."""
        rows = self.rows[self.rows["step"] == 1] if "step" in self.rows else self.rows.iloc[0:0]
        if not len(rows):
            return None
        return str(rows["period"].iloc[0]), int((rows["status"] == "red").sum())


@dataclass(frozen=True, eq=False)
class ChannelPlanSection:
    """The channel plan per ``group`` (its name in the report's language); ``unavailable`` says why
    there is none (a live source), and then the frames are None."""

    summary: pd.DataFrame | None = None  # per group: recommended channel, actual vs plan value
    plan: pd.DataFrame | None = None     # per group and channel: the figures and their inputs
    sources: pd.DataFrame | None = None  # figure, formula: where each figure comes from
    group: str = ""
    unavailable: str = ""


@dataclass(frozen=True, eq=False)
class Figure:
    """A titled table, optionally charted: KPI tables by period/dimension, lifecycle figures.

    ``category`` is the chart's x axis (default: the first column), ``values`` the charted
    columns (default: every numeric column); ``kinds``/``labels`` override per column.
    """

    title: str | Text
    frame: pd.DataFrame
    chart: ChartKind | None = None
    category: str | None = None
    values: tuple[str, ...] = ()  # charted columns; default: the first numeric one
    kinds: Mapping[str, Kind] = field(default_factory=dict)
    labels: Mapping[str, str | Text] = field(default_factory=dict)

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) if isinstance(self.title, Text) else str(self.title)

    def category_field(self) -> str | None:
        return self.category or (str(self.frame.columns[0]) if len(self.frame.columns) else None)

    def value_fields(self) -> tuple[str, ...]:
        """The charted columns: ``values`` if given, else the first numeric column (one scale)."""
        if self.values:
            return tuple(v for v in self.values if v in self.frame.columns)
        cat = self.category_field()
        numeric = [str(c) for c in self.frame.columns
                   if c != cat and pd.api.types.is_numeric_dtype(self.frame[c])
                   and not pd.api.types.is_bool_dtype(self.frame[c])]
        return tuple(numeric[:1])

    def label(self, name: str, lang: str) -> str:
        label = self.labels.get(name, name)
        return label.get(lang) if isinstance(label, Text) else str(label)


@dataclass(frozen=True, eq=False)
class ReportContent:
    client: str
    period: str = ""
    lang: str = "de"
    title: str = ""  # default: t("report.title")
    created_at: datetime | None = None  # fixed for deterministic output; None = now
    stamp: Mapping[str, object] = field(default_factory=dict)  # model id/version, dataset versions ...
    maturity: MaturitySection | None = None
    scorecard: ScorecardSection | None = None
    alerts: AlertSection | None = None
    forecasts: ForecastSection | None = None
    channel_plan: ChannelPlanSection | None = None
    kpis: tuple[Figure, ...] = ()
    lifecycle: tuple[Figure, ...] = ()
    data_quality: pd.DataFrame | Figure | None = None
    raw: tuple[tuple[str, pd.DataFrame], ...] = ()  # (sheet title, frame)

    def created(self) -> datetime:
        return self.created_at or datetime.now().replace(microsecond=0)

    def full_stamp(self) -> dict[str, str]:
        """The given stamp plus generator, client, period and timestamp."""
        out = {str(k): "" if v is None else str(v) for k, v in self.stamp.items()}
        out.setdefault("generator", generator_version())
        out.setdefault("client", self.client)
        out.setdefault("period", self.period)
        out.setdefault("created_at", self.created().isoformat(timespec="seconds"))
        return out

    def provenance(self) -> list[tuple[str, str]]:
        """Where the figures come from, for the cover, in the report's language: the round, the model,
        the dataset version, the scorecard, "as of" of a live source, when and by what it was made.
        Names, not ids (issue 14.8): the ids stay in the hidden ``stamp`` sheet and the PDF's metadata."""
        s, lang = self.full_stamp(), self.lang
        label = lambda key: t(f"report.stamp.{key}", lang)  # noqa: E731
        lines = []
        if s.get("round"):
            lines.append((label("round"), s["round"]))
        if s.get("model_id"):
            name = (self.maturity.model_name if self.maturity is not None else "") or s["model_id"]
            lines.append((label("model"), t("report.stamp.model_version", lang, model=name,
                                            version=s.get("model_version", ""))))
        if s.get("answers"):
            lines.append((label("answers"), s["answers"]))
        if s.get("dataset_version"):
            text = f"v{s['dataset_version']}" + (f" „{s['dataset_label']}“" if s.get("dataset_label") else "")
            lines.append((label("dataset"), text))
        if s.get("as_of"):
            lines.append((label("as_of"), s["as_of"]))
        if s.get("scorecard"):
            name = (self.scorecard.name if self.scorecard is not None else "") or s["scorecard"]
            lines.append((label("scorecard"), f"{name} · {s.get('scorecard_period', '')}".rstrip(" ·")))
        created = datetime.fromisoformat(s["created_at"])
        when = created.strftime("%d.%m.%Y %H:%M" if lang == "de" else "%Y-%m-%d %H:%M")
        lines.append((label("created"), f"{when} · {s['generator']}"))
        return lines
