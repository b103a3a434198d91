"""``python cli.py forecast``: the next periods of a KPI with an 80 % interval (analytics.forecast)."""
from __future__ import annotations

import argparse
import json
import sys

FORMATS = ("json", "csv", "table")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser("forecast", help="forecast KPIs for the next 1-12 periods")
    cmd.add_argument("--data", required=True, help="manifest YAML or directory of canonical files")
    cmd.add_argument("--kpi", required=True, help="ID[,ID...]")
    cmd.add_argument("--period", choices=("month", "quarter"), default="month")
    cmd.add_argument("--horizon", type=int, default=3, help="periods ahead, 1..12")
    cmd.add_argument("--to", dest="last", help="last period used for fitting, e.g. 2024-06 (default: the last)")
    cmd.add_argument("--format", choices=FORMATS, default="json")
    cmd.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from analytics.forecast import MAX_HORIZON, forecast_table
    from core.errors import InputError, Problem
    from cli.files import read_valid
    from kpis.engine import compute, resolve_kpis

    if not 1 <= args.horizon <= MAX_HORIZON:
        raise InputError(f"--horizon {args.horizon} is outside 1..{MAX_HORIZON}",
                         [Problem("--horizon", str(args.horizon))])
    kpis = resolve_kpis([k.strip() for k in args.kpi.split(",") if k.strip()])
    result = read_valid(args.data)
    if result is None:
        return 2
    table = compute(result.frames, [k.id for k in kpis], period=args.period)
    parts = []
    for kpi in kpis:
        own = table[(table["kpi"] == kpi.id) & table["value"].notna()]
        if len(own) < 2:
            raise InputError(f"{kpi.id}: fewer than 2 {args.period}s with a value", [Problem("--kpi", kpi.id)])
        try:
            rows, _ = forecast_table(own, args.period, args.horizon, args.last, ratio=kpi.unit.value == "ratio")
        except ValueError as exc:
            raise InputError(f"--to {args.last}: {exc}", [Problem("--to", str(args.last))]) from None
        parts.append(rows.assign(kpi=kpi.id))
    out = pd.concat(parts)[["kpi", "period", "value", "lower", "upper", "method"]]
    if args.format == "json":
        print(json.dumps(out.to_dict("records"), ensure_ascii=False, indent=1))
    elif args.format == "csv":
        from core.cells import csv_text

        sys.stdout.write(csv_text(out))
    else:
        print(out.to_string(index=False))
    return 0
