"""``python cli.py lifecycle``: the lifecycle views on a dataset, as JSON, CSV or a text table.

    cli.py lifecycle --data PATH --view funnel|stages|cohorts|channels|segments|sales|clv
                     [--period month|quarter|year] [--from 2024-01-01] [--to 2024-04-01]
                     [--channel web] [--segment A] [--region Nord] [--campaign C1] [--by segment]
                     [--format json|csv|table]

Only argparse here; pandas, DuckDB and the dataset reader (cli.files.read_valid) are imported when the
command runs. The views themselves are ``lifecycle.views.compute_view``.
"""
from __future__ import annotations

import argparse
import sys

VIEWS = ("funnel", "stages", "cohorts", "channels", "segments", "sales", "clv")  # lifecycle.views.VIEWS (tested)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("lifecycle", help="customer-lifecycle views: funnel, cohorts, channels, CLV",
                              description="Print a customer-lifecycle view of a dataset.")
    p.add_argument("--data", required=True,
                   help="dataset: a manifest .yaml, a folder of entity files, or one entity file")
    p.add_argument("--view", required=True, choices=VIEWS)
    p.add_argument("--period", default="month", choices=("month", "quarter", "year"), help="period granularity")
    p.add_argument("--from", dest="start", help="first day, inclusive (YYYY-MM-DD or DD.MM.YYYY)")
    p.add_argument("--to", dest="end", help="last day, exclusive (YYYY-MM-DD or DD.MM.YYYY)")
    for dim, flag in (("channel", "--channel"), ("segment", "--segment"), ("region", "--region"),
                      ("campaign_id", "--campaign")):
        p.add_argument(flag, dest=dim, action="append", help=f"keep only this {dim} (repeatable)")
    p.add_argument("--by", default="acquisition_channel", choices=("acquisition_channel", "segment", "region"),
                   help="grouping of the clv view")
    p.add_argument("--format", default="table", choices=("json", "csv", "table"))
    p.set_defaults(func=run)


def parse_day(text: str | None, flag: str):
    from datetime import datetime

    from core.errors import InputError

    if text is None:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise InputError(f"{flag}: {text!r} is not a date", hint="use YYYY-MM-DD or DD.MM.YYYY")


def render(frame, fmt: str) -> str:
    if fmt == "json":
        return frame.to_json(orient="records", force_ascii=False, date_format="iso", double_precision=10)
    if fmt == "csv":
        from core.cells import csv_text

        return csv_text(frame)
    return frame.to_string(index=False) if len(frame) else "(no rows)"


def run(args: argparse.Namespace) -> int:
    from core.errors import InputError
    from core.query import Filters

    start, end = parse_day(args.start, "--from"), parse_day(args.end, "--to")
    if start and end and start >= end:
        raise InputError(f"--from {start} is not before --to {end}", hint="--to is exclusive")
    filters = Filters.of(start, end, channel=args.channel, segment=args.segment, region=args.region,
                         campaign_id=args.campaign_id)
    from cli.files import read_valid  # only now: bad arguments fail fast
    from lifecycle.views import compute_view

    dataset = read_valid(args.data)
    if dataset is None:
        return 2
    source = dataset.frames
    frame = compute_view(source, args.view, filters, args.period, args.by)
    text = render(frame, args.format)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
