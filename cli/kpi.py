"""``python cli.py kpi list`` and ``python cli.py kpi compute``: the catalogue and its figures."""
from __future__ import annotations

import argparse
import json
import math
import sys

FORMATS = ("json", "csv", "table")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    kpi = subparsers.add_parser("kpi", help="KPI catalogue and computation")
    sub = kpi.add_subparsers(dest="kpi_command", metavar="ACTION", required=True)
    lst = sub.add_parser("list", help="print the KPI catalogue")
    lst.add_argument("--format", choices=("table", "json"), default="table")
    lst.add_argument("--lang", choices=("de", "en"), default="de")
    lst.set_defaults(func=run_list)
    comp = sub.add_parser("compute", help="compute KPIs on a dataset (manifest or directory)")
    src = comp.add_mutually_exclusive_group(required=True)
    src.add_argument("--data", help="manifest YAML or directory of canonical files")
    src.add_argument("--client", help="client name or short name: its current dataset version (files or a live source)")
    comp.add_argument("--kpi", required=True, help="ID[,ID...] or all")
    comp.add_argument("--by", default="", help="FIELD[,FIELD...]: channel, segment, region, campaign_id ...")
    comp.add_argument("--period", choices=("month", "quarter", "year"))
    comp.add_argument("--from", dest="start", help="first period, e.g. 2024-01, 2024-Q1, 2024 or 2024-01-15")
    comp.add_argument("--to", dest="end", help="last period (inclusive), e.g. 2024-12")
    comp.add_argument("--filter", action="append", default=[], metavar="FIELD=V1,V2",
                      help="keep only these values, e.g. channel=web,email (repeatable)")
    comp.add_argument("--format", choices=FORMATS, default="json")
    comp.add_argument("--lang", choices=("de", "en"), default="de")
    comp.set_defaults(func=run_compute)


def _client_data(name: str):
    """``--client``: the client's current version as ``read_valid`` gives a manifest (a live version's
    source from the pool, its check the latest marker read)."""
    from types import SimpleNamespace

    from cli.session import find_client, operator
    from core.errors import InputError
    from usecases import datasets

    session = operator()
    session = session.with_client(client := find_client(session, name))
    info = datasets.current_dataset(session)
    if info is None:
        raise InputError(f"{client.name} has no dataset yet", hint="python cli.py import --client NAME --data PATH")
    live = datasets.live_state(session, info)
    return SimpleNamespace(frames=datasets.source(session, info), check=live.check if live else None,
                           quality={"data_completeness": datasets.completeness(info)})


def run_list(args: argparse.Namespace) -> int:
    from kpis.catalogue import load_catalogue

    catalogue = load_catalogue()
    if args.format == "json":
        rows = [{"id": k.id, "name": {"de": k.name.de, "en": k.name.en},
                 "description": {"de": k.description.de, "en": k.description.en}, "unit": k.unit.value,
                 "direction": k.direction.value, "stage": [s.value for s in k.stages],
                 "perspective": k.perspective.value, "kind": k.kind.value, "entity": k.entity,
                 "date_field": k.date_field, "dimensions": [d for d, _ in k.dimensions], "formula": k.formula,
                 "parts": list(k.part_names)} for k in catalogue]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    import pandas as pd

    from core.i18n import t

    table = pd.DataFrame({
        "id": catalogue.ids, t("kpis.name", args.lang): [k.name.get(args.lang) for k in catalogue],
        t("kpis.unit", args.lang): [t(f"kpis.unit.{k.unit.value}", args.lang) for k in catalogue],
        t("kpis.stage", args.lang): [", ".join(t(f"kpis.stage.{s.value}", args.lang) for s in k.stages)
                                     for k in catalogue],
        t("kpis.perspective", args.lang): [t(f"kpis.perspective.{k.perspective.value}", args.lang) for k in catalogue]})
    print(table.to_string(index=False))
    return 0


def run_compute(args: argparse.Namespace) -> int:
    from kpis.engine import compute, resolve_kpis

    kpis = resolve_kpis(args.kpi.split(",") if args.kpi != "all" else "all")  # unknown ids fail before reading
    filters = _filters(args)
    by = [b.strip() for b in args.by.split(",") if b.strip()]
    from cli.files import read_valid

    result = _client_data(args.client) if args.client else read_valid(args.data, live=True)
    if result is None:
        return 2
    quality = getattr(result, "quality", None) or {}
    try:
        frame = compute(result.frames, [k.id for k in kpis], by=by, period=args.period, filters=filters,
                        external={"data_completeness": quality.get("data_completeness", math.nan)})
    finally:
        getattr(result, "close", lambda: None)()
    if getattr(result, "check", None) is not None:  # a live source: which data the figures are of
        snap = result.check.snapshot
        print(f"as of {snap.as_of} (live source {result.frames.shown}, snapshot {snap.key})", file=sys.stderr)
    keys = [*by, *(["period"] if args.period else [])]
    ratio = {k.id for k in kpis if k.is_ratio}
    if args.format == "json":
        print(json.dumps(_json_rows(frame, keys, ratio), ensure_ascii=False, indent=1))
    elif args.format == "csv":
        from core.cells import csv_text

        sys.stdout.write(csv_text(frame[["kpi", *keys, "value", "numerator", "denominator"]]))
    else:
        print(_table(frame, kpis, keys, args.lang).to_string(index=False))
    return 0


def _filters(args: argparse.Namespace):
    from datetime import date

    from core.errors import InputError, Problem
    from core.query import Filters, Period

    def bound(text: str | None, flag: str, end: bool) -> date | None:
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            period = Period.parse(text)
        except InputError:
            raise InputError(f"{flag} {text!r} is not a period or date", [Problem(flag, f"{text!r}")],
                             hint="use 2024, 2024-Q1, 2024-03 or 2024-03-15") from None
        return period.end if end else period.start

    dims: dict[str, list[str]] = {}
    for item in args.filter:
        name, sep, values = item.partition("=")
        if not sep or not name.strip() or not values.strip():
            raise InputError(f"--filter {item!r} is not FIELD=VALUE[,VALUE...]", [Problem("--filter", item)],
                             hint="e.g. --filter channel=web,email")
        dims.setdefault(name.strip(), []).extend(v.strip() for v in values.split(",") if v.strip())
    return Filters.of(bound(args.start, "--from", False), bound(args.end, "--to", True), **dims)


def _json_rows(frame, keys: list[str], ratio: set[str]) -> list[dict]:
    import pandas as pd

    def clean(v):
        if v is None or v is pd.NA:
            return None
        if isinstance(v, float):
            return None if math.isnan(v) else v
        return v

    rows = []
    for rec in frame.to_dict("records"):
        row = {"kpi": rec["kpi"], **{k: clean(rec[k]) for k in keys}, "value": clean(rec["value"])}
        if rec["kpi"] in ratio:
            row["numerator"], row["denominator"] = clean(rec["numerator"]), clean(rec["denominator"])
        rows.append(row)
    return rows


def _table(frame, kpis, keys: list[str], lang: str):
    import pandas as pd

    from core import formatting
    from core.i18n import t
    from kpis.results import explain

    defs = {k.id: k for k in kpis}
    records = frame.to_dict("records")
    out = pd.DataFrame({"kpi": [defs[r["kpi"]].name.get(lang) for r in records]})
    for k in keys:
        out[k] = [("–" if r[k] is pd.NA or r[k] is None else r[k]) for r in records]
    out[t("common.value", lang)] = [formatting.by_unit(r["value"], defs[r["kpi"]].unit.value, lang) for r in records]
    out[t("kpis.explain", lang)] = [explain(defs[r["kpi"]], r, lang) for r in records]
    return out
