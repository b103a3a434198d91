"""Live-source benchmark (issue 12, must-show 2): the whole KPI catalogue by channel and month on a
PostgreSQL source of N campaign contacts, beside the same rows imported as Parquet.

``python -m benchmarks.live_bench [--contacts 10000000] [--url postgresql://postgres@127.0.0.1/test]
[--keep] [--out FILE.md]``

1. The client tables (German column names, as ``tests/sources/crm_export.py``) are generated inside
   PostgreSQL with ``generate_series`` (no row passes through Python): N contacts, N/20 customers,
   4 orders, 1.3 opportunities, 0.9 tickets and 0.55 surveys per customer, 60 campaigns.
2. Live: validation and snapshot (one counting query per entity), then the catalogue, through a
   local TCP proxy that counts every byte the server sends back.
3. Imported: each canonical relation copied out once (``COPY (mapped SELECT) TO STDOUT``, the bytes
   an import moves), written as Parquet, and the catalogue computed from those files by DuckDB.
4. Both answers are compared (rtol 1e-9).
"""
from __future__ import annotations

import argparse
import io
import math
import tempfile
import time
from pathlib import Path

import pandas as pd
import psycopg
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import sqlglot

from data.manifest import parse_manifest
from data.schema import load_schema
from kpis.engine import compute_from_raw
from sources import dialect as dialects
from sources.connection import SQL_TYPES
from sources.live import LiveSource, place
from sources.live_check import check_source
from sources.live_sql import SOURCE
from sources.source import StoredDataset
from tests.sources.crm_export import TABLES, mapping
from tests.team.tcp_proxy import TcpProxy

SCHEMA = "bench_live"
LABELS = "(ARRAY['E-Mail','Postmailing','Telefon','Web','Außendienst','Social Media','Filiale'])"
CODES = "(ARRAY['email','mailing','phone','web','field_service','social','store'])"
PICK = "{arr}[1 + floor(random() * 7)::int]"
DAY = "(timestamp '2023-01-01' + (random() * 1095) * interval '1 day')"


def generation_sql(contacts: int) -> list[str]:
    c = max(contacts // 20, 10)
    s = SCHEMA
    pick_label, pick_code = PICK.format(arr=LABELS), PICK.format(arr=CODES)
    return [
        f"DROP SCHEMA IF EXISTS {s} CASCADE", f"CREATE SCHEMA {s}", "SELECT setseed(0.42)",
        f"""CREATE TABLE {s}.kunden AS SELECT 'K' || lpad(i::text, 9, '0') AS kunden_nr, 'Firma ' || i AS firma,
            (ARRAY['private','small_business','corporate'])[1 + floor(random() * 3)::int] AS kundensegment,
            (ARRAY['Nord','Ost','Süd','West','Mitte'])[1 + floor(random() * 5)::int] AS gebiet,
            {pick_label} AS herkunft, 'active' AS status, {DAY} AS angelegt_am,
            ch AS gekuendigt, CASE WHEN ch THEN timestamp '2026-01-01' - random() * interval '200 days' END AS gekuendigt_am
            FROM (SELECT i, random() < 0.15 AS ch FROM generate_series(1, {c}) i) g""",
        f"""CREATE TABLE {s}.kampagnen AS SELECT 'C' || lpad(i::text, 4, '0') AS kampagne, 'Aktion ' || i AS titel,
            {CODES}[1 + i % 7] AS werbekanal, b AS beginn, b + interval '30 days' AS ende, 1000 + random() * 9000 AS budget_eur
            FROM (SELECT i, {DAY} AS b FROM generate_series(1, 60) i) g""",
        f"""CREATE TABLE {s}.kontakte AS SELECT {CODES}[1 + k % 7] AS kanal, r AS reagiert,
            'C' || lpad((1 + k % 60)::text, 4, '0') AS kampagne, 'K' || lpad((1 + k % {c})::text, 9, '0') AS kunde,
            {DAY} AS kontaktiert_am, r AND random() < 0.2 AS abschluss, random() * 5 AS stueckkosten
            FROM (SELECT k, random() < 0.05 AS r FROM generate_series(1, {contacts}) k) g""",
        f"""CREATE TABLE {s}.chancen AS SELECT 'O' || lpad(i::text, 9, '0') AS chance_nr,
            CASE WHEN x < 0.35 THEN 'closed_won' WHEN x < 0.8 THEN 'closed_lost' ELSE 'proposal' END AS phase,
            'K' || lpad((1 + i % {c})::text, 9, '0') AS kunde, {pick_code} AS quelle, e AS erstellt,
            CASE WHEN x < 0.8 THEN e + random() * interval '90 days' END AS geschlossen, 500 + random() * 40000 AS betrag,
            CASE WHEN x < 0.35 THEN 'ja' WHEN x < 0.8 THEN 'nein' END AS gewonnen
            FROM (SELECT i, random() AS x, {DAY} AS e FROM generate_series(1, {int(c * 1.3)}) i) g""",
        f"""CREATE TABLE {s}.auftraege AS SELECT {pick_label} AS vertriebskanal, 'Artikel ' || (i % 13) AS artikel,
            'B' || lpad(i::text, 10, '0') AS beleg, 'K' || lpad((1 + (i::bigint * 7919) % {c})::text, 9, '0') AS debitor,
            {DAY} AS belegdatum, (ARRAY['software','hardware','services','training','accessories'])[1 + i % 5] AS warengruppe,
            1 + floor(random() * 4) AS menge, 20 + random() * 2000 AS umsatz_netto FROM generate_series(1, {c * 4}) i""",
        f"""CREATE TABLE {s}.tickets AS SELECT 'T' || lpad(i::text, 9, '0') AS fall, to_char(o, 'DD.MM.YYYY HH24:MI:SS') AS eingang,
            'K' || lpad((1 + i % {c})::text, 9, '0') AS kunde, {pick_code} AS eingangskanal,
            o + random() * interval '72 hours' AS erledigt_am, (ARRAY['request','incident','complaint'])[1 + i % 3] AS anliegen,
            replace((random() * 80)::text, '.', ',') AS aufwand, random() < 0.6 AS erstloesung,
            1 + floor(random() * 5) AS zufriedenheit
            FROM (SELECT i, date_trunc('second', {DAY}) AS o FROM generate_series(1, {int(c * 0.9)}) i) g""",
        f"""CREATE TABLE {s}.umfragen AS SELECT CASE WHEN n THEN floor(random() * 11) ELSE 1 + floor(random() * 5) END AS punkte,
            'K' || lpad((1 + i % {c})::text, 9, '0') AS kunde, {DAY} AS datum, CASE WHEN n THEN 'nps' ELSE 'csat' END AS art
            FROM (SELECT i, random() < 0.7 AS n FROM generate_series(1, {int(c * 0.55)}) i) g""",
        *[f"ANALYZE {s}.{t}" for t, _ in TABLES.values()],
    ]


def manifest(url: str):
    body = {name: {"source": {"url": url, "table": f"{SCHEMA}.{table}", "timeout_s": 3600}, **mapping(name)}
            for name, (table, _) in TABLES.items()}
    return parse_manifest(body, Path.cwd(), "bench.yaml")


def export_parquet(source: LiveSource, admin: str, folder: Path) -> tuple[dict[str, Path], int]:
    """Each canonical relation copied out once as CSV and written as Parquet; (files, bytes copied)."""
    schema, files, moved = load_schema(), {}, 0
    pa_types = {"VARCHAR": "string", "TIMESTAMP": "timestamp[us]", "DOUBLE": "float64", "BIGINT": "int64",
                "BOOLEAN": "bool"}
    with psycopg.connect(admin) as con:
        for name in TABLES:
            tree = place(sqlglot.parse_one(source.compiled(name).select, read="duckdb"), {SOURCE: source.relation(name)})
            buf = io.BytesIO()
            with con.cursor().copy(f"COPY ({dialects.from_tree(tree, None, 'postgres')}) TO STDOUT "
                                   "(FORMAT csv, HEADER)") as copy:
                for block in copy:
                    buf.write(block)
            moved += buf.tell()
            buf.seek(0)
            types = {f.name: pa_types[SQL_TYPES[f.type]] for f in schema[name].fields}
            table = pacsv.read_csv(buf, convert_options=pacsv.ConvertOptions(
                column_types=types, true_values=["t"], false_values=["f"]))
            files[name] = folder / f"{name}.parquet"
            pq.write_table(table, files[name])
    return files, moved


def compare(live: pd.DataFrame, local: pd.DataFrame) -> int:
    """How many figures differ beyond rtol 1e-9 (0 = the same answers)."""
    keys = ["kpi", "channel", "period"]
    a = live.set_index(keys)[["value", "numerator", "denominator"]].astype(float)
    b = local.set_index(keys)[["value", "numerator", "denominator"]].astype(float)
    if set(a.index) != set(b.index):
        return abs(len(set(a.index) ^ set(b.index)))
    b = b.loc[a.index]
    return sum(1 for x, y in zip(a.to_numpy().ravel(), b.to_numpy().ravel())
               if not ((math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)))


def run(contacts: int, admin: str, keep: bool = False) -> dict:
    out: dict = {"contacts": contacts}
    host_port = admin.split("@", 1)[1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    database = admin.rsplit("/", 1)[1]
    started = time.perf_counter()
    with psycopg.connect(admin, autocommit=True) as con:
        for statement in generation_sql(contacts):
            con.execute(statement)
        out["rows"] = {t: con.execute(f"SELECT count(*) FROM {SCHEMA}.{t}").fetchone()[0] for t, _ in TABLES.values()}
        out["table_bytes"] = con.execute(f"SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n"
                                         f" ON n.oid = c.relnamespace WHERE n.nspname = '{SCHEMA}' AND c.relkind = 'r'"
                                         ).fetchone()[0] or 0
    out["table_bytes"] = int(out["table_bytes"])
    out["generate_s"] = time.perf_counter() - started
    proxy = TcpProxy((host or "127.0.0.1", int(port or 5432))).up()  # counts the bytes the server sends back
    user = admin.split("//", 1)[1].split("@", 1)[0]
    try:
        with LiveSource(manifest(f"postgresql://{user}@127.0.0.1:{proxy.port}/{database}")) as source:
            t0 = time.perf_counter()
            check = check_source(source)
            out["check_s"], out["check_bytes"] = time.perf_counter() - t0, proxy.received
            assert check.ok, check.describe()
            t0 = time.perf_counter()
            live = compute_from_raw(source, "all", by=["channel"], period="month",
                                    external={"data_completeness": check.quality["data_completeness"]})
            out["live_s"], out["live_bytes"] = time.perf_counter() - t0, proxy.received - out["check_bytes"]
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                files, out["import_bytes"] = export_parquet(source, admin, Path(tmp))
                out["import_s"] = time.perf_counter() - t0
                out["parquet_bytes"] = sum(p.stat().st_size for p in files.values())
                t0 = time.perf_counter()
                local = compute_from_raw(StoredDataset(files), "all", by=["channel"], period="month",
                                         external={"data_completeness": check.quality["data_completeness"]})
                out["parquet_s"] = time.perf_counter() - t0
        out["figures"], out["differ"] = len(live), compare(live, local)
    finally:
        proxy.down()
        if not keep:
            with psycopg.connect(admin, autocommit=True) as con:
                con.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    return out


def report(r: dict) -> str:
    mb = 1e6
    lines = [f"# Live source benchmark: {r['contacts']:,} campaign contacts in PostgreSQL", "",
             "| entity table | rows |", "| --- | ---: |", *[f"| {t} | {n:,} |" for t, n in r["rows"].items()], "",
             f"Generated inside PostgreSQL (generate_series) in {r['generate_s']:.1f} s; tables "
             f"{r['table_bytes'] / mb:,.0f} MB on disk.", "",
             "| step | seconds | bytes back to the cockpit |", "| --- | ---: | ---: |",
             f"| live: validation + completeness + snapshot (7 counting queries) | {r['check_s']:.1f} | "
             f"{r['check_bytes']:,} |",
             f"| live: whole catalogue by channel and month | {r['live_s']:.1f} | {r['live_bytes']:,} |",
             f"| import: copy the mapped rows out, write Parquet | {r['import_s']:.1f} | {r['import_bytes']:,} (CSV) |",
             f"| imported: whole catalogue by channel and month on Parquet (DuckDB) | {r['parquet_s']:.1f} | - |", "",
             f"{r['figures']:,} figures; {r['differ']} differ between live and imported beyond rtol 1e-9. "
             f"Parquet files: {r['parquet_bytes'] / mb:,.0f} MB."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--keep", action="store_true", help="leave the generated schema in place")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    text = report(run(args.contacts, args.url, args.keep))
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
