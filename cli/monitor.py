"""``python cli.py monitor``: alerts on the scorecard KPIs of a dataset (analytics.monitoring), for cron,
watched as ``config/alerts.yaml`` declares for the scorecard."""
from __future__ import annotations

import argparse
import json
import sys

FORMATS = ("json", "csv", "table")
COLUMNS = ["kpi", "period", "kind", "slice", "value", "expected", "lower", "upper"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser("monitor", help="list alerts (red, turned red, trend break) on a dataset")
    cmd.add_argument("--data", required=True, help="manifest YAML or directory of canonical files")
    cmd.add_argument("--scorecard", default="crm_default", help="scorecard id or YAML path")
    cmd.add_argument("--period", help="period to check, e.g. 2025-12 (default: the latest)")
    cmd.add_argument("--every", choices=("month", "quarter"), help="period length of the trend-break check "
                     "(default: config/alerts.yaml, else month)")
    cmd.add_argument("--rules", help="alert rules YAML to use instead of config/alerts.yaml (checked the same way)")
    cmd.add_argument("--fail-on-alert", action="store_true", help="exit 1 when there is an alert")
    cmd.add_argument("--format", choices=FORMATS, default="json")
    cmd.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from analytics.monitoring import alerts, slice_text
    from core.query import Period
    from cli.files import read_valid
    from definitions import shipped
    from scorecards.loader import find_scorecard
    from services.alert_feed import rules_file

    card = find_scorecard(args.scorecard)
    if args.period:
        Period.parse(args.period)          # a located InputError for a malformed label
    table = rules_file(args.rules) if args.rules else shipped().alert_rules   # else config/alerts.yaml
    result = read_valid(args.data)
    if result is None:
        return 2
    rules = table.for_card(card.id)
    found = [a.as_dict() for a in alerts(result.frames, card, rules, period=args.period, granularity=args.every)]
    if args.format == "json":
        print(json.dumps(found, ensure_ascii=False, indent=1))
    else:
        out = pd.DataFrame(found, columns=COLUMNS)
        out["slice"] = out["slice"].map(slice_text)
        if args.format == "csv":
            from core.cells import csv_text

            sys.stdout.write(csv_text(out))
        else:
            print(out.to_string(index=False))
    return 1 if args.fail_on_alert and found else 0

