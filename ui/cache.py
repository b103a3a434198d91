"""Cached reads for the cockpit pages: every expensive call (one that reads the raw rows) goes
through here, wrapped in ``st.cache_data``.

Every cached function takes ``client_id`` and ``dataset_version`` as its first arguments (plus
whatever else changes the answer: KPI ids, granularity, filters), so one client's figures can
never appear for another, and a new import is a new key rather than a stale hit. The database
engine and settings are not arguments: they are process-wide (``ui.state``).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from core.query import Filters

_TTL = 3600
_ENTRIES = 64


def _source(client_id: int, dataset_version: int) -> dict[str, Path]:
    from core.settings import load_settings
    from services.analytics import current_dataset, source
    from ui.state import engine

    info = current_dataset(engine(), client_id, dataset_version)
    return source(load_settings(), info)


def _info(client_id: int, dataset_version: int):
    from services.analytics import current_dataset
    from ui.state import engine

    return current_dataset(engine(), client_id, dataset_version)


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=_ENTRIES)
def filter_choices(client_id: int, dataset_version: int):
    """The values the filter bar offers (channels, segments, regions, campaigns) and the date range."""
    from services.filter_choices import filter_choices as choices

    return choices(_source(client_id, dataset_version))


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=_ENTRIES)
def scorecard_actuals(client_id: int, dataset_version: int, kpi_ids: tuple[str, ...], granularity: str) -> pd.DataFrame:
    """The scorecard's engine KPIs per period (no breakdown, no filters)."""
    from core.settings import load_settings
    from services.scorecard_view import engine_actuals

    return engine_actuals(load_settings(), _info(client_id, dataset_version), kpi_ids, granularity)


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=_ENTRIES)
def kpi_table(client_id: int, dataset_version: int, kpi_ids: tuple[str, ...], by: tuple[str, ...] = (),
              granularity: str | None = None, filters: Filters = Filters()) -> pd.DataFrame:
    """Any KPI table of the engine: by a breakdown, per period, filtered."""
    from kpis.engine import compute

    return compute(_source(client_id, dataset_version), kpi_ids, by=by, period=granularity, filters=filters)


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=_ENTRIES)
def lifecycle_view(client_id: int, dataset_version: int, view: str, filters: Filters = Filters(),
                   granularity: str = "month", by: str = "acquisition_channel") -> pd.DataFrame:
    """One lifecycle view (``lifecycle.views.VIEWS``: funnel, stages, cohorts, channels, segments,
    sales, clv) for the filters."""
    from lifecycle.views import compute_view

    return compute_view(_source(client_id, dataset_version), view, filters, period=granularity, by=by)


@st.cache_data(show_spinner=False, ttl=30, max_entries=_ENTRIES)
def latest_maturity(client_id: int, newest_round_id: int | None):
    """The newest assessment round scored. Votes change during a live workshop without a new key,
    hence the short time to live."""
    from services.scorecard_view import latest_maturity as maturity
    from ui.state import engine

    return maturity(engine(), client_id) if newest_round_id is not None else None


def maturity(client_id: int):
    from storage.assessments import list_rounds
    from ui.state import engine

    rounds = list_rounds(engine(), client_id)
    return latest_maturity(client_id, rounds[0].id if rounds else None)


@st.cache_data(show_spinner=False, ttl=300, max_entries=_ENTRIES)
def maturity_benchmark(client_id: int, model_id: str):
    """The anonymised cross-client average: it scores every client's latest round, so it is not
    recomputed on each rerun of the assessment page; five minutes old at most."""
    from services.workshop import benchmark
    from ui.state import engine

    return benchmark(engine(), model_id, client_id)
