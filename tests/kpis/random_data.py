"""A seeded random canonical dataset (all seven entities, canonical dtypes) for engine-vs-reference tests."""
from __future__ import annotations

import numpy as np
import pandas as pd

CHANNELS = ["web", "email", "store", "phone"]


def _dates(rng: np.random.Generator, n: int, start: str = "2023-01-01", days: int = 730,
           nulls: float = 0.05) -> pd.Series:
    base = np.datetime64(start, "s") + rng.integers(0, days * 86400, n).astype("timedelta64[s]")
    s = pd.Series(base.astype("datetime64[us]"))
    return s.mask(rng.random(n) < nulls)


def _cat(rng: np.random.Generator, values: list[str], n: int, nulls: float = 0.03) -> pd.Series:
    s = pd.Series(rng.choice(values, n), dtype="string")
    return s.mask(rng.random(n) < nulls)


def _bool(rng: np.random.Generator, p: float, n: int, nulls: float = 0.03) -> pd.Series:
    s = pd.Series(rng.random(n) < p, dtype="boolean")
    return s.mask(rng.random(n) < nulls)


def _num(values: np.ndarray, rng: np.random.Generator, nulls: float = 0.03) -> pd.Series:
    s = pd.Series(values.astype("float64"))
    return s.mask(rng.random(len(s)) < nulls)


def random_dataset(n: int = 3000, seed: int = 7) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    nc = max(n // 5, 10)
    ids = pd.Series([f"C{i:05d}" for i in range(nc)], dtype="string")
    created = _dates(rng, nc, "2022-06-01", 900)
    churned = _bool(rng, 0.3, nc)
    churned_at = (created + pd.to_timedelta(rng.integers(1, 500, nc), unit="D")).where(churned.fillna(False))
    churned_at = churned_at.mask(rng.random(nc) < 0.05)
    customers = pd.DataFrame({
        "customer_id": ids, "name": pd.Series([f"Kunde {i}" for i in range(nc)], dtype="string"),
        "segment": _cat(rng, ["A", "B", "C"], nc), "region": _cat(rng, ["Nord", "Süd", "West"], nc),
        "acquisition_channel": _cat(rng, CHANNELS, nc), "lifecycle_stage": _cat(rng, ["lead", "active"], nc),
        "created_at": created, "churned": churned, "churned_at": churned_at})

    def cust(m: int) -> pd.Series:
        return pd.Series(ids.to_numpy()[rng.integers(0, nc, m)], dtype="string").mask(rng.random(m) < 0.03)

    campaigns = pd.DataFrame({
        "campaign_id": pd.Series([f"K{i}" for i in range(5)], dtype="string"),
        "name": pd.Series([f"Kampagne {i}" for i in range(5)], dtype="string"),
        "channel": pd.Series(CHANNELS + ["web"], dtype="string"),
        "start_date": _dates(rng, 5, nulls=0), "end_date": _dates(rng, 5, nulls=0),
        "cost": pd.Series(rng.integers(1000, 9000, 5).astype("float64"))})
    contacts = pd.DataFrame({
        "channel": _cat(rng, CHANNELS, n, 0), "responded": _bool(rng, 0.12, n),
        "campaign_id": _cat(rng, [f"K{i}" for i in range(5)], n), "customer_id": cust(n),
        "contacted_at": _dates(rng, n), "converted": _bool(rng, 0.04, n),
        "cost": _num(rng.integers(1, 5, n) * 0.5, rng)})
    opp_created = _dates(rng, n)
    won = _bool(rng, 0.4, n, nulls=0.25)
    opportunities = pd.DataFrame({
        "opportunity_id": pd.Series([f"O{i}" for i in range(n)], dtype="string"),
        "stage": _cat(rng, ["qualify", "propose", "closed"], n, 0), "customer_id": cust(n),
        "source_channel": _cat(rng, CHANNELS, n),
        "created_at": opp_created,
        "closed_at": (opp_created + pd.to_timedelta(rng.integers(0, 200 * 24, n), unit="h")).where(won.notna()),
        "amount": _num(rng.gamma(2.0, 2000.0, n).round(2), rng), "won": won})
    orders = pd.DataFrame({
        "channel": _cat(rng, CHANNELS, n, 0), "product": _cat(rng, ["P1", "P2", "P3", "P4"], n, 0),
        "order_id": pd.Series([f"A{i}" for i in range(n)], dtype="string"), "customer_id": cust(n),
        "order_date": _dates(rng, n, "2023-01-01", 900), "product_category": _cat(rng, ["X", "Y", "Z"], n),
        "quantity": _num(rng.integers(1, 5, n), rng), "revenue": _num(rng.gamma(2.0, 50.0, n).round(2), rng)})
    opened = _dates(rng, n, nulls=0)
    tickets = pd.DataFrame({
        "ticket_id": pd.Series([f"T{i}" for i in range(n)], dtype="string"), "opened_at": opened,
        "customer_id": cust(n), "channel": _cat(rng, CHANNELS, n),
        "resolved_at": (opened + pd.to_timedelta(rng.integers(1, 300, n), unit="h")).mask(rng.random(n) < 0.1),
        "type": _cat(rng, ["complaint", "request", "incident"], n), "cost": _num(rng.integers(5, 50, n), rng),
        "first_contact_resolution": _bool(rng, 0.6, n), "satisfaction": _num(rng.integers(1, 6, n), rng)})
    kind = _cat(rng, ["nps", "csat"], n)
    score = np.where(kind.fillna("nps") == "nps", rng.integers(0, 11, n), rng.integers(1, 6, n))
    surveys = pd.DataFrame({"score": pd.Series(score.astype("float64")), "customer_id": cust(n),
                            "answered_at": _dates(rng, n), "kind": kind})
    return {"customers": customers, "campaigns": campaigns, "campaign_contacts": contacts,
            "opportunities": opportunities, "orders": orders, "service_tickets": tickets, "surveys": surveys}
