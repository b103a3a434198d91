"""``python cli.py channels plan``: expected value of one contact per group and channel."""
from __future__ import annotations

import argparse
import json
import math
import sys

FORMATS = ("json", "table", "csv")
COLUMNS = ["channel", "contacts", "expected_value_per_contact", "lower", "upper", "recommended", "break_even_cost"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser("channels", help="the channel plan: which group is worth which channel")
    sub = cmd.add_subparsers(dest="channels_command", metavar="ACTION", required=True)
    pl = sub.add_parser("plan", help="expected value per contact, interval and recommended channel")
    pl.add_argument("--data", required=True, help="manifest YAML or directory of canonical files")
    pl.add_argument("--by", default="segment", help="FIELD[,FIELD]: segment, region, value_band ...")
    pl.add_argument("--cost", action="append", default=[], metavar="CHANNEL=EUR",
                    help="cost of one contact on a channel, overrides the data (repeatable)")
    pl.add_argument("--format", choices=FORMATS, default="json")
    pl.set_defaults(func=run)


def costs(items: list[str]) -> dict[str, float]:
    from core.errors import InputError, Problem

    out = {}
    for item in items:
        name, _, value = (part.strip() for part in item.partition("="))
        try:
            cost = float(value.replace(",", "."))
        except ValueError:
            cost = math.nan
        if not name or not math.isfinite(cost) or cost < 0:
            raise InputError(f"--cost {item!r} is not CHANNEL=EUR with a cost of 0 or more", [Problem("--cost", item)],
                             hint="e.g. --cost phone=4.5")
        out[name] = cost
    return out


def run(args: argparse.Namespace) -> int:
    from analytics.channels import plan
    from cli.files import read_valid
    from core.cells import csv_text

    given = costs(args.cost)
    data = read_valid(args.data)
    if data is None:
        return 2
    by = tuple(b.strip() for b in args.by.split(",") if b.strip())
    result = plan(data.frames, by=by, costs=given)
    rows = result.plan[[*result.by, *COLUMNS]]
    if args.format == "json":
        print(rows.to_json(orient="records", force_ascii=False, indent=1))
    elif args.format == "csv":
        sys.stdout.write(csv_text(rows))
    else:
        print(rows.to_string(index=False))
    return 0
