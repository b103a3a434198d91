"""Stage KPIs over time: response, conversion, win rate, churn, win-back, cross-sell per period.

By default the KPI engine (``kpis.engine.compute``, the catalogue's declared formulas) computes
them; when it cannot be imported, or with ``use_engine=False``, the SQL below does, following the
same PRODUCT.md formulas. Either way the result is ``kpi``, ``stage``, ``period``, ``value``,
``numerator``, ``denominator``, rows with no denominator dropped. The fallback places each KPI in
the period of its event date:

- campaign_response_rate / campaign_conversion_rate: contacts by contacted_at
- win_rate: won / (won + lost) opportunities by closed_at; open ones (won unknown) excluded
- churn_rate: customers churned in the period / customers active at its start (created before
  it, not churned before it); churned customers without churned_at are left out
- win_back_rate: customers churned in the period with a later order / customers churned in it
- cross_sell_rate: customers ordering >= 2 product categories in the period (product when the
  category is empty) / customers with orders in the period
"""
from __future__ import annotations

import pandas as pd

from core.query import Filters, Granularity, period_sql
from lifecycle.source import Binder, Source, fetch, open_source, scope

KPIS = (("campaign_response_rate", "acquisition"), ("campaign_conversion_rate", "acquisition"),
        ("win_rate", "acquisition"), ("churn_rate", "retention"), ("win_back_rate", "retention"),
        ("cross_sell_rate", "development"))
COLUMNS = ["kpi", "stage", "period", "value", "numerator", "denominator"]


def _sql(filters: Filters, granularity: Granularity, bind: Binder) -> str:
    g = granularity.value
    contacts = scope("campaign_contacts", filters, bind)
    won = scope("opportunities", filters, bind, date_field="closed_at")
    churn_dims = scope("customers", filters, bind, dates=False)
    churn_dates = scope("customers", filters, bind, dimensions=False, date_field="churned_at")
    orders_dims = scope("orders", filters, bind, dates=False)
    orders = scope("orders", filters, bind)
    churned_c = scope("customers", filters, bind, alias="c", dimensions=False, date_field="churned_at")

    def label(column: str) -> str:
        return period_sql(column, granularity)

    return f"""
    WITH c AS (
        SELECT customer_id, created_at, churned_at, date_trunc('{g}', churned_at) AS churn_start
        FROM customers WHERE {churn_dims}),
    created AS (  -- customers by the start of the period they were created in (NULL: always there)
        SELECT COALESCE(date_trunc('{g}', created_at), TIMESTAMP '0001-01-01') AS pstart, count(*) AS n FROM c GROUP BY 1),
    gone AS (SELECT churn_start AS pstart, count(*) AS n FROM c WHERE churned_at IS NOT NULL GROUP BY 1),
    churn_periods AS (SELECT DISTINCT churn_start AS pstart FROM c WHERE churned_at IS NOT NULL AND {churn_dates}),
    active AS (
        SELECT p.pstart,
               (SELECT COALESCE(sum(n), 0) FROM created WHERE created.pstart < p.pstart)
             - (SELECT COALESCE(sum(n), 0) FROM gone WHERE gone.pstart < p.pstart) AS n
        FROM churn_periods p),
    churned AS (
        SELECT churn_start AS pstart, count(*) AS n FROM c
        WHERE churned_at IS NOT NULL AND {churn_dates}
          AND (created_at IS NULL OR created_at < churn_start)
        GROUP BY 1),
    last_order AS (
        SELECT customer_id, max(order_date) AS last_at FROM orders
        WHERE {orders_dims} AND customer_id IN (SELECT customer_id FROM c WHERE churned_at IS NOT NULL) GROUP BY 1),
    per_contact_period AS (
        SELECT date_trunc('{g}', contacted_at) AS pstart, count(*) AS n,
               count(*) FILTER (WHERE responded) AS responses, count(*) FILTER (WHERE converted) AS conversions
        FROM campaign_contacts WHERE {contacts} AND contacted_at IS NOT NULL GROUP BY 1),
    cats AS (  -- min <> max: at least two different categories, far cheaper than count(DISTINCT)
        SELECT date_trunc('{g}', order_date) AS pstart, customer_id,
               min(COALESCE(product_category, product)) <> max(COALESCE(product_category, product)) AS several
        FROM orders WHERE {orders} AND customer_id IS NOT NULL AND order_date IS NOT NULL GROUP BY 1, 2)
    SELECT 'campaign_response_rate' AS kpi, {label('pstart')} AS period, responses AS numerator, n AS denominator
      FROM per_contact_period
    UNION ALL
    SELECT 'campaign_conversion_rate', {label('pstart')}, conversions, n FROM per_contact_period
    UNION ALL
    SELECT 'win_rate', {label('closed_at')}, count(*) FILTER (WHERE won), count(*)
      FROM opportunities WHERE {won} AND closed_at IS NOT NULL AND won IS NOT NULL GROUP BY 2
    UNION ALL
    SELECT 'churn_rate', {label('a.pstart')}, COALESCE(ch.n, 0), a.n
      FROM active a LEFT JOIN churned ch ON ch.pstart = a.pstart
    UNION ALL
    SELECT 'win_back_rate', {label('c.churned_at')}, count(*) FILTER (WHERE l.last_at > c.churned_at), count(*)
      FROM c LEFT JOIN last_order l USING (customer_id)
      WHERE c.churned_at IS NOT NULL AND {churned_c} GROUP BY 2
    UNION ALL
    SELECT 'cross_sell_rate', {label('pstart')}, count(*) FILTER (WHERE several), count(*) FROM cats GROUP BY pstart
    """


def _engine():
    """``kpis.engine.compute`` if it can be imported, else None."""
    try:
        from kpis.engine import compute
    except ImportError:
        return None
    return compute


def stage_kpis(source: Source, filters: Filters | None = None,
               granularity: Granularity | str = Granularity.MONTH, use_engine: bool = True) -> pd.DataFrame:
    """Tidy: one row per KPI and period with a denominator, sorted by KPI then period."""
    filters = filters or Filters()
    granularity = Granularity(granularity)
    compute = _engine() if use_engine else None
    if compute is not None:
        # a frame without columns is "no data" here; the engine expects canonical columns
        usable = {k: v for k, v in source.items() if not (isinstance(v, pd.DataFrame) and not len(v.columns))}
        raw = compute(usable, [k for k, _ in KPIS], period=granularity, filters=filters)
    else:
        con = open_source(source)
        try:
            bind = Binder()
            raw = fetch(con, _sql(filters, granularity, bind), bind)
        finally:
            con.close()
    stage = dict(KPIS)
    order = {k: i for i, (k, _) in enumerate(KPIS)}
    out = pd.DataFrame({
        "kpi": raw["kpi"].astype("string"),
        "stage": raw["kpi"].map(stage).astype("string"),
        "period": raw["period"].astype("string"),
        "numerator": raw["numerator"].astype("float64"),
        "denominator": raw["denominator"].astype("float64"),
    })
    out = out[out["denominator"] > 0]
    out["value"] = out["numerator"] / out["denominator"]
    out = out.assign(_o=out["kpi"].map(order)).sort_values(["_o", "period"], kind="stable").drop(columns="_o")
    return out[COLUMNS].reset_index(drop=True)
