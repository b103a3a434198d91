"""Revenue and products per channel, channel economics, and which segments are worth which channel.

Definitions (docs/lifecycle.md):

- sales: orders by period and ``orders.channel``: revenue, products sold (sum of quantity, 1 when
  empty), orders.
- economics per channel (campaign_contacts in the period): contacts, cost (the contact's cost,
  else its campaign's cost shared equally over all of that campaign's contacts), responses,
  conversions, their rates, cost per contact and per response; revenue is the revenue of orders
  placed in the same channel in the period ("orders by channel", not an attribution model), and
  revenue per contact is that revenue / contacts.
- the segment x channel matrix is the same table split by the contacted customer's segment
  (orders by the ordering customer's segment).
"""
from __future__ import annotations

import pandas as pd

from core.query import Filters, Granularity, period_sql
from lifecycle import preagg
from lifecycle.source import Binder, Source, SourceLike, as_source, fetch, quote, scope

SALES_COLUMNS = ["period", "channel", "revenue", "products_sold", "orders"]
ECONOMICS_COLUMNS = ["contacts", "cost", "cost_per_contact", "responses", "response_rate", "conversions",
                     "conversion_rate", "cost_per_response", "revenue", "revenue_per_contact"]


def channel_sales(source: SourceLike, filters: Filters | None = None,
                  granularity: Granularity | str = Granularity.MONTH) -> pd.DataFrame:
    """Tidy: one row per period and channel with revenue, products sold and order count."""
    src, filters = as_source(source), filters or Filters()
    stored = preagg.sales(src, filters, Granularity(granularity).value)
    if stored is not None:
        return stored[SALES_COLUMNS]
    bind = Binder()
    sql = f"""
    SELECT {period_sql('order_date', Granularity(granularity))} AS period, channel,
           COALESCE(sum(revenue), 0) AS revenue, sum(quantity) AS products_sold, count(*) AS orders
    FROM orders WHERE {scope(src, 'orders', filters, bind)} AND order_date IS NOT NULL
    GROUP BY 1, 2 ORDER BY 1, 2
    """
    raw = fetch(src, sql, bind)
    return pd.DataFrame({
        "period": raw["period"].astype("string"), "channel": raw["channel"].astype("string"),
        "revenue": raw["revenue"].astype("float64"), "products_sold": raw["products_sold"].astype("float64"),
        "orders": raw["orders"].astype("int64"),
    })[SALES_COLUMNS]


def _economics_sql(src: Source, filters: Filters, by_segment: bool, bind: Binder) -> str:
    contacts = scope(src, "campaign_contacts", filters, bind, alias="k")
    orders = scope(src, "orders", filters, bind, alias="o")
    seg_k = "cu.segment AS segment, " if by_segment else ""
    seg_join_k = "LEFT JOIN customers cu ON cu.customer_id = k.customer_id" if by_segment else ""
    seg_join_o = "LEFT JOIN customers cu ON cu.customer_id = o.customer_id" if by_segment else ""
    keys = "segment, channel" if by_segment else "channel"
    n = 2 if by_segment else 1
    group = ", ".join(str(i + 1) for i in range(n))
    return f"""
    WITH per_campaign AS (
        SELECT campaign_id, count(*) AS n FROM campaign_contacts WHERE campaign_id IS NOT NULL GROUP BY 1),
    k AS (
        SELECT {seg_k}k.channel AS channel, k.responded, k.converted,
               COALESCE(k.cost, ca.cost / pc.n) AS cost
        FROM campaign_contacts k
        LEFT JOIN campaigns ca ON ca.campaign_id = k.campaign_id
        LEFT JOIN per_campaign pc ON pc.campaign_id = k.campaign_id
        {seg_join_k}
        WHERE {contacts}),
    kc AS (
        SELECT {keys}, count(*) AS contacts, sum(cost) AS cost,
               count(*) FILTER (WHERE responded) AS responses, count(*) FILTER (WHERE converted) AS conversions
        FROM k GROUP BY {group}),
    o AS (
        SELECT {seg_k}o.channel AS channel, COALESCE(sum(o.revenue), 0) AS revenue
        FROM orders o {seg_join_o} WHERE {orders} GROUP BY {group})
    SELECT {', '.join(f'kc.{quote(c)}' for c in keys.split(', '))},
           kc.contacts, kc.cost, kc.responses, kc.conversions, COALESCE(o.revenue, 0) AS revenue
    FROM kc LEFT JOIN o ON {' AND '.join(f'o.{c} IS NOT DISTINCT FROM kc.{c}' for c in keys.split(', '))}
    ORDER BY {group}
    """


def _economics(source: SourceLike, filters: Filters | None, by_segment: bool) -> pd.DataFrame:
    src, filters = as_source(source), filters or Filters()
    keys = ["segment", "channel"] if by_segment else ["channel"]
    raw = preagg.economics(src, filters, keys)  # from the pre-aggregates when they can answer
    if raw is None:
        bind = Binder()
        raw = fetch(src, _economics_sql(src, filters, by_segment, bind), bind)
    out = pd.DataFrame({k: raw[k].astype("string") for k in keys})
    for col in ("contacts", "cost", "responses", "conversions", "revenue"):
        out[col] = raw[col].astype("float64")
    contacts = out["contacts"].where(out["contacts"] > 0)
    out["cost_per_contact"] = out["cost"] / contacts
    out["response_rate"] = out["responses"] / contacts
    out["conversion_rate"] = out["conversions"] / contacts
    out["cost_per_response"] = out["cost"] / out["responses"].where(out["responses"] > 0)
    out["revenue_per_contact"] = out["revenue"] / contacts
    return out[keys + ECONOMICS_COLUMNS]


def channel_economics(source: SourceLike, filters: Filters | None = None) -> pd.DataFrame:
    """One row per contact channel: contacts, cost and rates, revenue of orders in that channel."""
    return _economics(source, filters, by_segment=False)


def segment_channel(source: SourceLike, filters: Filters | None = None) -> pd.DataFrame:
    """The same economics per customer segment and channel: which segments are worth which channel."""
    return _economics(source, filters, by_segment=True)
