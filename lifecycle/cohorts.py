"""Cohort retention by acquisition month (docs/lifecycle.md).

A cohort is the month of ``customers.created_at``. In month k after acquisition (k = 0 is the
acquisition month) a customer counts as active unless churned before that month began
("active = not churned": churned_at < first day of month k). Churned customers without a
churn date cannot be placed and count as active. Months run up to the last month observed
(filters.end, else the latest created_at, churned_at or order_date in the data).
"""
from __future__ import annotations

import pandas as pd

from core.query import Filters
from lifecycle.source import Binder, Source, SourceLike, as_source, fetch, scope

COLUMNS = ["cohort", "months_since", "cohort_size", "active", "retention"]


def _sql(src: Source, filters: Filters, bind: Binder) -> str:
    customers = scope(src, "customers", filters, bind)
    horizon = (f"date_trunc('month', {bind(filters.end)}::TIMESTAMP - INTERVAL 1 MICROSECOND)"
               if filters.end is not None else
               """date_trunc('month', greatest(
                   (SELECT max(created_at) FROM customers), (SELECT max(churned_at) FROM customers),
                   (SELECT max(order_date) FROM orders)))""")
    return f"""
    WITH c AS (
        SELECT date_trunc('month', created_at) AS cohort_at,
               date_diff('month', date_trunc('month', created_at), date_trunc('month', churned_at)) AS churn_k
        FROM customers WHERE {customers} AND created_at IS NOT NULL),
    sizes AS (SELECT cohort_at, count(*) AS size FROM c GROUP BY 1),
    churns AS (SELECT cohort_at, churn_k, count(*) AS n FROM c WHERE churn_k IS NOT NULL GROUP BY 1, 2),
    grid AS (
        SELECT s.cohort_at, s.size, unnest(range(0, date_diff('month', s.cohort_at, h.at) + 1)) AS k
        FROM sizes s, (SELECT {horizon} AS at) h)
    SELECT strftime(g.cohort_at, '%Y-%m') AS cohort, g.k AS months_since, g.size AS cohort_size,
           g.size - COALESCE((SELECT sum(n) FROM churns WHERE churns.cohort_at = g.cohort_at
                                                       AND churns.churn_k < g.k), 0) AS active
    FROM grid g ORDER BY 1, 2
    """


def cohort_retention(source: SourceLike, filters: Filters | None = None) -> pd.DataFrame:
    """Tidy: one row per cohort and month since acquisition, with the share still active."""
    src, filters = as_source(source), filters or Filters()
    bind = Binder()
    raw = fetch(src, _sql(src, filters, bind), bind)
    out = pd.DataFrame({
        "cohort": raw["cohort"].astype("string"),
        "months_since": raw["months_since"].astype("int64"),
        "cohort_size": raw["cohort_size"].astype("int64"),
        "active": raw["active"].astype("int64"),
    })
    out["retention"] = (out["active"] / out["cohort_size"]).astype("float64")
    return out[COLUMNS]


def cohort_matrix(tidy: pd.DataFrame) -> pd.DataFrame:
    """The pivot of ``cohort_retention``: cohorts as rows, months since acquisition as columns."""
    if tidy.empty:
        return pd.DataFrame(dtype="float64")
    return tidy.pivot(index="cohort", columns="months_since", values="retention")
