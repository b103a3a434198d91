"""The source of one stored dataset version: its Parquet files and its pre-aggregates folder."""
from __future__ import annotations

from pathlib import Path

from sources.source import AGGREGATES_FOLDER, StoredDataset
from storage.datasets import DatasetInfo, dataset_folder, dataset_paths


def stored_dataset(store_root: str | Path, info: DatasetInfo) -> StoredDataset:
    """``info``'s files with the aggregates built for them (``kpis.prebuild.build``), if any."""
    return StoredDataset(dataset_paths(store_root, info), dataset_folder(store_root, info) / AGGREGATES_FOLDER)
