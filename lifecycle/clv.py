"""Customer lifetime value: historic revenue per customer, by acquisition channel or segment.

Customers in scope: those acquired (created_at) in [filters.start, filters.end) and matching the
dimension filters (``channel`` means the acquisition channel here). Their value is the revenue of
all their orders dated before filters.end (all orders when no end), in every channel; customers
without orders count with 0. Per group: customers, total, mean, median.
"""
from __future__ import annotations

import pandas as pd

from core.errors import InputError
from core.query import Filters
from lifecycle import preagg
from lifecycle.source import Binder, SourceLike, as_source, fetch, quote, scope

GROUPS = ("acquisition_channel", "segment", "region")
COLUMNS = ["customers", "total", "mean", "median"]


def lifetime_value(source: SourceLike, filters: Filters | None = None, by: str = "acquisition_channel") -> pd.DataFrame:
    """One row per value of ``by`` (acquisition_channel, segment or region)."""
    if by not in GROUPS:
        raise InputError(f"cannot group customer lifetime value by {by!r}", hint=f"use one of {list(GROUPS)}",
                         key="lifecycle.clv_group", hint_key="definitions.one_of",
                         values={"id": by, "choices": ", ".join(GROUPS)})
    src, filters = as_source(source), filters or Filters()
    stored = preagg.lifetime_value(src, filters, by)
    if stored is not None:
        return stored
    bind = Binder()
    customers = scope(src, "customers", filters, bind, alias="c")
    until = f"order_date < {bind(filters.end)}" if filters.end is not None else "TRUE"
    sql = f"""
    WITH value AS (
        SELECT customer_id, sum(COALESCE(revenue, 0)) AS revenue FROM orders
        WHERE customer_id IS NOT NULL AND {until} GROUP BY 1),
    per_customer AS (
        SELECT c.{quote(by)} AS grp, COALESCE(v.revenue, 0) AS revenue
        FROM customers c LEFT JOIN value v ON v.customer_id = c.customer_id
        WHERE {customers} AND c.customer_id IS NOT NULL)
    SELECT grp, count(*) AS customers, sum(revenue) AS total, avg(revenue) AS mean, median(revenue) AS median
    FROM per_customer GROUP BY 1 ORDER BY 1 NULLS LAST
    """
    raw = fetch(src, sql, bind)
    out = pd.DataFrame({by: raw["grp"].astype("string")})
    out["customers"] = raw["customers"].astype("int64")
    for col in ("total", "mean", "median"):
        out[col] = raw[col].astype("float64")
    return out[[by] + COLUMNS]
