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

from analytics.monitoring import Alert
from core.errors import InputError, Problem
from services import alert_feed as feed
from services.alert_feed import AlertItem
from services.scorecard_view import DEFAULT_ID
from storage import alerts as repo
from storage.alerts import Acknowledgement
from storage.datasets import DatasetInfo
from usecases import datasets
from usecases.caching import cache
from usecases.scorecard import load_card
from usecases.session import Session, allowed, require, scoped

_ALERTS = cache("alerts")


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
    return AlertFeed(info.version, loaded.card.id, checked, feed.items(found, loaded.card, lang, acks), may_ack)


def acknowledge(session: Session, alert_key: str, note: str = "", scorecard_id: str = DEFAULT_ID) -> Acknowledgement:
    """Mark the alert ``alert_key`` of the current feed as seen, with a note (who and when from the
    session); audited. A key the feed does not hold is an ``InputError``."""
    require(session, "alert.acknowledge")
    info = datasets.current_dataset(session)
    if alert_key not in {i.key for i in view_alerts(session, "en", scorecard_id=scorecard_id).items}:
        raise InputError(f"There is no current alert {alert_key!r}.", [Problem("alert", alert_key)],
                         hint="acknowledge an alert the feed shows", key="alerts.unknown",
                         hint_key="alerts.unknown_hint", values={"alert": alert_key})
    with scoped(session):
        return repo.acknowledge(session.engine, session.client_id, scorecard_id, alert_key, note,
                                info.version if info else None, actor=session.actor)


def _alerts(session: Session, info: DatasetInfo, loaded, period: str | None) -> tuple[str | None, tuple[Alert, ...]]:
    card = loaded.card
    key = (session.settings.database_url, session.client_id, info.version, card.id, loaded.version, period)
    return _ALERTS.get(key, lambda: feed.check(datasets.source(session, info), card,
                                               datasets.choices(session, info).last_day, period))
