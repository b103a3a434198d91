"""The lifecycle views' share of a stored dataset's pre-aggregates (``kpis.prebuild`` builds them
with the KPI cubes, ``kpis.aggregates`` checks they are current), so that a filter change on the
lifecycle page answers the channel economics, the segment x channel matrix and the sales per
period without reading the raw rows:

- measures the views need beside the KPIs' (``PARTS``) are added to the cube of their entity and
  date field: contacts without a cost of their own, orders, orders with a quantity;
- a small table of each campaign's cost per contact (the cost a contact without one carries).

Exact like the raw SQL (same groups, sums, NULLs); ``None`` (read the raw rows) for a live source,
a range inside a month, or a filter on a column the cube does not hold. The funnel, the cohorts
and customer lifetime value still read the raw rows.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.query import Filters
from data.schema import CUSTOMER_DIMENSIONS
from kpis import olap
from kpis.aggregates import Aggregates, find_aggregates
from kpis.cubes import cube_name, measure_names
from kpis.definitions import Agg, Condition, Part
from sources.connection import quote
from sources.source import Source

_ROWS = Part("rows", Agg.COUNT)
_RESPONDED = Part("responses", Agg.COUNT, where=(Condition("responded", "eq", True),))
_CONVERTED = Part("conversions", Agg.COUNT, where=(Condition("converted", "eq", True),))
_COST = Part("cost", Agg.SUM, field="cost")
_NO_COST = Part("no_cost", Agg.COUNT, where=(Condition("cost", "is_null", True),))
_REVENUE = Part("revenue", Agg.SUM, field="revenue")
_QUANTITY = Part("quantity", Agg.MEAN, field="quantity")  # sum and count of the quantities
PARTS = {"campaign_contacts": (_ROWS, _RESPONDED, _CONVERTED, _COST, _NO_COST), "orders": (_ROWS, _REVENUE, _QUANTITY)}
SHARES = "lifecycle__campaign_share"
SHARES_SQL = """
    SELECT ca.campaign_id, ca.cost / pc.n AS share FROM campaigns ca
    JOIN (SELECT campaign_id, count(*) AS n FROM campaign_contacts WHERE campaign_id IS NOT NULL GROUP BY 1) pc
      ON pc.campaign_id = ca.campaign_id"""


def cube_parts(entity: str, date_field: str | None, schema) -> tuple[Part, ...]:
    """The view measures ``kpis.prebuild`` adds to the cube of ``entity`` and ``date_field``."""
    return PARTS.get(entity, ()) if entity in schema and schema[entity].date_field == date_field else ()


def build(query, write) -> dict | None:
    """The campaign cost shares and the customer values (``write(name, arrow_table)``); their
    manifest entry, or None when the entities are missing."""
    out = {}
    if {"campaigns", "campaign_contacts"} <= set(query.columns):
        write(SHARES, query.con.sql(SHARES_SQL).to_arrow_table())
        out["shares"] = SHARES
    if {"customers", "orders"} <= set(query.columns):
        dims = [d for d in ("acquisition_channel", "segment", "region", "lifecycle_stage")
                if d in query.columns["customers"]]
        write(VALUES, query.con.sql(values_sql(dims)).to_arrow_table())
        out["values"] = {"dims": dims}
    return out or None


def _cube(agg: Aggregates, source: Source, entity: str, filters: Filters, by: list[str]):
    """The entity's cube, its filter and slice columns, or None when it cannot answer."""
    spec = source.schema[entity]
    name = cube_name(entity, spec.date_field)
    cube = agg.manifest["cubes"].get(name)
    wanted = [m for p in PARTS[entity] for m in measure_names(p)]
    if cube is None or any(m not in cube["measures"] for m in wanted):
        return None
    via_customer = "customer_id" in spec.field_names
    flt = []
    for dim, values in filters.dimensions:
        own = source.dimensions.column(entity, dim)
        col = (dim if dim in CUSTOMER_DIMENSIONS and via_customer else None) if not own else own
        if col is None:
            continue  # a dimension the entity cannot reach is ignored, as in lifecycle.source.scope
        if col not in cube["dims"] or own in CUSTOMER_DIMENSIONS and entity != "customers":
            return None  # the cube holds the customer's value of that name, not the entity's own
        flt.append((col, values))
    if any(b not in cube["dims"] for b in by):
        return None
    table = olap.coded(agg.folder / f"{name}.parquet", cube["dims"])
    return table, flt


def _aligned(filters: Filters) -> bool:
    return all(d is None or pd.Timestamp(d) == pd.Timestamp(d).to_period("M").start_time
               for d in (filters.start, filters.end))


def _sum(table: olap.Coded, groups: olap.Groups, keep: np.ndarray, part: Part, which: int = 0) -> np.ndarray:
    return olap.sums(groups, table.zeroed(measure_names(part)[which])[keep])


def _stored(source: Source, filters: Filters) -> Aggregates | None:
    agg = find_aggregates(source)
    return agg if agg is not None and _aligned(filters) and "lifecycle" in agg.manifest else None


def _shares_ok(agg: Aggregates) -> bool:
    return "shares" in agg.manifest["lifecycle"]


def economics(source: Source, filters: Filters, keys: list[str]) -> pd.DataFrame | None:
    """contacts, cost, responses, conversions and revenue per ``keys`` ([segment,] channel), as
    ``lifecycle.channels._economics_sql`` returns them; None: read the raw rows."""
    agg = _stored(source, filters)
    agg = agg if agg is not None and _shares_ok(agg) else None
    contacts = agg and _cube(agg, source, "campaign_contacts", filters, keys)
    orders = agg and _cube(agg, source, "orders", filters, keys)
    if not contacts or not orders:
        return None
    (table, flt), dated = contacts, filters.start is not None or filters.end is not None
    keep = olap.mask(table, flt, filters.start, filters.end, dated=dated)
    groups = olap.group(table, keep, [(k, k) for k in keys], None, whole=False)
    shares = _shares(agg, table)
    no_cost = table.zeroed(measure_names(_NO_COST)[0])
    carried = olap.sums(groups, (no_cost * np.nan_to_num(shares))[keep])
    priced = olap.sums(groups, (no_cost * ~np.isnan(shares))[keep])
    rows = _sum(table, groups, keep, _ROWS)
    counted = rows - _sum(table, groups, keep, _NO_COST) + priced  # contacts with a cost (own or shared)
    out = pd.DataFrame({k: pd.array(groups.keys[k].astype(object), dtype="string") for k in keys})
    out["contacts"] = rows
    out["cost"] = np.where(counted > 0, _sum(table, groups, keep, _COST) + carried, np.nan)
    out["responses"] = _sum(table, groups, keep, _RESPONDED)
    out["conversions"] = _sum(table, groups, keep, _CONVERTED)
    (otable, oflt) = orders
    okeep = olap.mask(otable, oflt, filters.start, filters.end, dated=dated)
    ogroups = olap.group(otable, okeep, [(k, k) for k in keys], None, whole=False)
    revenue = _sum(otable, ogroups, okeep, _REVENUE)
    li, ri = olap.align({k: groups.keys[k] for k in keys}, groups.count,
                        {k: ogroups.keys[k] for k in keys}, ogroups.count, keys, outer=False)
    out["revenue"] = np.nan_to_num(olap.take(revenue, ri))
    return out.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)


def _shares(agg: Aggregates, table: olap.Coded) -> np.ndarray:
    """Per cube row the cost per contact of its campaign (NaN: none)."""
    found = olap.coded(agg.folder / f"{SHARES}.parquet", ["campaign_id"])
    share = pd.Series(found.values["share"], index=found.labels["campaign_id"][found.codes["campaign_id"]])
    lookup = np.append(share.reindex(table.labels["campaign_id"]).to_numpy(dtype="float64"), np.nan)
    return lookup[table.codes["campaign_id"]]


def sales(source: Source, filters: Filters, gran: str) -> pd.DataFrame | None:
    """revenue, products sold and orders per period and orders.channel (``channel_sales``)."""
    agg = _stored(source, filters)
    found = agg and _cube(agg, source, "orders", filters, ["channel"])
    if not found:
        return None
    table, flt = found
    keep = olap.mask(table, flt, filters.start, filters.end, dated=True)
    groups = olap.group(table, keep, [("channel", "channel")], gran, whole=False)
    rows = _sum(table, groups, keep, _ROWS)
    default = source.schema["orders"].field("quantity").default  # the typed view reads an empty quantity as 1
    out = pd.DataFrame({"period": pd.array(groups.keys.get("period", np.empty(0, dtype=object)), dtype="string"),
                        "channel": pd.array(groups.keys["channel"].astype(object), dtype="string")})
    out["revenue"] = _sum(table, groups, keep, _REVENUE)
    known = _sum(table, groups, keep, _QUANTITY, 1)
    out["products_sold"] = _sum(table, groups, keep, _QUANTITY) + (rows - known) * float(default or 0)
    if default is None:
        out["products_sold"] = out["products_sold"].where(known > 0)
    out["orders"] = rows.astype("int64")
    return out.sort_values(["period", "channel"], na_position="last", kind="stable").reset_index(drop=True)


VALUES = "lifecycle__customer_value"


def values_sql(dims: list[str]) -> str:
    """Per customer its acquisition month, dimensions and historic revenue: of all orders, of the
    dated ones, and the month of its last dated order (a value before an end after it is the latter)."""
    month = "year(order_date) * 12 + month(order_date) - 1"
    cols = ", ".join(f"c.{quote(d)} AS {quote(d)}" for d in dims)
    return f"""
    SELECT date_trunc('month', c.created_at) AS _month, {cols},
           coalesce(v.total, 0) AS _all, coalesce(v.dated, 0) AS _dated, v.last AS _last
    FROM customers c LEFT JOIN (
        SELECT customer_id, sum(COALESCE(revenue, 0)) AS total,
               coalesce(sum(COALESCE(revenue, 0)) FILTER (WHERE order_date IS NOT NULL), 0) AS dated,
               max({month}) AS last
        FROM orders WHERE customer_id IS NOT NULL GROUP BY 1) v ON v.customer_id = c.customer_id
    WHERE c.customer_id IS NOT NULL ORDER BY _all"""


def lifetime_value(source: Source, filters: Filters, by: str) -> pd.DataFrame | None:
    """customers, total, mean and median of the customers' historic revenue per ``by`` value
    (``lifecycle.clv``); None when an end date falls before some customer's last order."""
    agg = _stored(source, filters)
    entry = agg and agg.manifest["lifecycle"].get("values")
    if not entry or by not in entry["dims"]:
        return None
    flt = []
    for dim, values in filters.dimensions:
        col = source.dimensions.column("customers", dim)
        if col is None:
            continue
        if col not in entry["dims"]:
            return None
        flt.append((col, values))
    table = olap.coded(agg.folder / f"{VALUES}.parquet", entry["dims"])
    keep = olap.mask(table, flt, filters.start, filters.end, dated=False)
    value = table.values["_all"]
    if filters.end is not None:
        last = table.values["_last"][keep]
        if np.any(last[~np.isnan(last)] >= olap.month_number(filters.end)):
            return None
        value = table.values["_dated"]
    groups = olap.group(table, keep, [(by, by)], None, whole=False)
    v = value[keep]
    sorted_by_value = filters.end is None  # the table is stored sorted by the value of all orders
    order = np.argsort(v, kind="stable") if not sorted_by_value else np.arange(len(v))
    regrouped = olap.Groups(groups.index[order], groups.count, groups.keys, groups.numbers)
    n = np.bincount(groups.index, minlength=groups.count)
    total = olap.sums(groups, v)
    out = pd.DataFrame({by: pd.array(groups.keys[by].astype(object), dtype="string")})
    out["customers"] = n.astype("int64")
    out["total"] = total
    out["mean"] = total / np.where(n > 0, n, 1)
    out["median"] = olap.medians(regrouped, v[order])
    return out.sort_values(by, na_position="last", kind="stable").reset_index(drop=True)
