"""Reading a client's current data: which dataset version, where its rows are (with their
pre-aggregates), the external KPI values, and the KPI table for a question. The use cases
(``usecases.datasets``, ``usecases.analysis``) check permissions and keep the answers cached,
keyed by client and dataset version."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from core.i18n import t
from core.query import Filters
from core.settings import Settings
from kpis.engine import compute
from sources.live_pool import LiveVersion, live_version
from sources.source import Source
from sources.store import stored_dataset
from storage.datasets import DatasetInfo, get_dataset, latest_dataset


def current_dataset(engine: Engine, client_id: int, version: int | None = None) -> DatasetInfo | None:
    return get_dataset(engine, client_id, version) if version else latest_dataset(engine, client_id)


def source(settings: Settings, info: DatasetInfo) -> Source:
    """Where the rows of ``info`` are: its Parquet files with their pre-aggregates, or for a live
    version the open ``LiveSource`` on the client's database (``sources.live_pool``)."""
    if info.live:
        return live_state(settings, info).source
    return stored_dataset(settings.dataset_dir, info)  # with its pre-aggregates


def live_key(settings: Settings, client_id: int, version: int) -> tuple:
    return (settings.database_url, client_id, version)


def live_state(settings: Settings, info: DatasetInfo) -> LiveVersion:
    """The open source of a live version and its snapshot (re-read at most every COCKPIT_LIVE_MARKER_S s)."""
    return live_version(live_key(settings, info.client_id, info.version), info.manifest, info.source)


def version_marker(settings: Settings, info: DatasetInfo) -> int | tuple[int, str]:
    """What versions the answers computed from ``info``: its number, and for a live source the snapshot key."""
    return (info.version, live_state(settings, info).marker) if info.live else info.version


def external_values(info: DatasetInfo | None, maturity_index: float | None) -> dict[str, float]:
    """Values of the catalogue's external KPIs: data completeness of the dataset, maturity index."""
    values: dict[str, float] = {}
    if info is not None:
        overall = (info.quality or {}).get("overall", {})
        score = overall.get("data_completeness") if isinstance(overall, dict) else None
        if score is None:
            score = (info.quality or {}).get("data_completeness")
        if score is not None:
            values["data_completeness"] = float(score)
    if maturity_index is not None:
        values["maturity_index"] = float(maturity_index)
    return values


def kpi_table(settings: Settings, info: DatasetInfo, kpi_ids: tuple[str, ...], by: tuple[str, ...] = (),
              period: str | None = None, filters: Filters | None = None,
              external: dict[str, float] | None = None) -> pd.DataFrame:
    return compute(source(settings, info), kpi_ids, by=by, period=period, filters=filters, external=external)


def live_stamp(settings: Settings, info: DatasetInfo, lang: str) -> dict[str, str]:
    """The report stamp's "as of" of a live version ("Stand: <snapshot time> (Live-Quelle <table>)"); {} for files."""
    if not info.live:
        return {}
    state = live_state(settings, info)
    return {"as_of": as_of_text(state.as_of, state.relation, lang)}


def as_of_text(as_of: str | None, relation: str, lang: str) -> str:
    when = (as_of or "-").replace("T", " ")[:16]
    return t("live.as_of", lang, time=when, table=relation)
