"""Reading a client's current data for the views: which dataset version, where its Parquet files
are, and the KPI table for a question. Pages wrap these in ``st.cache_data`` keyed by client id
and dataset version (``ui/state.py``), so a filter change never mixes clients or versions."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from core.query import Filters, Granularity, Period
from core.settings import Settings
from sources.source import StoredDataset
from sources.store import stored_dataset
from storage.datasets import DatasetInfo, get_dataset, latest_dataset


def current_dataset(engine: Engine, client_id: int, version: int | None = None) -> DatasetInfo | None:
    return get_dataset(engine, client_id, version) if version else latest_dataset(engine, client_id)


def source(settings: Settings, info: DatasetInfo) -> StoredDataset:
    return stored_dataset(settings.dataset_dir, info)  # with its pre-aggregates


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
    from kpis.engine import compute

    return compute(source(settings, info), kpi_ids, by=by, period=period, filters=filters, external=external)


def last_complete_period(table: pd.DataFrame, granularity: Granularity | str) -> str | None:
    """The newest period label in a KPI table whose successor also has data (so it is complete),
    else the newest one."""
    if "period" not in table or table["period"].dropna().empty:
        return None
    labels = sorted(set(table["period"].dropna().astype(str)))
    if len(labels) >= 2:
        newest = Period.parse(labels[-1])
        if newest.end > pd.Timestamp.now().date():
            return labels[-2]
    return labels[-1]
