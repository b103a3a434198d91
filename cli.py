"""The command line: ``python cli.py --help``.

Subcommands live beside the code they drive (``assessment/commands.py``, ``kpis/commands.py`` ...).
Each such module defines ``add_parser(subparsers)`` (argparse only, no heavy imports, so
``--help`` stays fast) and sets ``func`` on its parser(s) to a function ``(args) -> int``
that imports what it needs when it runs.

Exit codes: 0 success; 2 bad input (file, field and row named on stderr); 3 storage failure;
4 permission denied; 1 an unexpected error (a bug: please report it with the traceback).
"""
from __future__ import annotations

import argparse
import importlib
import sys

# subcommand modules, in the order --help lists them
COMMAND_MODULES = (
    "data.commands",         # demo-data, import, datasets
    "kpis.commands",         # kpi list | compute
    "assessment.commands",   # assess validate | template | score
    "scorecards.commands",   # scorecard
    "lifecycle.commands",    # lifecycle
    "reports.commands",      # report
    "services.commands",     # db, client, serve helpers, archive
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cli.py",
        description="CRM cockpit on the command line: demo data, import, KPIs, maturity assessment, "
                    "scorecard, reports.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name in (name, name.rsplit(".", 1)[0]):
                continue  # that area is not built yet
            raise
        module.add_parser(sub)
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


if __name__ == "__main__":
    sys.exit(main())
