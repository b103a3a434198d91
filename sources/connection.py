"""The one DuckDB layer under every query: the process's database, cursors, the canonical type map,
quoting, and one view per canonical entity over a DataFrame or a Parquet file.

A process-wide in-memory DuckDB (opening a database costs tens of milliseconds) hands out a
cursor per query (almost free); views and registered frames live on that cursor only. DuckDB and
pyarrow are imported on first use, not at import time: answers from the pre-aggregates and the
app's first page need neither (``benchmarks/app_bench.py`` checks the start-up).
"""
from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from core.errors import DataImportError, Problem
from data.schema import EntitySchema, FieldSpec, FieldType

if TYPE_CHECKING:
    import duckdb

SQL_TYPES = {FieldType.ID: "VARCHAR", FieldType.TEXT: "VARCHAR", FieldType.CATEGORY: "VARCHAR",
             FieldType.DATE: "TIMESTAMP", FieldType.NUMBER: "DOUBLE", FieldType.INTEGER: "BIGINT",
             FieldType.BOOLEAN: "BOOLEAN"}
THREADS = 2  # a consultant's laptop or a small server: 2 cores
_DB: duckdb.DuckDBPyConnection | None = None
_DB_LOCK = threading.Lock()


def quote(identifier: str) -> str:
    """A quoted SQL identifier (names are validated elsewhere; quoting makes any name safe)."""
    return '"' + str(identifier).replace('"', '""') + '"'


def literal(value: object) -> str:
    """A SQL literal for a declared constant (a field default): number, boolean or text."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(float(value))
    return "'" + str(value).replace("'", "''") + "'"


def cursor() -> duckdb.DuckDBPyConnection:
    """A new cursor of the process's in-memory DuckDB; close it when done."""
    global _DB
    with _DB_LOCK:
        if _DB is None:
            import duckdb  # first use only: see the module docstring

            _DB = duckdb.connect(config={"threads": THREADS})
        return _DB.cursor()


def parquet_columns(path: Path) -> list[str]:
    """The column names from the Parquet footer (no scan)."""
    import pyarrow.parquet as pq  # first use only: see the module docstring

    return list(pq.read_schema(path).names)


def register(con: duckdb.DuckDBPyConnection, entries: Mapping[str, pd.DataFrame | Path],
             schema: Mapping[str, EntitySchema], only: set[str] | None = None,
             typed: bool = False) -> dict[str, set[str]]:
    """A temp view per canonical entity of ``schema`` (those in ``only``, when given), named after it;
    returns the columns of each view.

    A missing entity (or a frame without columns) is an empty view. ``typed=False`` (the KPI
    engine): every column as stored, missing canonical columns NULL of their type. ``typed=True``
    (the lifecycle views): exactly the canonical columns, each cast to its canonical type, empty
    cells of a field with a declared ``default`` read as that default.
    """
    out = {}
    for name, spec in schema.items():
        if only is not None and name not in only:
            continue
        relation, present = _relation(con, name, entries.get(name))
        if typed:
            select = ", ".join(f"{_typed(f, f.name in present)} AS {quote(f.name)}" for f in spec.fields)
            body = f"FROM {relation}" if present else "LIMIT 0"
            out[name] = set(spec.field_names)
        else:
            if not present:
                relation, present = _empty(con, name, spec), list(spec.field_names)
            missing = [f for f in spec.fields if f.name not in present]
            select = "*" + "".join(f", NULL::{SQL_TYPES[f.type]} AS {quote(f.name)}" for f in missing)
            body = f"FROM {relation}"
            out[name] = set(present) | {f.name for f in missing}
        con.execute(f"CREATE OR REPLACE TEMP VIEW {quote(name)} AS SELECT {select} {body}")
    return out


def _relation(con: duckdb.DuckDBPyConnection, name: str, value) -> tuple[str, list[str]]:
    """The SQL relation holding the entity's rows and its column names ([] when there are none)."""
    if isinstance(value, (str, Path)):
        path = Path(value)
        if not path.is_file():
            raise DataImportError(f"{name}: Parquet file not found", [Problem(str(path), "file not found",
                                                                                   key="file.not_found")],
                                  hint="save the dataset again", key="dataset.parquet_missing", values={"table": name},
                                  hint_key="dataset.parquet_missing_hint")
        return "read_parquet('" + str(path).replace("'", "''") + "')", parquet_columns(path)
    if isinstance(value, pd.DataFrame) and len(value.columns):
        con.register(f"_src_{name}", value)
        return quote(f"_src_{name}"), [str(c) for c in value.columns]
    return "", []


def _empty(con: duckdb.DuckDBPyConnection, name: str, spec: EntitySchema) -> str:
    """An empty frame with the canonical columns and dtypes, registered (the engine's empty view)."""
    con.register(f"_src_{name}", pd.DataFrame({f.name: pd.Series(dtype=f.type.pandas_dtype) for f in spec.fields}))
    return quote(f"_src_{name}")


def _typed(f: FieldSpec, present: bool) -> str:
    sql_type = SQL_TYPES[f.type]
    expr = f"CAST({quote(f.name)} AS {sql_type})" if present else f"CAST(NULL AS {sql_type})"
    if f.default is not None:  # PRODUCT.md: an order's quantity defaults to 1
        expr = f"COALESCE({expr}, CAST({literal(f.default)} AS {sql_type}))"
    return expr
