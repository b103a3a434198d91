"""The SQL side of the lifecycle views, over the query package (``sources``): bound parameters,
the WHERE clause of the filters per entity, and running a query on a source.

Every lifecycle query opens its source ``typed`` (``sources.source.Source.open``): one view per
canonical entity, exactly the canonical columns cast to their types, so a missing optional column
reads as NULL and queries never depend on what an import happened to map.

``Binder`` collects named parameters (``$p0``, ``$p1`` ...) while SQL is composed; identifiers
are always quoted by ``quote``. ``scope`` turns ``core.query.Filters`` into a WHERE clause for one
entity, resolving each dimension through the source's one alias table (``sources.dimensions``;
how each filter reaches each entity is documented in docs/lifecycle.md).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from core.query import Filters
from data.schema import CUSTOMER_DIMENSIONS
from sources.connection import quote
from sources.source import Source, as_source

SourceLike = Source | Mapping[str, "pd.DataFrame | Path"]

__all__ = ["Binder", "SourceLike", "as_source", "fetch", "open_source", "quote", "scope"]


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


def open_source(source: SourceLike | None):
    """A DuckDB cursor with the typed view of every canonical entity (for callers that run their
    own SQL, such as the filter bar); close it when done."""
    return as_source(source).open(typed=True).con


def fetch(source: Source, sql: str, bind: Binder) -> pd.DataFrame:
    """Run the query on the source's typed views with the collected parameters."""
    with source.open(typed=True) as query:
        return query.run(sql, bind.params)


def scope(source: Source, entity_name: str, filters: Filters | None, bind: Binder, alias: str = "",
          dates: bool = True, dimensions: bool = True, date_field: str | None = None) -> str:
    """SQL conditions (joined by AND, ``TRUE`` when none) restricting ``entity_name`` to ``filters``.

    Dates apply to the entity's date field (``date_field`` overrides it); a dimension applies to
    the entity's own column (``sources.dimensions``), else, for customer dimensions, through
    ``customer_id``; a dimension the entity cannot reach is ignored.
    """
    if filters is None:
        return "TRUE"
    prefix = f"{alias}." if alias else ""
    parts: list[str] = []
    spec = source.schema[entity_name]
    field = date_field or spec.date_field
    if dates and field:
        if filters.start is not None:
            parts.append(f"{prefix}{quote(field)} >= {bind(filters.start)}")
        if filters.end is not None:
            parts.append(f"{prefix}{quote(field)} < {bind(filters.end)}")
    if dimensions:
        for dim, values in filters.dimensions:
            if not values:
                continue
            own = source.dimensions.column(entity_name, dim)
            via_customer = dim in CUSTOMER_DIMENSIONS and "customer_id" in spec.field_names
            if not (own or via_customer):
                continue
            listed = ", ".join(bind(v) for v in values)
            if own:
                parts.append(f"{prefix}{quote(own)} IN ({listed})")
            else:
                parts.append(f"{prefix}customer_id IN (SELECT customer_id FROM customers WHERE {quote(dim)} IN ({listed}))")
    return " AND ".join(parts) or "TRUE"
