"""Alerts as people read them (issue 11.1): ``AlertItem`` (KPI and slice names in the user's
language, the sentence from the translation table, the acknowledgement) from the monitor's
``Alert``s, and the period a feed checks. Shared by ``usecases.alerts`` (the client's data) and the
report from files (``services.reporting.content_from_files``)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from analytics.alert_rules import AlertRules, read_alert_rules
from analytics.monitoring import Alert, evaluate, watched
from core.errors import ConfigError, Problem
from core.i18n import name_for, t
from core.query import Period
from core.yamlio import load_yaml
from definitions import shipped
from definitions.files import Collector
from definitions.references import alert_rules as check_references
from services.scorecard_view import default_period, kpi_labels
from storage.alerts import Acknowledgement


@dataclass(frozen=True)
class AlertItem:
    """One alert as a page, the report or the command line shows it (names in the user's language)."""

    key: str                    # kpi|period|kind|dim=member: what an acknowledgement is kept for
    kpi: str
    kpi_name: str
    kind: str                   # red | turned_red | trend_break | turns_red
    kind_name: str
    period: str
    dimension: str | None       # channel, segment ...; None: the total
    member: str | None          # the channel or segment value
    slice_name: str             # "Kanal E-Mail", "gesamt"
    unit: str
    value: float | None
    expected: float | None
    lower: float | None
    upper: float | None
    sentence: str
    acknowledged: Acknowledgement | None = None


def check(source, card, last_day=None, period: str | None = None) -> tuple[str | None, tuple[Alert, ...]]:
    """(the period checked, its alerts) of ``card`` on ``source`` with the rules of ``config/alerts.yaml``."""
    rules = shipped().alert_rules.for_card(card.id)
    values, card_values = watched(source, card, rules)
    checked = checked_period(values, rules.every, last_day, period)
    if checked is None:
        return None, ()
    return checked, tuple(evaluate(values, card_values, card, rules, checked))


def rules_file(path: str | Path) -> AlertRules:
    """Alert rules from another file than ``config/alerts.yaml`` (``cli.py monitor --rules``), checked
    the same way: shape, then scorecards, KPIs and slices against the shipped definitions; every
    problem named by the file's name and path (``mine.yaml: scorecards.crm_default.kpis.x.settle``)."""
    name = Path(path).name
    out = Collector()
    check = out.checker(name)
    rules = read_alert_rules(load_yaml(path), check)
    check_references(replace(shipped(), alert_rules=rules), out)
    problems = [Problem(name + p.where[len("alerts.yaml"):] if p.where.startswith("alerts.yaml") else p.where,
                        p.message, p.hint) for p in out.all()]
    if problems:
        raise ConfigError(f"{name}: the alert rules are not valid", problems, key="alerts.rules_invalid",
                          values={"file": name})
    return rules


def checked_period(values: pd.DataFrame, every: str, last_day, period: str | None) -> str | None:
    """The period to check: the last complete one (the scorecard's rule), ``period`` itself, or,
    for a longer ``period`` (a report's quarter), its newest period of ``every`` with data; None
    where ``period`` has none."""
    if period is None:
        return default_period(values, every, last_day)
    p = Period.parse(period)
    covered = set(values["period"].astype(str))
    if p.granularity.value == every:
        return p.label if p.label in covered else None   # a period without data: an empty feed
    inside = [x for x in covered
              if p.start <= Period.parse(x).start and Period.parse(x).end <= p.end]
    return max(inside, default=None)


def items(found, card, lang: str, acks: dict[str, Acknowledgement] | None = None) -> tuple[AlertItem, ...]:
    labels = kpi_labels(card)
    return tuple(_item(a, labels, lang, (acks or {}).get(a.key)) for a in found)


def _item(alert: Alert, labels: dict, lang: str, ack: Acknowledgement | None) -> AlertItem:
    label = labels.get(alert.kpi)
    name = label.name.get(lang) if label is not None else alert.kpi
    unit = label.unit if label is not None else "score"
    dim, member = next(iter(alert.slice.items()), (None, None))
    where = f"{_value(dim, lang)} {_value(member, lang)}" if dim else t("alerts.slice.overall", lang)
    return AlertItem(alert.key, alert.kpi, name, alert.kind, t(f"alerts.kind.{alert.kind}", lang), alert.period,
                     dim, member, where, unit, alert.value, alert.expected, alert.lower, alert.upper,
                     alert.sentence(lang, name, where, unit), ack)


def _value(name: str, lang: str) -> str:
    """A dimension or a channel/segment code in words (``charts.label.<code>``), else the code itself."""
    return name_for("charts.label", name, lang)
