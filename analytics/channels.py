"""The channel plan: which customer group is worth which contact channel (issue 11.4).

Per group (segment, value band, or any customer field) and channel::

    expected value of one contact = conversions / contacts x value of a conversion - cost per contact
                                  = response rate x conversion (per response) x value - cost

* conversions / contacts is the share of contacts that converted (``converted``) in that group and
  channel; its 95 % interval is Wilson's score interval, carried into ``lower``/``upper`` with the
  value and the cost held fixed (their own uncertainty is not in the band).
* value of a conversion: the group's average order revenue (its orders' revenue / its orders);
  a group without orders takes the average over all orders (``value_source`` says which).
* cost per contact: the contact's own cost, else its campaign's cost shared equally over the
  campaign's contacts (as ``lifecycle.channels`` does), unless ``costs`` overrides the channel.
  A channel whose cost is known nowhere has no expected value and is never recommended.
* recommended: the channel with the highest expected value above zero among those with at least
  ``MIN_CONTACTS`` contacts; ``break_even_cost`` = the cost at which a channel's value is zero.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.features import CATEGORIES, SourceLike, filled, local_only
from core.errors import InputError, Problem
from sources.source import as_source

Z = 1.959963984540054  # 95 %
MIN_CONTACTS = 30
BANDS = ("low", "medium", "high")
GROUPS = (*CATEGORIES, "value_band")
PLAN_COLUMNS = ["channel", "contacts", "responses", "conversions", "response_rate", "conversion_rate",
                "conversions_per_contact", "value_per_conversion", "value_revenue", "value_orders", "value_source",
                "cost_per_contact", "cost_source", "expected_value_per_contact", "lower", "upper",
                "break_even_cost", "recommended"]


@dataclass(frozen=True, eq=False)
class ChannelPlan:
    by: tuple[str, ...]
    plan: pd.DataFrame      # one row per group and channel (PLAN_COLUMNS after the group keys)
    summary: pd.DataFrame   # per group: recommended channel, actual vs plan value, service status


def wilson(successes: np.ndarray, trials: np.ndarray, z: float = Z) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of successes / trials (NaN where trials is 0)."""
    n = np.asarray(trials, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.asarray(successes, dtype="float64") / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def plan(source: SourceLike, by: tuple[str, ...] = ("segment",), costs: Mapping[str, float] | None = None,
         min_contacts: int = MIN_CONTACTS) -> ChannelPlan:
    """The channel plan per ``by`` group; ``costs`` (channel -> cost of one contact) overrides the data."""
    by = tuple(by) or ("segment",)
    unknown = [b for b in by if b not in GROUPS]
    if unknown:
        raise InputError(f"cannot plan by {', '.join(unknown)}", [Problem("--by", b) for b in unknown],
                         hint=f"one or more of {', '.join(GROUPS)}", key="analytics.err.plan_by",
                         hint_key="analytics.err.one_or_more",
                         values={"by": ", ".join(unknown), "choices": ", ".join(GROUPS)})
    raw = _aggregate(source, by)
    out = raw[list(by)].copy()
    out["channel"] = raw["channel"]
    for name in ("contacts", "responses", "conversions"):
        out[name] = raw[name].astype("float64")
    contacts = out["contacts"].where(out["contacts"] > 0)
    out["response_rate"] = out["responses"] / contacts
    out["conversion_rate"] = out["conversions"] / out["responses"].where(out["responses"] > 0)
    out["conversions_per_contact"] = out["conversions"] / contacts
    overall = raw["all_revenue"].iloc[0] / raw["all_orders"].iloc[0] if raw["all_orders"].iloc[0] else np.nan
    own = raw["value_orders"] > 0
    out["value_revenue"] = raw["value_revenue"].where(own, raw["all_revenue"]).astype("float64")
    out["value_orders"] = raw["value_orders"].where(own, raw["all_orders"]).astype("float64")
    out["value_per_conversion"] = out["value_revenue"] / out["value_orders"].where(out["value_orders"] > 0)
    out["value_source"] = np.where(own, "group", np.where(np.isnan(overall), "none", "all_orders"))
    given = {str(k): float(v) for k, v in (costs or {}).items()}
    data_cost = raw["cost_total"] / raw["costed_contacts"].where(raw["costed_contacts"] > 0)
    override = out["channel"].map(given).astype("float64")
    out["cost_per_contact"] = override.fillna(data_cost)
    out["cost_source"] = np.where(override.notna(), "given", np.where(data_cost.notna(), "data", "unknown"))
    value = out["value_per_conversion"]
    lo, hi = wilson(out["conversions"].to_numpy(), out["contacts"].to_numpy())
    out["expected_value_per_contact"] = out["conversions_per_contact"] * value - out["cost_per_contact"]
    out["lower"] = lo * value - out["cost_per_contact"]
    out["upper"] = hi * value - out["cost_per_contact"]
    out["break_even_cost"] = out["conversions_per_contact"] * value
    out["recommended"] = _recommended(out, list(by), min_contacts)
    # the channel breaks ties (two channels of equal value, or both without one): the database groups in no order
    out = out.sort_values([*by, "expected_value_per_contact", "channel"], ascending=[True] * len(by) + [False, True],
                          na_position="last").reset_index(drop=True)
    return ChannelPlan(by, out[[*by, *PLAN_COLUMNS]], summarise(out, list(by)))


def _recommended(out: pd.DataFrame, keys: list[str], min_contacts: int) -> pd.Series:
    ev = out["expected_value_per_contact"].where((out["contacts"] >= min_contacts) & (out["expected_value_per_contact"] > 0))
    best = ev.groupby([out[k].fillna("–") for k in keys]).transform("max")
    return (ev.notna() & ev.eq(best)).astype(bool)


def summarise(out: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group: what the actual mix earned (conversions x value - cost), what the same number of
    contacts would have earned on the recommended channel, and whether the group is
    over-served (most contacts lose money) or under-served (the best channel gets under half)."""
    frame = out.assign(**{k: out[k].fillna("–") for k in keys})
    frame["earned"] = frame["contacts"] * frame["expected_value_per_contact"]
    frame["losing"] = frame["contacts"].where(frame["expected_value_per_contact"] < 0, 0)
    rows = []
    for group, part in frame.groupby(keys, sort=True):
        group = group if isinstance(group, tuple) else (group,)
        best = part[part["recommended"]].head(1)
        total = float(part["contacts"].sum())
        best_ev = float(best["expected_value_per_contact"].iloc[0]) if len(best) else 0.0
        share = float(best["contacts"].iloc[0]) / total if len(best) and total else 0.0
        losing = float(part["losing"].sum()) / total if total else 0.0
        status = "over_served" if losing > 0.5 else ("under_served" if len(best) and share < 0.5 else "well_served")
        rows.append({**dict(zip(keys, group)), "recommended_channel": best["channel"].iloc[0] if len(best) else None,
                     "contacts": total, "actual_value": float(part["earned"].sum(min_count=1)),
                     "plan_value": total * best_ev, "recommended_share": share, "losing_share": losing,
                     "status": status})
    summary = pd.DataFrame(rows)
    if len(summary):
        summary["uplift"] = summary["plan_value"] - summary["actual_value"]
    return summary


def _aggregate(source: SourceLike, by: tuple[str, ...]) -> pd.DataFrame:
    src = as_source(source)
    with src.open(typed=True) as q:
        local_only(q, "channel plan")
        present = filled(q)
        missing = [e for e in ("customers", "campaign_contacts") if e not in present]
        if missing:
            raise InputError("the channel plan needs customers and campaign contacts",
                             [Problem(e, "no such table", key="analytics.err.no_table") for e in missing],
                             key="analytics.err.plan_tables")
        has_orders = "orders" in present
        groups = q.run("SELECT CAST(customer_id AS VARCHAR) AS customer_id, "
                       + ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in by if c != "value_band")
                       + (", " if any(c != "value_band" for c in by) else "")
                       + (" COALESCE(o.revenue, 0) AS customer_revenue FROM customers c LEFT JOIN "
                          "(SELECT CAST(customer_id AS VARCHAR) AS cid, sum(revenue) AS revenue FROM orders "
                          "GROUP BY 1) o ON o.cid = CAST(c.customer_id AS VARCHAR)" if has_orders
                          else " 0.0 AS customer_revenue FROM customers"))
        if "value_band" in by:
            groups["value_band"] = value_bands(groups["customer_revenue"])
        q.con.register("groups", groups)
        keys = ", ".join(f"g.{c}" for c in by)
        campaign = ("LEFT JOIN campaigns ca ON ca.campaign_id = k.campaign_id "
                    "LEFT JOIN per_campaign pc ON pc.campaign_id = k.campaign_id" if "campaigns" in present else "")
        cost = "COALESCE(k.cost, ca.cost / pc.n)" if "campaigns" in present else "k.cost"
        values = (f"""SELECT {keys}, sum(o.revenue) AS value_revenue, count(o.revenue) AS value_orders
                      FROM orders o JOIN groups g ON g.customer_id = CAST(o.customer_id AS VARCHAR)
                      GROUP BY {keys}""" if has_orders
                  else f"SELECT {keys}, 0.0 AS value_revenue, 0 AS value_orders FROM groups g GROUP BY {keys}")
        totals = ("SELECT COALESCE(sum(revenue), 0) AS all_revenue, count(revenue) AS all_orders FROM orders"
                  if has_orders else "SELECT 0.0 AS all_revenue, 0 AS all_orders")
        join = " AND ".join(f"v.{c} IS NOT DISTINCT FROM kc.{c}" for c in by)
        raw = q.run(f"""
            WITH per_campaign AS (SELECT campaign_id, count(*) AS n FROM campaign_contacts
                                  WHERE campaign_id IS NOT NULL GROUP BY 1),
            k AS (SELECT CAST(k.customer_id AS VARCHAR) AS customer_id, k.channel, k.responded, k.converted,
                         {cost} AS cost
                  FROM campaign_contacts k {campaign}),
            kc AS (SELECT {keys}, k.channel, count(*) AS contacts,
                          count(*) FILTER (WHERE k.responded) AS responses,
                          count(*) FILTER (WHERE k.converted) AS conversions,
                          sum(k.cost) AS cost_total, count(k.cost) AS costed_contacts
                   FROM k JOIN groups g ON g.customer_id = k.customer_id
                   WHERE k.channel IS NOT NULL GROUP BY {keys}, k.channel),
            v AS ({values})
            SELECT kc.*, COALESCE(v.value_revenue, 0) AS value_revenue, COALESCE(v.value_orders, 0) AS value_orders,
                   t.all_revenue, t.all_orders
            FROM kc LEFT JOIN v ON {join} CROSS JOIN ({totals}) t""")
    if raw.empty:
        raise InputError("no campaign contact names a known customer and a channel",
                         [Problem("campaign_contacts", "customer_id / channel empty or unknown in every row",
                                  key="analytics.err.contacts_unknown_rows")],
                         hint="map customer_id and channel of the contacts, and import the customers",
                         key="analytics.err.contacts_unknown", hint_key="analytics.err.contacts_unknown_hint")
    for c in (*by, "channel"):
        raw[c] = raw[c].astype("string")
    return raw


def value_bands(revenue: pd.Series) -> pd.Series:
    """low / medium / high: terciles of the customers' total order revenue ("none" without orders)."""
    bought = revenue > 0
    bands = pd.Series("none", index=revenue.index, dtype="object")
    if bought.sum() >= len(BANDS):
        ranks = revenue[bought].rank(method="first")
        bands[bought] = pd.qcut(ranks, len(BANDS), labels=list(BANDS)).astype(str)
    elif bought.any():
        bands[bought] = "medium"
    return bands.astype("string")
