"""What a query reads: a ``Source`` of canonical entities, and the ``Query`` it opens.

Every query of the KPI engine, the pre-aggregates and the lifecycle views is DuckDB-dialect SQL
over relations named after the canonical entities (``orders``, ``customers`` ...) with the
canonical column names. A source decides where those relations come from:

- ``FrameSource``: canonical DataFrames in memory (tests, the command line on files, an import
  preview);
- ``StoredDataset``: the Parquet files of one stored dataset version, with the folder of its
  pre-aggregates passed explicitly (``sources.store.stored_dataset`` builds both from a
  ``DatasetInfo``); nothing is inferred from where the files happen to lie;
- a live database source (issue 12) implements the same two methods: ``open`` returns a
  ``Query`` whose ``run`` translates the SQL (SQLGlot, DuckDB dialect in) and sends it to the
  database; its ``aggregates`` is None. See docs/architecture.md, "Query package".

Both local sources are also read-only ``Mapping``s of entity -> DataFrame or Path, so code written
for the old ``Mapping[str, DataFrame | Path]`` contract keeps working on them; ``as_source`` wraps
such a mapping once at the entry of the engine and the views.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from data.schema import EntitySchema, load_schema
from sources import connection
from sources.dimensions import Dimensions

AGGREGATES_FOLDER = "aggregates"  # beside a stored version's Parquet files (kpis.prebuild writes it)


class Query:
    """An open query session: one view per canonical entity; ``run`` returns a DataFrame."""

    def __init__(self, con: Any, columns: dict[str, set[str]]) -> None:
        self.con = con
        self.columns = columns  # entity -> the column names its view has

    def run(self, sql: str, params: Mapping[str, object] | None = None) -> pd.DataFrame:
        return self.con.execute(sql, dict(params or {})).df()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Query:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Source(ABC):
    """Canonical entities to query. ``schema`` describes them (fields, types, dimension aliases);
    ``aggregates`` is the folder of pre-aggregates built for exactly these rows, or None."""

    schema: Mapping[str, EntitySchema]
    aggregates: Path | None = None

    @abstractmethod
    def open(self, only: set[str] | None = None, typed: bool = False) -> Query:
        """A query session with a view per entity (those in ``only``, when given). ``typed``: exactly
        the canonical columns cast to their types (the lifecycle views); else the columns as stored
        plus kept ones, missing canonical columns NULL (the KPI engine)."""

    @cached_property
    def dimensions(self) -> Dimensions:
        return Dimensions(self.schema)


class _Tables(Source, Mapping):
    """A source of local tables: entity -> DataFrame or Parquet Path, registered in DuckDB."""

    def __init__(self, tables: Mapping[str, pd.DataFrame | Path],
                 schema: Mapping[str, EntitySchema] | None = None) -> None:
        self.tables = dict(tables)
        self.schema = schema if schema is not None else load_schema()

    def open(self, only: set[str] | None = None, typed: bool = False) -> Query:
        con = connection.cursor()
        try:
            return Query(con, connection.register(con, self.tables, self.schema, only, typed))
        except BaseException:
            con.close()
            raise

    def __getitem__(self, name: str) -> pd.DataFrame | Path:
        return self.tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({sorted(self.tables)})"


class FrameSource(_Tables):
    """Canonical DataFrames (a value may also be a Parquet Path, as the old mappings allowed)."""


class StoredDataset(_Tables):
    """The Parquet files of a stored dataset version, with its pre-aggregates folder (or None)."""

    def __init__(self, files: Mapping[str, Path], aggregates: Path | None = None,
                 schema: Mapping[str, EntitySchema] | None = None) -> None:
        super().__init__({name: Path(p) for name, p in files.items()}, schema)
        self.aggregates = Path(aggregates) if aggregates is not None else None

    @property
    def files(self) -> dict[str, Path]:
        return dict(self.tables)


def as_source(source: Source | Mapping[str, pd.DataFrame | Path] | None) -> Source:
    """``source`` itself, or the old mapping wrapped: all Paths -> a ``StoredDataset`` without
    pre-aggregates (pass ``sources.store.stored_dataset`` to use them), else a ``FrameSource``."""
    if isinstance(source, Source):
        return source
    tables = dict(source or {})
    if tables and all(isinstance(v, (str, Path)) for v in tables.values()):
        return StoredDataset(tables)
    return FrameSource(tables)
