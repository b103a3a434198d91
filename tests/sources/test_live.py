"""Issue 12, must-show 1 and 3: the KPI catalogue on a live source gives what the same data imported
as files gives (rtol 1e-9), only aggregates come back, and the same manifest runs on PostgreSQL and
on DuckDB over Parquet through the same compiled expressions."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from tests.sources import crm_export
from tests.sources.conftest import server_statements

ROOT = Path(__file__).resolve().parents[2]
CONTROL = ("BEGIN", "ROLLBACK", "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",  # never a COMMIT
           # SQLAlchemy's first-connect probe of the server (dialect initialisation)
           "select pg_catalog.version()", "select current_schema()", "show transaction isolation level",
           "show standard_conforming_strings", 'SAVEPOINT "_pg3_1"', 'RELEASE "_pg3_1"')
ARGS = ["kpi", "compute", "--kpi", "all", "--by", "channel", "--period", "month"]


def cli(data: Path, env: dict[str, str] | None = None, args: list[str] = ARGS) -> subprocess.CompletedProcess:
    full = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "cli.py", *args, "--data", str(data)], cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=300)


def figures(out: subprocess.CompletedProcess) -> dict[tuple, dict]:
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    return {tuple((k, str(v)) for k, v in r.items() if k not in ("value", "numerator", "denominator")): r
            for r in rows}


def assert_same(live: dict, files: dict) -> None:
    assert set(live) == set(files)
    for key, want in files.items():
        got = live[key]
        for f in ("value", "numerator", "denominator"):
            a, b = want.get(f), got.get(f)
            assert (a is None) == (b is None), (key, f, a, b)
            if a is not None:
                assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (key, f, a, b)


@pytest.fixture(scope="module")
def imported(tmp_path_factory, client_frames):
    """The same client data as CSV files with the same mapping: the reference answers."""
    folder = tmp_path_factory.mktemp("files")
    return figures(cli(crm_export.write_files(client_frames, folder)))


@pytest.mark.postgres
def test_postgres_gives_the_imported_answers_and_sends_aggregates_only(tmp_path, client_db, imported):
    before = client_db.fingerprint()
    manifest = crm_export.live_manifest(tmp_path / "live.yaml", client_db.schema)
    log = tmp_path / "sql.jsonl"
    out = cli(manifest, {"CRM_DB_URL": client_db.url, "COCKPIT_SQL_LOG": str(log)})
    assert len(imported) > 1000  # the whole catalogue by channel and month, not a handful of rows
    assert_same(figures(out), imported)
    assert "as of 2025-12-" in out.stderr and client_db.role in out.stderr

    sent = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    channels = {v for f in client_db.frames.values() for c in f.columns for v in f[c].dropna().unique()
                if c in ("kanal", "werbekanal", "vertriebskanal", "eingangskanal", "quelle", "herkunft")}
    groups = (len(channels) + 1) * (36 + 1)  # channel (or none) x month of 2023-2025 (or none)
    smallest = min(len(f) for f in client_db.frames.values() if len(f) > groups)
    assert len(sent) >= 7 + 8  # a probe per entity, then the catalogue's scans
    for entry in sent:
        assert entry["rows"] <= groups < smallest, entry
        tree = sqlglot.parse_one(entry["sql"], read="postgres")
        assert tree.find(exp.AggFunc) is not None, entry["sql"]  # every statement aggregates
        top = tree if isinstance(tree, exp.Select) else tree.find(exp.Select)
        assert not (top.is_star and isinstance(top.args["from_"].this, exp.Table)), entry["sql"]

    logged = server_statements(client_db.role)
    if logged is not None:  # the server's own log of the reader role: nothing else was asked
        assert len(logged) >= len(sent)
        ours = {e["sql"] for e in sent} | set(CONTROL)
        for statement in logged:
            described = statement.startswith("SELECT * FROM ") and statement.endswith("WHERE 1 = 0")  # no rows
            assert statement in ours or described, statement
        assert "COMMIT" not in logged
    assert client_db.fingerprint() == before


def test_the_same_manifest_runs_on_duckdb_over_parquet(tmp_path, client_frames, imported):
    """One code path, two backends: the manifest of the PostgreSQL test, only the URL in the
    environment differs (a DuckDB file whose schema has a view over each Parquet file)."""
    crm_export.load_duckdb(tmp_path / "client.duckdb", "crm", client_frames)
    manifest = crm_export.live_manifest(tmp_path / "live.yaml", "crm")
    assert_same(figures(cli(manifest, {"CRM_DB_URL": "duckdb:///client.duckdb"})), imported)


@pytest.fixture(scope="module")
def files_manifest(tmp_path_factory, client_frames):
    return crm_export.write_files(client_frames, tmp_path_factory.mktemp("files"))


@pytest.mark.postgres
@pytest.mark.parametrize("args", [
    ["--kpi", "all", "--by", "segment", "--period", "quarter"],  # a customer dimension: joined on the database
    ["--kpi", "all", "--by", "channel,region", "--period", "year", "--from", "2024-01", "--to", "2024-06"],
    ["--kpi", "revenue,win_rate,churn_rate,nps", "--filter", "channel=web,email", "--period", "month"],
], ids=["segment-quarter", "range-year", "filter-month"])
def test_other_slices_agree_too(tmp_path, client_db, files_manifest, args):
    manifest = crm_export.live_manifest(tmp_path / "live.yaml", client_db.schema)
    want = figures(cli(files_manifest, args=["kpi", "compute", *args]))
    assert len(want) > 100
    assert_same(figures(cli(manifest, {"CRM_DB_URL": client_db.url}, ["kpi", "compute", *args])), want)
