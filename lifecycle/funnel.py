"""The lifecycle funnel: prospects -> leads -> opportunities -> customers -> repeat customers.

Definitions (docs/lifecycle.md), for the period [filters.start, filters.end):

- prospects: distinct customer ids contacted by campaigns (campaign_contacts.contacted_at)
- leads: distinct customer ids among those contacts that responded
- opportunities: opportunities created (opportunities.created_at)
- customers: new customers (customers.created_at)
- repeat_customers: of those new customers, the ones with >= 2 orders dated before the period end

Conversion of a step = its count / the previous step's count (the first step has none). The same
is computed for the previous period of the same length (when both dates are given), and
``conversion_change`` is the difference in percentage points as a raw ratio (0.05 = +5 points).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from core.query import Filters
from lifecycle.source import Binder, Source, fetch, open_source, scope

STEPS = ("prospects", "leads", "opportunities", "customers", "repeat_customers")
COLUMNS = ["step", "count", "conversion", "previous_count", "previous_conversion", "conversion_change"]


def _window(column: str, filters: Filters, bind: Binder) -> str:
    parts = []
    if filters.start is not None:
        parts.append(f"{column} >= {bind(filters.start)}")
    if filters.end is not None:
        parts.append(f"{column} < {bind(filters.end)}")
    return " AND ".join(parts) or "TRUE"


def _counts_sql(windows: list[Filters], bind: Binder) -> str:
    """One scan per entity over the union of the windows; each window's counts by conditions.

    ``windows[0]`` is the period asked for; all windows share the dimension filters.
    """
    first, last = windows[-1], windows[0]  # the earliest window starts first, the asked one ends last
    span = Filters(first.start, last.end, last.dimensions)
    contacts = scope("campaign_contacts", span, bind)
    opps = scope("opportunities", span, bind)
    customers = scope("customers", span, bind)
    orders = scope("orders", Filters(None, last.end, last.dimensions), bind)
    selects, flags = [], []
    for i, w in enumerate(windows):
        contacted = _window("contacted_at", w, bind)
        flags += [f"bool_or({contacted}) AS contacted_{i}", f"bool_or(responded AND {contacted}) AS responded_{i}"]
        selects += [
            f"(SELECT count(*) FROM contacted WHERE contacted_{i}) AS prospects_{i}",
            f"(SELECT count(*) FROM contacted WHERE responded_{i}) AS leads_{i}",
            f"(SELECT count(*) FROM opportunities WHERE {opps} AND {_window('created_at', w, bind)}) AS opportunities_{i}",
            f"(SELECT count(DISTINCT customer_id) FROM new_customers WHERE {_window('created_at', w, bind)})"
            f" AS customers_{i}",
            f"(SELECT count(*) FROM new_customers nc JOIN orders_before ob USING (customer_id)"
            f" WHERE {_window('nc.created_at', w, bind)} AND ob.n_{i} >= 2) AS repeat_customers_{i}",
        ]
    before = ", ".join(f"count(*) FILTER (WHERE {_window('order_date', Filters(None, w.end), bind)}) AS n_{i}"
                       for i, w in enumerate(windows))
    return f"""
    WITH new_customers AS (
            SELECT DISTINCT customer_id, created_at FROM customers WHERE {customers} AND customer_id IS NOT NULL),
         orders_before AS (
            SELECT customer_id, {before} FROM orders
            WHERE {orders} AND customer_id IN (SELECT customer_id FROM new_customers)
            GROUP BY customer_id),
         contacted AS (  -- one row per contacted customer: grouping beats count(DISTINCT) at scale
            SELECT customer_id, {", ".join(flags)} FROM campaign_contacts
            WHERE {contacts} AND customer_id IS NOT NULL GROUP BY customer_id)
    SELECT {", ".join(selects)}
    """


def _step_frame(row: pd.Series, window: int) -> pd.DataFrame:
    counts = pd.Series([float(row[f"{s}_{window}"]) for s in STEPS], index=list(STEPS))
    previous_step = counts.shift(1)
    conversion = (counts / previous_step.where(previous_step > 0)).astype("float64")
    return pd.DataFrame({"step": list(STEPS), "count": counts.to_numpy(), "conversion": conversion.to_numpy()})


def previous_filters(filters: Filters) -> Filters | None:
    """The filters for the period of the same length just before, or None without both dates."""
    if filters.start is None or filters.end is None:
        return None
    length = filters.end - filters.start
    return replace(filters, start=filters.start - length, end=filters.start)


def funnel(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """One row per step: count, conversion from the previous step, the same for the previous period."""
    filters = filters or Filters()
    before = previous_filters(filters)
    windows = [filters] + ([before] if before is not None else [])
    con = open_source(source)
    try:
        bind = Binder()
        row = fetch(con, _counts_sql(windows, bind), bind).iloc[0]
    finally:
        con.close()
    out = _step_frame(row, 0)
    if before is not None:
        prev = _step_frame(row, 1)
        out["previous_count"] = prev["count"].to_numpy()
        out["previous_conversion"] = prev["conversion"].to_numpy()
    else:
        out["previous_count"] = np.nan
        out["previous_conversion"] = np.nan
    out["conversion_change"] = out["conversion"] - out["previous_conversion"]
    out["step"] = out["step"].astype("string")
    return out[COLUMNS]
