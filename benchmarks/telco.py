"""A telco-shaped churn export (the columns of IBM's public "Telco Customer Churn" sample), generated.

The real public CSV is mapped by ``telco_manifest.yaml`` (``python -m benchmarks.telco FOLDER``
copies it next to the CSV in FOLDER); for tests this generator writes a table of the same
shape with relations of the kind reported for it:
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
SERVICES = ["OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport", "StreamingTV", "StreamingMovies"]
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
    phone = rng.random(n) < 0.9
    services = {name: np.where(internet == "No", "No internet service", yes[(rng.random(n) < 0.4).astype(int)])
                for name in SERVICES}
    lines = np.where(phone, yes[(rng.random(n) < 0.45).astype(int)], "No phone service")
    return pd.DataFrame({
        "customerID": [f"{i:04d}-{c}" for i, c in zip(range(n), rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ"), n))],
        "gender": rng.choice(["Female", "Male"], n), "SeniorCitizen": senior.astype(int),
        "Partner": yes[partner.astype(int)], "Dependents": yes[dependents.astype(int)], "tenure": tenure,
        "PhoneService": yes[phone.astype(int)], "MultipleLines": lines, "InternetService": internet, **services,
        "Contract": contract, "PaperlessBilling": yes[paperless.astype(int)], "PaymentMethod": payment,
        "MonthlyCharges": monthly, "TotalCharges": np.where(tenure == 0, " ", total.astype(str)),
        "Churn": yes[churn.astype(int)]})


REAL_MANIFEST = Path(__file__).with_name("telco_manifest.yaml")


def place_manifest(folder: Path) -> Path:
    """Copy the real table's manifest into ``folder`` (where the downloaded CSV lies)."""
    target = Path(folder) / "manifest.yaml"
    target.write_text(REAL_MANIFEST.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def write(folder: Path, n: int, seed: int = 11) -> Path:
    """telco.csv and manifest.yaml in ``folder``; returns the manifest's path."""
    folder.mkdir(parents=True, exist_ok=True)
    generate(n, seed).to_csv(folder / "telco.csv", index=False)
    (folder / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    return folder / "manifest.yaml"


if __name__ == "__main__":
    import sys

    print(place_manifest(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/telco")))
