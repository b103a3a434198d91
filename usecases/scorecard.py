"""View the balanced scorecard, and change it: the one pipeline behind the overview, the scorecard
page, the lifecycle page's "maturity vs reality", the reports and ``cli.py scorecard --client``.

    load card (client copy or shipped) -> actuals per period (cached per dataset version)
      -> default period (the last complete one) -> manual values + external KPIs -> evaluate
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from core.errors import InputError, Problem
from scorecards.result import ScorecardResult
from services import scorecard_editing as edits
from services import scorecard_view as sv
from services.workshop import latest_closed
from storage import scorecards as repo
from storage.assessments import list_rounds
from storage.datasets import DatasetInfo
from usecases import datasets
from usecases.caching import cache
from usecases.session import Session, allowed, require, scoped

_ACTUALS = cache("scorecard_actuals")
_MATURITY = cache("latest_maturity", ttl=30)  # votes change during a live workshop without a new version
_OPEN_ROUND = cache("open_round", ttl=30)


@dataclass(frozen=True)
class ScorecardView:
    """Everything a page shows of the scorecard for one period (None parts: no data yet)."""

    dataset: DatasetInfo | None
    loaded: sv.LoadedScorecard
    periods: tuple[str, ...]           # with data, newest first
    default_period: str | None         # the last complete period
    result: ScorecardResult | None     # for the chosen (or default) period
    maturity: sv.Maturity | None
    manual: pd.DataFrame
    labels: dict                       # kpi id -> sv.KpiLabel (name, unit)
    may_edit: bool
    open_round: sv.OpenRound | None = None  # a newer round still being answered (3/29), if any

    @property
    def card(self):
        return self.loaded.card

    @property
    def period(self) -> str | None:
        return self.result.period if self.result is not None else None

    @property
    def headline(self) -> list[str]:
        """The six KPIs that weigh most in the overall score (the start page's tiles)."""
        return sv.headline_kpis(self.card)

    @property
    def drill_ids(self) -> list[str]:
        """The card's KPIs that have a detail page (computed ones)."""
        return list(self.card.computed_kpi_ids)


def load_card(session: Session, scorecard_id: str = sv.DEFAULT_ID) -> sv.LoadedScorecard:
    """The client's scorecard definition (its edited copy, else the shipped one), not evaluated."""
    require(session, "scorecard.view")
    with scoped(session):
        return sv.load_card(session.engine, session.client_id, scorecard_id)


def latest_maturity(session: Session) -> sv.Maturity | None:
    """The newest closed assessment round of the client, scored (an open one is still being answered)."""
    require(session, "assessment.view")
    with scoped(session):
        rnd = latest_closed(list_rounds(session.engine, session.client_id))
        if rnd is None:
            return None
        key = (session.settings.database_url, session.client_id, rnd.id)
        return _MATURITY.get(key, lambda: sv.latest_maturity(session.engine, session.client_id))


def current_open_round(session: Session) -> sv.OpenRound | None:
    """The newest round if it is still open, with how many of its questions have answers."""
    require(session, "assessment.view")
    with scoped(session):
        rnd = sv.newest_open(list_rounds(session.engine, session.client_id))
        if rnd is None:
            return None
        return _OPEN_ROUND.get((session.settings.database_url, session.client_id, rnd.id),
                               lambda: sv.open_round(session.engine, session.client_id))


def actuals(session: Session, info: DatasetInfo, card) -> pd.DataFrame:
    """The card's engine KPIs per period of its granularity, computed once per dataset version."""
    key = (session.settings.database_url, session.client_id, info.version, card.computed_kpi_ids,
           card.granularity.value)
    return _ACTUALS.get(key, lambda: sv.engine_actuals(session.settings, info, card.computed_kpi_ids,
                                                       card.granularity.value))


def view_scorecard(session: Session, period: str | None = None,
                   scorecard_id: str = sv.DEFAULT_ID) -> ScorecardView:
    """The client's scorecard for ``period`` (default: the last complete one). A period outside
    the data is an ``InputError`` naming the covered range."""
    require(session, "scorecard.view")
    with scoped(session):
        loaded = sv.load_card(session.engine, session.client_id, scorecard_id)
        info = datasets.current_dataset(session)
        manual = repo.manual_frame(session.engine, session.client_id)
    sees_rounds = allowed(session, "assessment.view")
    maturity = latest_maturity(session) if sees_rounds else None
    opened = current_open_round(session) if sees_rounds else None
    labels = sv.kpi_labels(loaded.card)
    may_edit = allowed(session, "scorecard.edit")
    if info is None:
        return ScorecardView(None, loaded, (), None, None, maturity, manual, labels, may_edit, opened)
    table = actuals(session, info, loaded.card)
    last_day = datasets.choices(session, info).last_day
    default = sv.default_period(table, loaded.card.granularity.value, last_day)
    labels_with_data = tuple(reversed(sv.periods(table)))
    chosen = period or default
    if chosen is not None and chosen not in labels_with_data:
        covered = f"{labels_with_data[-1]} .. {labels_with_data[0]}" if labels_with_data else "no period at all"
        raise InputError(f"no KPI of the scorecard has data for {chosen}",
                         [Problem("period", f"{chosen!r} is outside the data ({covered})", key="period.outside",
                                  values=(("period", chosen), ("covered", covered)))],
                         hint="choose a period the data covers", key="period.no_data", hint_key="period.no_data_hint",
                         values={"period": chosen})
    result = None
    if chosen is not None:
        result = sv.evaluate_view(loaded.card, table, chosen, manual, sv.external_frame(info, maturity))
    return ScorecardView(info, loaded, labels_with_data, default, result, maturity, manual, labels, may_edit, opened)


def save_targets(session: Session, loaded: sv.LoadedScorecard, edited: pd.DataFrame,
                 started_from: int | None) -> int:
    """Store the edited targets, thresholds and weights as the client's copy. ``started_from`` is
    the version the user began editing (not the one read at the click), handed to the store's
    optimistic check: when someone saved in between, ``ConflictError`` and nothing is written."""
    require(session, "scorecard.edit")
    with scoped(session):
        return edits.save_edits(session.engine, session.client_id, replace(loaded, version=started_from), edited,
                                session.actor)


def reset_targets(session: Session, loaded: sv.LoadedScorecard) -> None:
    require(session, "scorecard.edit")
    with scoped(session):
        repo.delete_setting(session.engine, session.client_id, loaded.card.id, loaded.version, session.actor)


def save_manual_values(session: Session, before: pd.DataFrame, after: pd.DataFrame) -> int:
    """Write the hand-entered KPI values that changed; returns how many cells."""
    require(session, "scorecard.edit")
    with scoped(session):
        return edits.save_manual(session.engine, session.client_id, before, after, session.actor)


def freeze_snapshot(session: Session, view: ScorecardView, label: str) -> int:
    require(session, "scorecard.edit")
    with scoped(session):
        return sv.freeze(session.engine, session.client_id, view.result, label,
                         view.dataset.version if view.dataset else None, view.maturity, actor=session.actor)


def snapshots(session: Session, scorecard_id: str | None = None) -> list:
    require(session, "scorecard.view")
    with scoped(session):
        return repo.list_snapshots(session.engine, session.client_id, scorecard_id)


def compare_snapshots(session: Session, first_id: int, second_id: int) -> pd.DataFrame:
    require(session, "scorecard.view")
    with scoped(session):
        return sv.compare(session.engine, session.client_id, first_id, second_id)


def domain_names(model_id: str, lang: str) -> dict[str, str]:
    """Display names of a maturity model's domains (empty where the model is unknown)."""
    return sv.domain_names(model_id, lang)
