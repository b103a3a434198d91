"""The command line: ``python cli.py --help`` (``cli.py`` beside this package only calls ``main``).

One module per command group. Each defines ``add_parser(subparsers)`` (argparse only, so
``--help`` stays fast) and sets ``func`` on its parser(s) to a handler ``(args) -> int`` that
imports what it needs when it runs. This package is the one lazily importing layer of the
code base: everywhere else imports sit at module level, and nothing outside it imports ``cli``.

Exit codes: 0 success; 2 bad input (file, field and row named on stderr); 3 storage failure;
4 permission denied; 1 an unexpected error (a bug: please report it with the traceback).
"""
from __future__ import annotations

import argparse
import sys

from cli import admin, assess, channels, data, forecast, kpi, lifecycle, monitor, predict, report, scorecard

# command groups, in the order --help lists them
GROUPS = (
    data,        # demo-data, import, datasets
    kpi,         # kpi list | compute
    forecast,    # forecast
    monitor,     # monitor (alerts)
    predict,     # predict churn | response
    channels,    # channels plan
    assess,      # assess validate | template | score
    scorecard,   # scorecard
    lifecycle,   # lifecycle
    report,      # report, questionnaire export | import
    admin,       # db, client, user
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cli.py",
        description="CRM cockpit on the command line: demo data, import, KPIs, maturity assessment, "
                    "scorecard, reports.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in GROUPS:
        group.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0 if not argv and argv is not None else 2
    from core.errors import CockpitError

    try:
        return int(func(args) or 0)
    except CockpitError as exc:
        print(f"error: {exc.describe()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
