"""Command line: ``demo-data``, ``import``, ``datasets`` (see ``cli/__init__.py``)."""
from __future__ import annotations

import argparse
import json
import sys

from cli.session import operator


def add_parser(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo-data", help="write synthetic CRM data (seven canonical CSV files)")
    demo.add_argument("--out", required=True, help="output folder")
    demo.add_argument("--customers", type=int, default=5000, help="number of customers (default 5000)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    demo.set_defaults(func=run_demo)

    imp = sub.add_parser("import", help="validate an export and store it as a new dataset version")
    imp.add_argument("--client", required=True, help="client name (created when missing)")
    imp.add_argument("--data", required=True, help="manifest .yaml or folder of canonical files")
    imp.add_argument("--accept-partial", action="store_true", help="store the valid rows even if some are bad")
    imp.add_argument("--report", help="write the validation report to this CSV file")
    imp.add_argument("--label", default="", help="label of the dataset version")
    how = imp.add_mutually_exclusive_group()
    how.add_argument("--append", dest="mode", action="store_const", const="append",
                     help="add the rows to each imported table; a stored row with the same key is replaced by the "
                          "imported one (default)")
    how.add_argument("--replace", dest="mode", action="store_const", const="replace",
                     help="the imported rows take each imported table's place (its history stays in earlier versions)")
    imp.add_argument("--accept-unmatched", action="store_true",
                     help="import even when less than half of an id column matches (e.g. customer ids of orders)")
    imp.add_argument("--preview", action="store_true",
                     help="show the effect (rows per table, duplicates, headline KPIs, id matches); store nothing")
    imp.set_defaults(func=run_import, mode="append")

    ls = sub.add_parser("datasets", help="list a client's dataset versions, or restore one (datasets restore N)")
    ls.add_argument("action", nargs="?", choices=("list", "restore"), default="list",
                    help="list (default) or restore VERSION: store a copy of it as the newest version")
    ls.add_argument("version", nargs="?", type=int, help="the version to restore")
    ls.add_argument("--client", required=True, help="client name or short name")
    ls.add_argument("--format", choices=("table", "json"), default="table")
    ls.set_defaults(func=run_datasets)


def run_demo(args: argparse.Namespace) -> int:
    from core.errors import InputError
    from data.demo import generate, write_csv

    if args.customers < 1 or args.customers > 5_000_000:
        raise InputError(f"--customers {args.customers}: expected 1 to 5,000,000")
    paths = write_csv(generate(customers=args.customers, seed=args.seed), args.out)
    for name, path in paths.items():
        print(f"{path}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from data.manifest import resolve_manifest
    from usecases import admin, datasets

    manifest = resolve_manifest(args.data)  # a wrong path fails before anything is created
    session = operator()
    client = admin.ensure_client(session, args.client)
    if manifest.live:
        return _register_live(session.with_client(client), manifest, args)
    if args.preview:
        return _preview(session.with_client(client), manifest, args.mode)
    info, result = datasets.import_file(session.with_client(client), manifest, mode=args.mode,
                                        accept_partial=args.accept_partial, accept_unmatched=args.accept_unmatched,
                                        label=args.label)
    if args.report:
        from data.validation import write_report_csv

        write_report_csv(result.report, args.report)
    if not result.report.ok:
        print(result.report.describe(), file=sys.stderr)
    if info is None:
        print(f"error: nothing imported for {client.name}: fix the problems above, or pass --accept-partial",
              file=sys.stderr)
        return 2
    print(f"{client.name}: dataset version {info.version} stored ({args.mode}; {_counts(info.row_counts)})")
    print(f"source: {info.source}")
    if info.rejected_counts:
        print(f"rejected rows kept: {_counts(info.rejected_counts)}")
    return 0


def _register_live(session, manifest, args) -> int:
    """A live manifest: validated by counting queries on the database, registered as a version (no rows copied)."""
    from usecases import datasets

    if args.preview or args.accept_partial or args.report or args.mode != "append":
        raise _live_flag_error(args)
    info, check = datasets.register_live(session, manifest, label=args.label)
    if not check.ok:
        print(check.describe(), file=sys.stderr)
        print(f"error: nothing registered for {session.client.name}: fix the problems above "
              "(counted on the database, nothing was copied)", file=sys.stderr)
        return 2
    print(f"{session.client.name}: dataset version {info.version} registered as a live source "
          f"({_counts(info.row_counts)}; counted on the database, no rows copied)")
    print(f"source: {info.source}")
    print(f"as of {check.snapshot.as_of} (snapshot {check.snapshot.key})")
    return 0


def _live_flag_error(args):
    from core.errors import InputError, Problem

    flag = next(f for f, on in (("--preview", args.preview), ("--accept-partial", args.accept_partial),
                                ("--report", args.report), ("--replace", args.mode != "append")) if on)
    return InputError(f"{flag} applies to file imports, not to a live source (source:)",
                      [Problem(flag, "given with a live manifest")],
                      hint="a live source is registered whole; its rows stay in the client's database")


def _preview(session, manifest, mode: str) -> int:
    from usecases import datasets

    result, todo, effect = datasets.preview_file(session, manifest, mode)
    if not result.report.ok:
        print(result.report.describe(), file=sys.stderr)
    if todo is None:
        print("error: no valid row to import", file=sys.stderr)
        return 2
    print(f"preview ({mode}), nothing stored:")
    for r in todo.counts().itertuples(index=False):
        print(f"  {r.entity}: {r.before:,} -> {r.after:,} ({r.change:+,})")
    for m in todo.merges:
        if m.duplicates:
            print(f"  {m.entity}: {m.duplicates:,} rows with a stored {m.key} replace the stored rows")
    for r in effect.itertuples(index=False):
        print(f"  {r.kpi} {r.period}: {_number(r.before)} -> {_number(r.after)} (change {_number(r.change)})")
    for i in todo.integrity:
        if i.warning:
            level = "blocking" if i.blocking else "warning"
            print(f"  {level}: {i.entity}.{i.field}: {i.matched:,} of {i.checked:,} match a {i.target} id "
                  f"({i.share:.0%}); e.g. {', '.join(i.examples)}")
    return 0


def _number(value) -> str:
    if value is None or value != value:  # NaN: no value in the period
        return "-"
    return f"{value:,.2f}" if abs(value) >= 100 else f"{value:.4g}"


def _counts(counts: dict) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items())


def run_datasets(args: argparse.Namespace) -> int:
    from core.errors import InputError
    from storage.clients import get_client, slugify
    from usecases import admin, datasets

    session = operator()
    client = get_client(session.engine, slugify(args.client))
    if client is None:
        names = ", ".join(c.name for c in admin.my_clients(session)) or "none"
        raise InputError(f"client {args.client!r} not found", hint=f"existing clients: {names}")
    if args.action == "restore":
        if args.version is None:
            raise InputError("datasets restore needs the VERSION to restore", hint="e.g. datasets restore 3 --client X")
        info = datasets.restore(session.with_client(client), args.version)
        print(f"{client.name}: version {args.version} restored as version {info.version} ({_counts(info.row_counts)})")
        return 0
    versions = datasets.versions(session.with_client(client))
    rows = [{"version": d.version, "label": d.label, "kind": d.kind, "created_at": d.created_at.isoformat(), "by": d.created_by,
             "rows": d.row_counts, "rejected": d.rejected_counts,
             "data_completeness": d.quality.get("data_completeness")} for d in versions]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for r in rows:
            print(f"v{r['version']}  {r['created_at'][:19]}  {r['label']}{'  (live)' if r['kind'] == 'live' else ''}  "
                  f"{_counts(r['rows'])}"
                  + (f"  rejected: {_counts(r['rejected'])}" if r["rejected"] else ""))
    return 0
