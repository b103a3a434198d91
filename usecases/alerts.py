"""Monitoring alerts of the client's current data (issue 11.1): the overview's feed, the scorecard's
marker, the report's Alerts sheet, and acknowledging an alert.

The alerts of a dataset version are computed once per (database, client, version, scorecard and
its client-copy version, period) with the rules ``config/alerts.yaml`` declares for the card;
names, sentences (from the translation table) and acknowledgements are added per call, so an
acknowledgement shows at once. Viewing needs ``scorecard.view``, acknowledging
``alert.acknowledge``; both are checked here.
"""
from __future__ import annotations

from dataclasses import dataclass

from analytics.monitoring import Alert, evaluate, watched
from core.i18n import keys, t
from core.query import Period
from definitions import shipped
from services.scorecard_view import DEFAULT_ID, default_period, kpi_labels
from storage import alerts as repo
from storage.alerts import Acknowledgement
from storage.datasets import DatasetInfo
from usecases import datasets
from usecases.caching import cache
from usecases.scorecard import load_card
from usecases.session import Session, allowed, require, scoped

_ALERTS = cache("alerts")


@dataclass(frozen=True)
class AlertItem:
    """One alert as a page, the report or the command line shows it (names in the user's language)."""

    key: str                    # kpi|period|kind|dim=member: what an acknowledgement is kept for
    kpi: str
    kpi_name: str
    kind: str                   # red | turned_red | trend_break
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


@dataclass(frozen=True)
class AlertFeed:
    dataset_version: int | None
    scorecard_id: str
    period: str | None          # the period checked (None: no data yet)
    items: tuple[AlertItem, ...]
    may_acknowledge: bool

    def for_kpi(self, kpi: str) -> tuple[AlertItem, ...]:
        return tuple(i for i in self.items if i.kpi == kpi)

    @property
    def open(self) -> int:
        """Alerts nobody has acknowledged yet."""
        return sum(1 for i in self.items if i.acknowledged is None)


def view_alerts(session: Session, lang: str, period: str | None = None,
                scorecard_id: str = DEFAULT_ID) -> AlertFeed:
    """The alerts of the client's current dataset version for ``period`` (default: the last complete
    month; a quarter or year: its last month with data), newest kinds first, acknowledged ones marked."""
    require(session, "scorecard.view")
    may_ack = allowed(session, "alert.acknowledge")
    info = datasets.current_dataset(session)
    if info is None:
        return AlertFeed(None, scorecard_id, None, (), may_ack)
    loaded = load_card(session, scorecard_id)
    checked, found = _alerts(session, info, loaded, period)
    with scoped(session):
        acks = repo.acknowledgements(session.engine, session.client_id, loaded.card.id)
    labels = kpi_labels(loaded.card)
    items = tuple(_item(a, labels, lang, acks.get(a.key)) for a in found)
    return AlertFeed(info.version, loaded.card.id, checked, items, may_ack)


def acknowledge(session: Session, alert_key: str, note: str = "", scorecard_id: str = DEFAULT_ID) -> Acknowledgement:
    """Mark the alert ``alert_key`` as seen, with a note (who and when from the session); audited."""
    require(session, "alert.acknowledge")
    info = datasets.current_dataset(session)
    with scoped(session):
        return repo.acknowledge(session.engine, session.client_id, scorecard_id, alert_key, note,
                                info.version if info else None, actor=session.actor)


def _alerts(session: Session, info: DatasetInfo, loaded, period: str | None) -> tuple[str | None, tuple[Alert, ...]]:
    card = loaded.card
    rules = shipped().alert_rules.for_card(card.id)
    key = (session.settings.database_url, session.client_id, info.version, card.id, loaded.version, period)

    def compute() -> tuple[str | None, tuple[Alert, ...]]:
        source = datasets.source(session, info)
        last_day = datasets.choices(session, info).last_day
        values, card_values = watched(source, card, rules)
        checked = _checked(values, rules.every, last_day, period)
        if checked is None:
            return None, ()
        return checked, tuple(evaluate(values, card_values, card, rules, checked))

    return _ALERTS.get(key, compute)


def _checked(values, every: str, last_day, period: str | None) -> str | None:
    """The period to check: the last complete one (the scorecard's rule), ``period`` itself, or,
    for a longer ``period`` (a report's quarter), its newest period of ``every`` with data."""
    if period is None:
        return default_period(values, every, last_day)
    p = Period.parse(period)
    if p.granularity.value == every:
        return p.label
    inside = [x for x in set(values["period"].astype(str))
              if p.start <= Period.parse(x).start and Period.parse(x).end <= p.end]
    return max(inside, default=None)


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
    key = f"charts.label.{name}"
    return t(key, lang) if key in keys() else name
