"""A telco-shaped churn export (the columns of IBM's public "Telco Customer Churn" sample), generated.

The public CSV could not be fetched here in a few calls (no network but package registries), so
this generator writes a table of the same shape with relations of the kind reported for it:
month-to-month contracts, short tenure, fibre internet, electronic-check payment and high monthly
charges raise churn; partners, dependents and long contracts lower it; gender does nothing; plus
a customer-level random effect so the table is noisy (about 26 % churners, like the original).
``write(folder, n)`` writes ``telco.csv`` and a manifest that maps it: ``customerID`` ->
customer_id, ``Churn`` -> churned, every attribute as a ``keep:`` column.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

KEEP = ["gender", "SeniorCitizen", "Partner", "Dependents", "tenure", "PhoneService", "InternetService",
        "Contract", "PaperlessBilling", "PaymentMethod", "MonthlyCharges", "TotalCharges"]
MANIFEST = """customers:
  file: telco.csv
  columns: {customer_id: customerID, churned: Churn}
  keep: [%s]
""" % ", ".join(KEEP)


def generate(n: int, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    contract = rng.choice(["Month-to-month", "One year", "Two year"], n, p=[0.55, 0.21, 0.24])
    tenure = np.where(contract == "Month-to-month", rng.integers(0, 40, n), rng.integers(0, 73, n))
    internet = rng.choice(["Fiber optic", "DSL", "No"], n, p=[0.44, 0.34, 0.22])
    payment = rng.choice(["Electronic check", "Mailed check", "Bank transfer (automatic)",
                          "Credit card (automatic)"], n, p=[0.34, 0.23, 0.22, 0.21])
    senior, partner, dependents = rng.random(n) < 0.16, rng.random(n) < 0.48, rng.random(n) < 0.30
    paperless = rng.random(n) < 0.59
    monthly = (np.select([internet == "Fiber optic", internet == "DSL"], [80.0, 55.0], 22.0)
               + rng.normal(0, 12, n)).clip(18, 119).round(2)
    logit = (-1.4 + 1.5 * (contract == "Month-to-month") - 1.2 * (contract == "Two year")
             - 0.045 * tenure + 0.9 * (internet == "Fiber optic") - 0.6 * (internet == "No")
             + 0.6 * (payment == "Electronic check") + 0.012 * (monthly - 65) + 0.35 * senior
             - 0.25 * partner - 0.3 * dependents + 0.3 * paperless + rng.normal(0, 0.6, n))
    churn = rng.random(n) < 1 / (1 + np.exp(-logit))
    total = (monthly * tenure * rng.uniform(0.95, 1.05, n)).round(2)
    yes = np.array(["No", "Yes"])
    return pd.DataFrame({
        "customerID": [f"{i:04d}-{c}" for i, c in zip(range(n), rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ"), n))],
        "gender": rng.choice(["Female", "Male"], n), "SeniorCitizen": senior.astype(int),
        "Partner": yes[partner.astype(int)], "Dependents": yes[dependents.astype(int)], "tenure": tenure,
        "PhoneService": yes[(rng.random(n) < 0.9).astype(int)], "InternetService": internet,
        "Contract": contract, "PaperlessBilling": yes[paperless.astype(int)], "PaymentMethod": payment,
        "MonthlyCharges": monthly, "TotalCharges": np.where(tenure == 0, " ", total.astype(str)),
        "Churn": yes[churn.astype(int)]})


def write(folder: Path, n: int, seed: int = 11) -> Path:
    """telco.csv and manifest.yaml in ``folder``; returns the manifest's path."""
    folder.mkdir(parents=True, exist_ok=True)
    generate(n, seed).to_csv(folder / "telco.csv", index=False)
    (folder / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    return folder / "manifest.yaml"
