"""Scoring benchmark: fit the churn model on a sample, score a million telco-shaped customers.

``python -m benchmarks.propensity_bench [--customers 1000000] [--sample 50000]``: generates the
table (``benchmarks.telco``), builds the attribute features of all rows, fits the one model
(``analytics.propensity.fit``) on a random sample and scores every row in one vectorised
``predict_proba``; prints the seconds of each step and the AUC of the scores on the rows the
model did not see.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from analytics.features import attributes
from analytics.propensity import fit
from benchmarks import telco


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=50_000)
    args = parser.parse_args(argv)
    seconds = {}
    start = time.perf_counter()
    table = telco.generate(args.customers, seed=3).rename(columns={"customerID": "customer_id"})
    label = (table.pop("Churn") == "Yes").to_numpy(dtype="int64")
    seconds["generate"] = time.perf_counter() - start
    start = time.perf_counter()
    features = attributes(table, pd.Series(pd.Timestamp("2026-12-04"), index=table.index))
    seconds["features"] = time.perf_counter() - start
    rows = np.random.default_rng(0).choice(len(table), args.sample, replace=False)
    start = time.perf_counter()
    model = fit(features.iloc[rows], label[rows])
    seconds["fit"] = time.perf_counter() - start
    start = time.perf_counter()
    scores = model.predict_proba(features)[:, 1]
    seconds["score"] = time.perf_counter() - start
    unseen = np.ones(len(table), bool)
    unseen[rows] = False
    print(f"customers {args.customers}, fitted on {args.sample}, {features.shape[1]} features")
    for step, value in seconds.items():
        print(f"{step:9} {value:7.1f} s")
    print(f"scored    {len(scores) / seconds['score']:,.0f} customers/s; "
          f"AUC on the unseen rows {roc_auc_score(label[unseen], scores[unseen]):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
