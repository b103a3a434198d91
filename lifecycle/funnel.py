"""The lifecycle funnel: prospects -> leads -> opportunities -> customers -> repeat customers.

A nested customer funnel (docs/lifecycle.md): every step counts distinct customer ids and is a
subset of the step before, so each conversion lies in [0, 1]. For the period [filters.start,
filters.end):

- prospects: customers contacted by a campaign (campaign_contacts.contacted_at in the period)
- leads: of those, the ones with a responded contact in the period
- opportunities: of those, the ones with an opportunity created in the period on or after
  their first response in the period
- customers: of those, the ones with such an opportunity won; when none of their opportunities
  has a known outcome (``won`` empty), the ones whose customer record was created on or after
  their first response and before the period end
- repeat_customers: of those, the ones with >= 2 orders dated before the period end

Conversion of a step = its count / the previous step's count (the first step has none). The same
is computed for the previous period of the same length (when both dates are given), and
``conversion_change`` is the difference in percentage points as a raw ratio (0.05 = +5 points).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from core.query import Filters
from lifecycle.source import Binder, Source, SourceLike, as_source, fetch, scope

STEPS = ("prospects", "leads", "opportunities", "customers", "repeat_customers")
COLUMNS = ["step", "count", "conversion", "previous_count", "previous_conversion", "conversion_change"]


def _windows_sql(windows: list[Filters], bind: Binder) -> str:
    """The periods as a table ``w(w, w_start, w_end)``; NULL means open-ended."""
    def day(value) -> str:
        return f"CAST({bind(value)} AS TIMESTAMP)" if value is not None else "CAST(NULL AS TIMESTAMP)"
    rows = ", ".join(f"({i}, {day(w.start)}, {day(w.end)})" for i, w in enumerate(windows))
    return f"SELECT * FROM (VALUES {rows}) AS t(w, w_start, w_end)"


def _inside(column: str) -> str:
    return f"(w.w_start IS NULL OR {column} >= w.w_start) AND (w.w_end IS NULL OR {column} < w.w_end)"


def _before_end(column: str) -> str:
    return f"(w.w_end IS NULL OR {column} < w.w_end)"


def _counts_sql(src: Source, windows: list[Filters], bind: Binder) -> str:
    """Per window (``windows[0]`` is the period asked for), the distinct customers of each step.

    One scan per entity over the union of the windows (all windows share the dimension filters);
    each step joins only the customers of the step before.
    """
    first, last = windows[-1], windows[0]  # the earliest window starts first, the asked one ends last
    span = Filters(first.start, last.end, last.dimensions)
    contacts = scope(src, "campaign_contacts", span, bind, alias="c")
    opps = scope(src, "opportunities", span, bind, alias="o")
    customers = scope(src, "customers", span, bind, alias="k", dates=False)
    orders = scope(src, "orders", span, bind, alias="r", dates=False)
    return f"""
    WITH w AS ({_windows_sql(windows, bind)}),
         contacted AS (  -- prospects; first_response is set for leads
            SELECT w.w, c.customer_id, min(c.contacted_at) FILTER (WHERE c.responded) AS first_response
            FROM campaign_contacts c JOIN w ON {_inside("c.contacted_at")}
            WHERE {contacts} AND c.customer_id IS NOT NULL
            GROUP BY w.w, c.customer_id),
         engaged AS (  -- leads with an opportunity created in the window on/after their first response
            SELECT l.w, l.customer_id, any_value(l.first_response) AS first_response,
                   bool_or(o.won) AS won  -- NULL when no opportunity has a known outcome
            FROM contacted l JOIN w ON w.w = l.w
                 JOIN opportunities o ON o.customer_id = l.customer_id AND o.created_at >= l.first_response
                                         AND {_inside("o.created_at")}
            WHERE {opps}
            GROUP BY l.w, l.customer_id),
         converted AS (  -- won; without any known outcome: became a customer after responding
            SELECT e.w, e.customer_id FROM engaged e JOIN w ON w.w = e.w
            WHERE e.won OR (e.won IS NULL AND EXISTS (
                SELECT 1 FROM customers k WHERE k.customer_id = e.customer_id AND {customers}
                AND k.created_at >= e.first_response AND {_before_end("k.created_at")}))),
         repeating AS (  -- >= 2 orders before the window end
            SELECT cv.w, cv.customer_id FROM converted cv JOIN w ON w.w = cv.w
                 JOIN orders r ON r.customer_id = cv.customer_id AND {_before_end("r.order_date")}
            WHERE {orders}
            GROUP BY cv.w, cv.customer_id HAVING count(*) >= 2)
    SELECT w.w, count(c.customer_id) AS prospects, count(c.first_response) AS leads,
           count(e.customer_id) AS opportunities, count(cv.customer_id) AS customers,
           count(rp.customer_id) AS repeat_customers
    FROM w LEFT JOIN contacted c ON c.w = w.w
         LEFT JOIN engaged e ON e.w = c.w AND e.customer_id = c.customer_id
         LEFT JOIN converted cv ON cv.w = c.w AND cv.customer_id = c.customer_id
         LEFT JOIN repeating rp ON rp.w = c.w AND rp.customer_id = c.customer_id
    GROUP BY w.w ORDER BY w.w
    """


def _step_frame(row: pd.Series) -> pd.DataFrame:
    counts = pd.Series([float(row[s]) for s in STEPS], index=list(STEPS))
    previous_step = counts.shift(1)
    conversion = (counts / previous_step.where(previous_step > 0)).astype("float64")
    return pd.DataFrame({"step": list(STEPS), "count": counts.to_numpy(), "conversion": conversion.to_numpy()})


def previous_filters(filters: Filters) -> Filters | None:
    """The filters for the period of the same length just before, or None without both dates."""
    if filters.start is None or filters.end is None:
        return None
    length = filters.end - filters.start
    return replace(filters, start=filters.start - length, end=filters.start)


def funnel(source: SourceLike, filters: Filters | None = None) -> pd.DataFrame:
    """One row per step: count, conversion from the previous step, the same for the previous period."""
    src, filters = as_source(source), filters or Filters()
    before = previous_filters(filters)
    windows = [filters] + ([before] if before is not None else [])
    bind = Binder()
    rows = fetch(src, _counts_sql(src, windows, bind), bind).set_index("w")
    out = _step_frame(rows.loc[0])
    if before is not None:
        prev = _step_frame(rows.loc[1])
        out["previous_count"] = prev["count"].to_numpy()
        out["previous_conversion"] = prev["conversion"].to_numpy()
    else:
        out["previous_count"] = np.nan
        out["previous_conversion"] = np.nan
    out["conversion_change"] = out["conversion"] - out["previous_conversion"]
    out["step"] = out["step"].astype("string")
    return out[COLUMNS]
