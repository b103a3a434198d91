"""``python cli.py report ...`` and ``python cli.py questionnaire export|import ...`` (argparse only;
everything heavy is imported when the command runs).

report from the database (DATABASE_URL / COCKPIT_DATA_DIR):
    report --client NAME --period 2025-Q4 --out report.xlsx [--pdf report.pdf] [--lang de|en] [--raw]
report from files:
    report --data PATH [--model M.yaml --answers A.csv] [--scorecard ID] [--period P] --out report.xlsx
offline questionnaire of a round:
    questionnaire export --client NAME --round ID --out q.xlsx
    questionnaire import --client NAME --round ID --file q.xlsx [--yes]   (shows the diff; merges with --yes)
"""
from __future__ import annotations

import argparse

from cli.session import find_client, operator


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="build the Excel report (and the board PDF) of a client or of files")
    src = p.add_argument_group("source (a client in the database, or files)")
    src.add_argument("--client", help="client name or short name (database)")
    src.add_argument("--data", help="dataset: manifest .yaml or folder of exports (files)")
    src.add_argument("--model", help="maturity model YAML (files, with --answers)")
    src.add_argument("--answers", help="filled answers sheet CSV/XLSX (files, with --model)")
    p.add_argument("--period", help="2025-Q4, 2025-03 or 2025 (required with --client; files: last complete)")
    p.add_argument("--scorecard", default=None, help="scorecard id or YAML file (default crm_default)")
    p.add_argument("--round", type=int, default=None, help="assessment round id (default: the latest)")
    p.add_argument("--out", required=True, help="the Excel file to write (.xlsx)")
    p.add_argument("--pdf", default=None, help="also write the board PDF here")
    p.add_argument("--lang", choices=("de", "en"), default="de")
    p.add_argument("--raw", action="store_true", help="append the raw data sheets")
    p.set_defaults(func=run_report)

    q = sub.add_parser("questionnaire", help="offline questionnaire of an assessment round: export / import")
    qs = q.add_subparsers(dest="action", metavar="ACTION", required=True)
    ex = qs.add_parser("export", help="write the round's questionnaire as a protected Excel file")
    im = qs.add_parser("import", help="read a filled questionnaire, show the diff, merge with --yes")
    for cmd in (ex, im):
        cmd.add_argument("--client", required=True, help="client name or short name")
        cmd.add_argument("--round", type=int, required=True, help="assessment round id")
        cmd.add_argument("--lang", choices=("de", "en"), default="de")
    ex.add_argument("--out", required=True, help="the questionnaire file to write (.xlsx)")
    ex.set_defaults(func=run_export)
    im.add_argument("--file", required=True, help="the filled questionnaire (.xlsx)")
    im.add_argument("--yes", action="store_true", help="merge the changes (without it: only show them)")
    im.add_argument("--actor", default="cli", help="name recorded in the audit log")
    im.set_defaults(func=run_import)


def run_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.errors import InputError
    from reports.workbook import build_workbook

    if bool(args.client) == bool(args.data or args.model):
        raise InputError("Give either --client (database) or --data/--model (files).",
                         hint="python cli.py report --client 'Demo GmbH' --period 2025-Q4 --out report.xlsx")
    if args.client:
        if not args.period:
            raise InputError("--period is required with --client.", hint="e.g. --period 2025-Q4")
        from usecases.reports import report_content

        session = operator()
        session = session.with_client(find_client(session, args.client))
        content = report_content(session, args.period, args.lang, round_id=args.round, include_raw=args.raw,
                                 scorecard_id=args.scorecard or "crm_default")
    else:
        from services.reporting import content_from_files

        content = content_from_files(args.data, args.model, args.answers, args.scorecard, args.period, args.lang,
                                     include_raw=args.raw)
    build_workbook(content, args.out)
    print(f"{args.out}: Excel report of {content.client}, {content.period}")
    if args.pdf:
        from reports.pdf import build_pdf
        from services.reporting import board

        Path(args.pdf).parent.mkdir(parents=True, exist_ok=True)
        build_pdf(board(content), args.pdf)
        print(f"{args.pdf}: PDF report")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from usecases.reports import export_questionnaire

    session = operator()
    session = session.with_client(client := find_client(session, args.client))
    export_questionnaire(session, args.round, args.lang, args.out)
    print(f"{args.out}: questionnaire of round {args.round} ({client.name})")
    return 0


def render_diff(changes) -> str:
    def show(v) -> str:
        return "–" if v is None or v != v else str(v)

    lines = [f"{r['question_id']}: {show(r['before'])} -> {show(r['after'])}"
             + (f"  (note: {show(r['note_before'])} -> {show(r['note_after'])})"
                if show(r["note_before"]) != show(r["note_after"]) else "")
             for r in changes.to_dict("records")]
    return "\n".join(lines)


def run_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from usecases import assessment, reports

    session = operator(actor=args.actor)
    session = session.with_client(find_client(session, args.client))
    name = Path(args.file).name
    changes = reports.questionnaire_changes(session, args.round, args.file, name, args.lang)
    if changes.empty:
        print("no changes against the database")
        return 0
    print(f"{len(changes)} change(s):\n{render_diff(changes)}")
    if not args.yes:
        print("nothing merged: run again with --yes to merge these changes")
        return 0
    before = assessment.result(session, args.round).maturity_index
    merged, after = reports.merge_questionnaire(session, args.round, changes, source=name)
    print(f"merged {len(merged.written)} rating(s); maturity index {_index(before)} -> {_index(after)}")
    if merged.skipped:
        print("not merged (blank answer, rating kept): " + ", ".join(merged.skipped))
    return 0


def _index(value) -> str:
    return "–" if value is None else f"{value:.2f}"
