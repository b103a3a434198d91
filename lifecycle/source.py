"""The DuckDB side of the lifecycle views: one connection per call, canonical views, filter clauses.

``open_source`` registers every canonical entity as a view named after it, whether the source
holds a DataFrame, a Parquet path, or nothing at all (then an empty view with the canonical
columns). Each view selects exactly the canonical columns cast to their canonical SQL type, so a
missing optional column reads as NULL and queries never depend on what an import happened to map.

``Binder`` collects named parameters (``$p0``, ``$p1`` ...) while SQL is composed; identifiers
are always quoted by ``quote``. ``scope`` turns ``core.query.Filters`` into a WHERE clause for one
entity (how each filter reaches each entity is documented in docs/lifecycle.md).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from core.errors import DataImportError, Problem
from core.query import Filters, Granularity
from data.schema import CUSTOMER_DIMENSIONS, ENTITY_NAMES, FieldType, entity

Source = Mapping[str, "pd.DataFrame | Path"]

_SQL_TYPES = {FieldType.ID: "VARCHAR", FieldType.TEXT: "VARCHAR", FieldType.CATEGORY: "VARCHAR",
              FieldType.DATE: "TIMESTAMP", FieldType.NUMBER: "DOUBLE", FieldType.INTEGER: "BIGINT",
              FieldType.BOOLEAN: "BOOLEAN"}

# a filter dimension that an entity does not hold under that name, but under another one
_ALIASES = {("opportunities", "channel"): "source_channel", ("customers", "channel"): "acquisition_channel"}

INTERVALS = {Granularity.MONTH: "INTERVAL 1 MONTH", Granularity.QUARTER: "INTERVAL 3 MONTH",
             Granularity.YEAR: "INTERVAL 1 YEAR"}


def quote(identifier: str) -> str:
    return '"' + str(identifier).replace('"', '""') + '"'


class Binder:
    """Hands out named parameters while SQL is being composed; ``params`` goes to ``execute``."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        self.params[name] = value
        return f"${name}"


def open_source(source: Source) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory connection with one view per canonical entity."""
    con = duckdb.connect()
    for name in ENTITY_NAMES:
        schema = entity(name)
        raw = f"_raw_{name}"
        value = source.get(name) if source is not None else None
        columns: set[str] = set()
        if isinstance(value, (str, Path)):
            path = Path(value)
            if not path.is_file():
                con.close()
                raise DataImportError(f"{name}: Parquet file not found",
                                      [Problem(str(path), "file not found")], hint="save the dataset again")
            rel = con.read_parquet(str(path))
            rel.create_view(raw)
            columns = set(rel.columns)
        elif isinstance(value, pd.DataFrame) and len(value.columns):
            con.register(raw, value)
            columns = {str(c) for c in value.columns}
        select = []
        for f in schema.fields:
            sql_type = _SQL_TYPES[f.type]
            expr = f"CAST({quote(f.name)} AS {sql_type})" if f.name in columns else f"CAST(NULL AS {sql_type})"
            if f.name == "quantity" and name == "orders":
                expr = f"COALESCE({expr}, 1.0)"  # PRODUCT.md: quantity defaults to 1
            select.append(f"{expr} AS {quote(f.name)}")
        body = f"FROM {quote(raw)}" if columns else "LIMIT 0"
        con.execute(f"CREATE TEMP VIEW {quote(name)} AS SELECT {', '.join(select)} {body}")
    return con


def column_for(entity_name: str, dimension: str) -> str | None:
    """The entity's own column for a filter dimension, or None if the entity has none."""
    alias = _ALIASES.get((entity_name, dimension))
    if alias:
        return alias
    return dimension if dimension in entity(entity_name).field_names else None


def scope(entity_name: str, filters: Filters | None, bind: Binder, alias: str = "",
          dates: bool = True, dimensions: bool = True, date_field: str | None = None) -> str:
    """SQL conditions (joined by AND, ``TRUE`` when none) restricting ``entity_name`` to ``filters``.

    Dates apply to the entity's date field (``date_field`` overrides it); a dimension applies to
    the entity's own column, else, for customer dimensions, through ``customer_id``; a dimension
    the entity cannot reach is ignored.
    """
    if filters is None:
        return "TRUE"
    prefix = f"{alias}." if alias else ""
    parts: list[str] = []
    field = date_field or entity(entity_name).date_field
    if dates and field:
        if filters.start is not None:
            parts.append(f"{prefix}{quote(field)} >= {bind(filters.start)}")
        if filters.end is not None:
            parts.append(f"{prefix}{quote(field)} < {bind(filters.end)}")
    if dimensions:
        for dim, values in filters.dimensions:
            if not values:
                continue
            own = column_for(entity_name, dim)
            via_customer = dim in CUSTOMER_DIMENSIONS and "customer_id" in entity(entity_name).field_names
            if not (own or via_customer):
                continue
            listed = ", ".join(bind(v) for v in values)
            if own:
                parts.append(f"{prefix}{quote(own)} IN ({listed})")
            else:
                parts.append(f"{prefix}customer_id IN (SELECT customer_id FROM customers WHERE {quote(dim)} IN ({listed}))")
    return " AND ".join(parts) or "TRUE"


def fetch(con: duckdb.DuckDBPyConnection, sql: str, bind: Binder) -> pd.DataFrame:
    """Run the query with the collected parameters and return a pandas frame."""
    return con.execute(sql, bind.params).df()
