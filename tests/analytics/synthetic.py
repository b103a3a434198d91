"""Generated canonical frames with a known answer, for the propensity and channel-plan tests."""
from __future__ import annotations

import numpy as np
import pandas as pd

START = pd.Timestamp("2025-01-01")


def churn_frames(n: int = 600, seed: int = 1) -> dict[str, pd.DataFrame]:
    """Customers whose churn depends on complaints and order recency (plus noise)."""
    rng = np.random.default_rng(seed)
    ids = [f"C{i:05d}" for i in range(n)]
    complaints = rng.poisson(0.6, n)
    recency = rng.integers(5, 300, n)
    logit = -2.2 + 1.1 * complaints + 0.008 * recency + rng.normal(0, 0.7, n)
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    customers = pd.DataFrame({
        "customer_id": ids, "segment": rng.choice(["private", "business"], n),
        "created_at": START - pd.to_timedelta(rng.integers(100, 900, n), unit="D"),
        "churned": churned, "churned_at": pd.NaT, "contract": rng.choice(["monthly", "yearly"], n)})
    as_of = START + pd.Timedelta(days=365)
    orders = pd.DataFrame({"order_id": [f"O{i}" for i in range(n)], "customer_id": ids,
                           "order_date": as_of - pd.to_timedelta(recency, unit="D"),
                           "revenue": rng.gamma(2, 50, n).round(2), "channel": "web", "product": "p"})
    rows = [(cid, as_of - pd.Timedelta(days=int(d)))
            for cid, k in zip(ids, complaints) for d in rng.integers(10, 300, k)]
    tickets = pd.DataFrame({"ticket_id": [f"T{i}" for i in range(len(rows))],
                            "customer_id": [r[0] for r in rows], "opened_at": [r[1] for r in rows],
                            "type": "complaint"})
    return {"customers": customers, "orders": orders, "service_tickets": tickets}


def channel_frames(seed: int = 3, per_cell: int = 2000) -> dict[str, pd.DataFrame]:
    """Segment A: phone converts often and A's orders are worth much; segment B: e-mail answers
    far better than phone and B's orders are small. Costs per contact sit in the contacts."""
    rng = np.random.default_rng(seed)
    rates = {("A", "phone"): 0.10, ("A", "email"): 0.01, ("B", "phone"): 0.01, ("B", "email"): 0.04}
    costs = {"phone": 5.0, "email": 0.10}
    values = {"A": 500.0, "B": 40.0}
    customers, contacts, orders = [], [], []
    for segment in ("A", "B"):
        ids = [f"{segment}{i:05d}" for i in range(per_cell)]
        customers += [{"customer_id": c, "segment": segment} for c in ids]
        orders += [{"order_id": f"O{c}", "customer_id": c, "order_date": START, "channel": "web",
                    "product": "p", "revenue": values[segment] * rng.uniform(0.8, 1.2)} for c in ids[:400]]
        for channel in ("phone", "email"):
            hit = rng.random(per_cell) < rates[segment, channel]
            contacts += [{"customer_id": c, "channel": channel, "responded": bool(h), "converted": bool(h),
                          "contacted_at": START + pd.Timedelta(days=30), "cost": costs[channel]}
                         for c, h in zip(ids, hit)]
    return {"customers": pd.DataFrame(customers), "campaign_contacts": pd.DataFrame(contacts),
            "orders": pd.DataFrame(orders)}


def response_drop(drop_channel: str | None = "email", months: int = 12, per_month: int = 400,
                  seed: int = 7) -> dict[str, pd.DataFrame]:
    """Must-show 1 of issue 11: campaign contacts in three channels answering a steady 20 %, spread
    over every day of each month (so the last month is complete); ``drop_channel`` answers 3 % in
    the last month. Customers in two segments, so the segment slice exists too."""
    rng = np.random.default_rng(seed)
    rows = []
    for m in range(months):
        first = START + pd.DateOffset(months=m)
        days = (first + pd.DateOffset(months=1) - first).days
        for channel in ("email", "phone", "letter"):
            rate = 0.03 if channel == drop_channel and m == months - 1 else 0.2
            rows.append(pd.DataFrame({
                "customer_id": [f"K{i:05d}" for i in rng.integers(0, 2000, per_month)], "channel": channel,
                "responded": rng.random(per_month) < rate,
                "contacted_at": first + pd.to_timedelta(rng.integers(0, days, per_month), unit="D")}))
    contacts = pd.concat(rows, ignore_index=True)
    customers = pd.DataFrame({"customer_id": [f"K{i:05d}" for i in range(2000)],
                              "segment": np.where(np.arange(2000) % 2 == 0, "private", "business"),
                              "created_at": START - pd.Timedelta(days=400)})
    return {"campaign_contacts": contacts, "customers": customers}


def write_canonical(frames: dict[str, pd.DataFrame], folder) -> None:
    """The frames as canonical CSV files (``<entity>.csv``, ISO dates) in ``folder``, for an import."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        out = frame.copy()
        for col in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[col]):
                out[col] = out[col].dt.strftime("%Y-%m-%d")
        out.to_csv(folder / f"{name}.csv", index=False)


def one_kpi_card(granularity: str, green: str, amber: str) -> str:
    """A scorecard YAML with campaign_response_rate alone (``green``/``amber`` may be ``%s`` to fill later)."""
    return f"""
id: mon_test
name: {{de: Test, en: Test}}
granularity: {granularity}
perspectives: [{{id: customer, name: {{de: Kunden, en: Customer}}, weight: 1}}]
objectives:
  - id: respond
    name: {{de: Reaktion, en: Response}}
    perspective: customer
    weight: 1
    causes: []
    kpis:
      - {{kpi: campaign_response_rate, target: 0.3, thresholds: {{green: {green}, amber: {amber}}},
         direction: higher_is_better}}
"""
