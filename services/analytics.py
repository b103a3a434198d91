"""Reading a client's current data: which dataset version, where its rows are (with their
pre-aggregates), the external KPI values, and the KPI table for a question. The use cases
(``usecases.datasets``, ``usecases.analysis``) check permissions and keep the answers cached,
keyed by client and dataset version."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from core.query import Filters
from core.settings import Settings
from kpis.engine import compute
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
    return compute(source(settings, info), kpi_ids, by=by, period=period, filters=filters, external=external)
