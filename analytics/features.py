"""One row per customer: attributes, kept columns and behaviour before a reference date.

The behaviour (orders, service tickets, campaign contacts, surveys) is aggregated in DuckDB over
the canonical relations of a ``sources.Source``, counting only events strictly before each
customer's own reference date, so a label that lies at that date (the churn, the answer to the
last contact) is never seen by its features. Events without a date are left out for the same
reason. ``label_table`` decides the reference date and the label per target (docs/analytics.md).

Counts are turned into rates per month the customer was observed (from ``created_at`` to the
reference date): a churned customer is watched up to the churn, a staying one up to today, so raw
counts would partly measure the length of that window instead of the customer (exposure leakage).
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import InputError, Problem
from data.schema import load_schema
from sources.source import Source, as_source

CATEGORIES = ("segment", "region", "acquisition_channel", "lifecycle_stage")
MAX_LEVELS = 50          # a kept text column with more values keeps the 50 most frequent, the rest "other"
NUMERIC_SHARE = 0.95     # a kept column is numeric when this share of its filled cells parses as a number
COMPLAINT_WORDS = ("complain", "beschwer", "reklam")
SourceLike = Source | Mapping[str, pd.DataFrame | Path]
COUNTS = ("orders", "orders_last_year", "revenue", "tickets", "complaints", "contacts", "responses")
MONTH_DAYS = 30.4375
HORIZON_DAYS = 180       # churn with dates, the default: who, still a customer then, churns in the last 180 days

# (entity, date column, SQL aggregates over the events before the reference date r.ref)
BEHAVIOUR = (
    ("orders", "order_date", {
        "orders": "count(*)",
        "orders_last_year": "count(*) FILTER (WHERE e.order_date >= r.ref - INTERVAL 365 DAY)",
        "revenue": "COALESCE(sum(e.revenue), 0)",
        "days_since_order": "date_diff('day', max(e.order_date), r.ref)"}),
    ("service_tickets", "opened_at", {
        "tickets": "count(*)",
        "complaints": "count(*) FILTER (WHERE " + " OR ".join(
            f"lower(CAST(e.type AS VARCHAR)) LIKE '%{w}%'" for w in COMPLAINT_WORDS) + ")",
        "ticket_satisfaction": "avg(e.satisfaction)"}),
    ("campaign_contacts", "contacted_at", {
        "contacts": "count(*)",
        "responses": "count(*) FILTER (WHERE e.responded)",
        "last_contact_responded": "CAST(arg_max(CAST(e.responded AS INTEGER), e.contacted_at) AS DOUBLE)",
        "days_since_response": "date_diff('day', max(e.contacted_at) FILTER (WHERE e.responded), r.ref)"}),
    ("surveys", "answered_at", {
        "survey_mean": "avg(e.score)",
        "survey_last": "arg_max(e.score, e.answered_at)"}),
)
DATES = {"orders": "order_date", "service_tickets": "opened_at", "campaign_contacts": "contacted_at",
         "surveys": "answered_at", "customers": "created_at"}


def local_only(q, what: str) -> None:
    """Refuse a live database: per-customer analytics (``what``: propensity, channel plan) read every
    customer and join tables in DuckDB, and a live source sends aggregates only, never its rows."""
    if getattr(q, "con", None) is None:
        raise InputError(f"the {what} runs on imported data, not yet on a live source",
                         [Problem("source", "live database")], key=f"analytics.live.{what.replace(' ', '_')}",
                         hint="import the data as files for it", hint_key="analytics.live_hint")


def read_customers(source: SourceLike) -> tuple[pd.DataFrame, pd.Timestamp, set[str]]:
    """The customers (canonical and kept columns), the data's last day, and the entities present."""
    src = as_source(source)
    with src.open(typed=False) as q:
        local_only(q, "propensity")
        present = filled(q)
        if "customers" not in present:
            raise InputError("propensity needs a customers table",
                             [Problem("customers", "no such table", key="analytics.err.no_table")],
                             hint="map the customer export as customers in the manifest",
                             key="analytics.err.no_customers", hint_key="analytics.err.no_customers_hint")
        customers = q.run("SELECT * FROM customers")
        dated = [f"SELECT max(CAST({col} AS TIMESTAMP)) AS d FROM {name}" for name, col in DATES.items()
                 if name in present and col in q.columns[name]]
        last = q.run(" UNION ALL ".join(dated))["d"].max() if dated else pd.NaT
    if customers.empty:
        raise InputError("the customers table has no rows",
                         [Problem("customers", "0 rows", key="analytics.err.zero_rows")], key="analytics.err.customers_empty")
    as_of = pd.Timestamp(last) if not pd.isna(last) else pd.Timestamp.now().normalize()
    customers["customer_id"] = customers["customer_id"].astype("string")
    return customers.drop_duplicates("customer_id", keep="last").reset_index(drop=True), as_of, present


def filled(q) -> set[str]:
    """The entities of an open query whose view has at least one row (an absent table is an empty view)."""
    names = sorted(q.columns)
    row = q.run("SELECT " + ", ".join(f'EXISTS (SELECT 1 FROM "{n}") AS "{n}"' for n in names)).iloc[0]
    return {n for n in names if bool(row[n])}


def attributes(customers: pd.DataFrame, refs: pd.Series, exclude: tuple[str, ...] = ()) -> pd.DataFrame:
    """Category fields, tenure at the reference date and every kept column (numbers or categories)."""
    canonical = set(load_schema()["customers"].field_names)
    out = pd.DataFrame(index=customers.index)
    for name in CATEGORIES:
        if name in customers and name not in exclude and customers[name].notna().any():
            out[name] = _category(customers[name])
    if "created_at" in customers and customers["created_at"].notna().any():
        out["tenure_days"] = (refs - pd.to_datetime(customers["created_at"])).dt.days.astype("float64")
    for name in customers.columns:
        if name in canonical or name in out:
            continue
        column = customers[name]
        numbers = pd.to_numeric(column.astype("string").str.replace(",", ".", regex=False), errors="coerce")
        filled = int(column.notna().sum())
        if filled and numbers.notna().sum() >= NUMERIC_SHARE * filled:
            out[name] = numbers.astype("float64")
        elif 1 < column.nunique() <= max(MAX_LEVELS, 0.5 * len(column)):  # an id-like text column is left out
            out[name] = _category(column)
    return out


def _category(column: pd.Series) -> pd.Series:
    text = column.astype("string")
    top = text.value_counts().index[:MAX_LEVELS]
    return text.where(text.isin(top) | text.isna(), "other").astype("category")


def behaviour(source: SourceLike, refs: pd.DataFrame, present: set[str]) -> pd.DataFrame:
    """Per customer (``refs``: customer_id, ref, optionally created) the behaviour before ``ref``;
    with ``created`` the counts become rates per observed month (``<count>_per_month``)."""
    src = as_source(source)
    out = pd.DataFrame({"customer_id": refs["customer_id"].astype("string")})
    with src.open(only=present & {e for e, _, _ in BEHAVIOUR}, typed=True) as q:
        q.con.register("refs", refs[["customer_id", "ref"]])
        for entity, date, aggregates in BEHAVIOUR:
            if entity not in present:
                continue
            select = ", ".join(f"{sql} AS {name}" for name, sql in aggregates.items())
            part = q.run(f"""
                SELECT r.customer_id, {select}
                FROM refs r JOIN {entity} e ON CAST(e.customer_id AS VARCHAR) = r.customer_id
                WHERE e.{date} IS NOT NULL AND CAST(e.{date} AS TIMESTAMP) < r.ref
                GROUP BY r.customer_id, r.ref""")
            part["customer_id"] = part["customer_id"].astype("string")
            out = out.merge(part, on="customer_id", how="left")
            counts = [n for n in aggregates if n in COUNTS]
            out[counts] = out[counts].fillna(0)
    features = out.drop(columns="customer_id").astype("float64")
    if "created" in refs:
        features = per_month(features, refs["ref"], refs["created"])
    return features.loc[:, features.notna().any()]


def per_month(features: pd.DataFrame, refs: pd.Series, created: pd.Series) -> pd.DataFrame:
    """Counts divided by the months observed (at least one; the last-year count by at most 12);
    a customer without a creation date keeps no rate (empty, which the model takes as unknown)."""
    days = (pd.to_datetime(refs) - pd.to_datetime(created)).dt.days.to_numpy(dtype="float64")
    months = np.clip(days / MONTH_DAYS, 1.0, None)
    out = features.copy()
    for name in [n for n in COUNTS if n in out]:
        window = np.minimum(months, 12.0) if name == "orders_last_year" else months
        out[name] = out[name].to_numpy() / window
    return out.rename(columns={n: f"{n}_per_month" for n in COUNTS if n in out})


def label_table(customers: pd.DataFrame, as_of: pd.Timestamp, target: str, source: SourceLike,
                present: set[str], horizon_days: int = HORIZON_DAYS) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """(customers kept, their label 0/1, their reference date) for ``churn`` or ``response``.

    churn: the customer's ``churned`` (empty counts as not churned); with churn dates a time
    split (``time_split``), without them every customer at the data's last day. response: whether the
    customer answered their last dated campaign contact; reference date that contact's date."""
    if target == "churn":
        if "churned" not in customers or customers["churned"].isna().all():
            raise InputError("churn needs the customers' churned field",
                             [Problem("customers.churned", "not mapped", key="analytics.err.not_mapped")],
                             hint="map the churn column (yes/no) as churned", key="analytics.err.no_churned",
                             hint_key="analytics.err.no_churned_hint")
        label = customers["churned"].astype("boolean").fillna(False).astype("int64")
        churned_at = pd.to_datetime(customers.get("churned_at", pd.Series(pd.NaT, index=customers.index)))
        if churned_at[label.eq(1)].notna().any():
            return time_split(customers, label, churned_at, as_of, horizon_days)
        refs = pd.Series(as_of, index=customers.index).astype("datetime64[us]")
        return customers, label, refs
    if target != "response":
        raise InputError(f"unknown target {target!r}", [Problem("target", target)], hint="churn or response",
                         key="analytics.err.target", hint_key="analytics.err.target_hint", values={"target": target})
    if "campaign_contacts" not in present:
        raise InputError("response needs campaign contacts",
                         [Problem("campaign_contacts", "no such table", key="analytics.err.no_table")],
                         key="analytics.err.no_contacts")
    src = as_source(source)
    with src.open(only={"campaign_contacts"}, typed=True) as q:
        last = q.run("""SELECT CAST(customer_id AS VARCHAR) AS customer_id, max(contacted_at) AS ref,
                               CAST(arg_max(CAST(responded AS INTEGER), contacted_at) AS BIGINT) AS label
                        FROM campaign_contacts WHERE customer_id IS NOT NULL AND contacted_at IS NOT NULL
                          AND responded IS NOT NULL GROUP BY 1""")
    if last.empty:
        raise InputError("no campaign contact names a customer and a date",
                         [Problem("campaign_contacts", "customer_id and contacted_at are empty in every row",
                                  key="analytics.err.contacts_undated_rows")], key="analytics.err.contacts_undated")
    last["customer_id"] = last["customer_id"].astype("string")
    kept = customers.merge(last, on="customer_id", how="inner")
    return (kept.drop(columns=["ref", "label"]), kept["label"].astype("int64"),
            pd.to_datetime(kept["ref"]).astype("datetime64[us]"))


def time_split(customers: pd.DataFrame, label: pd.Series, churned_at: pd.Series, as_of: pd.Timestamp,
               horizon_days: int = HORIZON_DAYS) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Churn with dates: everyone is seen at one cut-off ``horizon_days`` before the data's last
    day (``check_horizon``: positive and shorter than the data's span); the customers still there
    then (created before it, not churned before it) are kept and the label is "churned after the
    cut-off". One common reference date, so no customer's window
    ends at their own churn (a churned customer without a date cannot be placed and is left out)."""
    created = pd.to_datetime(customers.get("created_at", pd.Series(pd.NaT, index=customers.index)))
    first = pd.concat([created, churned_at]).min()
    check_horizon(horizon_days, (as_of - first).days if not pd.isna(first) else None)
    cut = as_of - pd.Timedelta(days=horizon_days)
    placed = label.eq(0) | churned_at.notna()
    alive = placed & ~(created >= cut) & ~(churned_at < cut)
    kept = customers[alive]
    refs = pd.Series(cut, index=kept.index).astype("datetime64[us]")
    return kept, label[alive], refs  # a kept churner churned after the cut-off


def check_horizon(days, span_days: int | None = None) -> int:
    """The churn horizon in days: a whole number above 0 and, where the data's span (first creation
    or churn to the last day) is known, shorter than it; else a located ``InputError``."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise InputError(f"horizon {days!r}: expected a whole number of days above 0",
                         [Problem("horizon_days", str(days))], key="analytics.horizon.positive",
                         values={"days": str(days)}, hint="e.g. 180", hint_key="analytics.horizon.hint")
    if span_days is not None and days >= span_days:
        raise InputError(f"horizon {days} days: the data spans only {span_days} days",
                         [Problem("horizon_days", str(days))], key="analytics.horizon.span",
                         values={"days": str(days), "span": str(span_days)},
                         hint="choose a horizon shorter than the data's span", hint_key="analytics.horizon.span_hint")
    return days


def feature_table(source: SourceLike, target: str, horizon_days: int = HORIZON_DAYS
                  ) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """(customers with their segment fields, features, labels) for ``target``; ``horizon_days``: the
    churn time split's distance of the cut-off from the data's last day."""
    customers, as_of, present = read_customers(source)
    customers, label, refs = label_table(customers, as_of, target, source, present, horizon_days)
    customers, features = build(source, customers, refs, present, target)
    return customers, features, label.to_numpy()


def current_table(source: SourceLike, columns: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Churn with dates (a time split): the customers not churned today, their features at the data's
    last day in the columns (and categories) of ``columns``, to be scored by a model of the split;
    None without churn dates (the out-of-fold scores are then already today's)."""
    customers, as_of, present = read_customers(source)
    churned = customers["churned"].astype("boolean").fillna(False) if "churned" in customers else None
    dated = customers.get("churned_at", pd.Series(pd.NaT, index=customers.index))
    if churned is None or not pd.to_datetime(dated)[churned].notna().any():
        return None
    stay = customers[~churned].reset_index(drop=True)
    refs = pd.Series(as_of, index=stay.index).astype("datetime64[us]")
    stay, features = build(source, stay, refs, present, "churn")
    aligned = features.reindex(columns=columns.columns)
    for name in columns.select_dtypes("category").columns:
        aligned[name] = pd.Categorical(aligned[name].astype("string"), categories=columns[name].cat.categories)
    return stay, aligned.astype({c: "float64" for c in columns.columns if columns[c].dtype == "float64"})


def build(source: SourceLike, customers: pd.DataFrame, refs: pd.Series, present: set[str],
          target: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(customers, features) at each customer's reference date ``refs``."""
    customers = customers.reset_index(drop=True)
    refs = refs.reset_index(drop=True)
    exclude = ("lifecycle_stage",) if target == "churn" else ()  # a stage "lost" is the churn itself
    attrs = attributes(customers, refs, exclude)
    frame = pd.DataFrame({"customer_id": customers["customer_id"], "ref": refs})
    if "created_at" in customers and customers["created_at"].notna().any():
        frame["created"] = pd.to_datetime(customers["created_at"]).astype("datetime64[us]")
    acts = behaviour(source, frame, present)
    features = pd.concat([attrs.reset_index(drop=True), acts.reset_index(drop=True)], axis=1)
    if features.shape[1] == 0:
        raise InputError("no feature to learn from",
                         [Problem("customers", "no attribute, kept column or behaviour", key="analytics.err.no_feature_row")],
                         hint="map segment/region or keep: columns, or add orders, tickets, contacts",
                         key="analytics.err.no_feature", hint_key="analytics.err.no_feature_hint")
    return customers, features
