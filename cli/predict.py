"""``python cli.py predict churn|response``: out-of-fold propensity scores per customer."""
from __future__ import annotations

import argparse
import json
import sys

FORMATS = ("json", "table")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser("predict", help="churn or response propensity per customer (out of fold)")
    cmd.add_argument("target", choices=("churn", "response"))
    cmd.add_argument("--data", required=True, help="manifest YAML or directory of canonical files")
    cmd.add_argument("--out", required=True, help="CSV file for the scores (customer_id, score, segment fields); "
                     "for churn with churn dates those of today's customers (see docs/analytics.md)")
    cmd.add_argument("--horizon-days", type=int, default=None, help="churn with churn dates: the model learns at a "
                     "cut-off this many days before the data's last day, who churns after it (default 180; "
                     "above 0, shorter than the data's span)")
    cmd.add_argument("--format", choices=FORMATS, default="json", help="how the quality metrics are printed")
    cmd.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from analytics.features import HORIZON_DAYS, check_horizon
    from analytics.propensity import predict
    from cli.files import read_valid
    from core.cells import csv_text

    horizon = check_horizon(HORIZON_DAYS if args.horizon_days is None else args.horizon_days)
    data = read_valid(args.data)
    if data is None:
        return 2
    result = predict(data.frames, args.target, horizon_days=horizon)
    scores = result.scores if result.current is None else result.current
    Path(args.out).write_text(csv_text(scores.drop(columns="label")), encoding="utf-8")
    written = "out_of_fold" if result.current is None else "today_by_cut_off_model"
    quality = {**result.quality, "scores_written": written, "drivers": result.drivers.head(10).to_dict("records")}
    if args.format == "json":
        print(json.dumps(quality, ensure_ascii=False, indent=1))
    else:
        for key in ("target", "customers", "positives", "auc", "brier", "brier_base", "horizon_days", "method"):
            print(f"{key:12} {quality[key]}")
        print(result.drivers.head(10).to_string(index=False))
    return 0
