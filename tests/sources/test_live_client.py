"""Issue 12: a client whose data IS a live source. Registered as a dataset version of kind "live"
(the manifest with its ${NAME} placeholders, no rows), it answers the scorecard as the same data
imported as files does; its answers are cached under the snapshot marker, so new rows in the
client's database give new answers and unchanged ones hit the cache."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pandas as pd
import psycopg
import pytest

from core.errors import PermissionDenied
from data.manifest import load_manifest
from core.settings import load_settings
from sources import live_pool
from sources.live import LiveSource
from storage.audit import entries
from storage.clients import create_client
from storage.users import create_user
from tests.sources import crm_export
from tests.sources.conftest import PG_URL, _plain
from usecases import analysis, datasets
from usecases.analysis import _KPIS
from usecases.scorecard import view_scorecard
from usecases.session import Session, local_session

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


@pytest.fixture
def live_env(tmp_path, monkeypatch, client_db):
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("CRM_DB_URL", client_db.url)
    yield crm_export.live_manifest(tmp_path / "live.yaml", client_db.schema)
    live_pool.close_all()


def _register(engine, name: str, manifest: Path):
    session = local_session(engine, load_settings(), create_client(engine, name))
    info, check = datasets.register_live(session, load_manifest(manifest))
    assert check.ok and info is not None, check.describe()
    return session, info


def test_a_live_version_stores_the_manifest_not_the_credentials(engine, live_env, client_db):
    session, info = _register(engine, "Live GmbH", live_env)
    assert info.live and info.version == 1
    assert "${CRM_DB_URL}" in info.manifest and client_db.role not in info.manifest
    assert info.row_counts == {n: len(f) for n, f in client_db.frames.items()}
    assert info.snapshot["orders"]["rows"] == len(client_db.frames["orders"])
    current = datasets.current_dataset(session)
    assert current.kind == "live" and isinstance(datasets.source(session, current), LiveSource)
    entry = next(e for e in entries(engine, session.client_id) if e["action"] == "dataset.live")
    assert entry["after"]["rows"]["customers"] == len(client_db.frames["customers"])


def test_registering_needs_import_run(engine, live_env):
    client = create_client(engine, "Nur Lesen AG")
    user = create_user(engine, "mgr", "manager", "a long enough passphrase 42", clients=[client.id])
    manager = Session(engine, load_settings(), user.principal(), client, team_mode=True)
    with pytest.raises(PermissionDenied):
        datasets.register_live(manager, load_manifest(live_env))


def test_the_live_scorecard_equals_the_file_import(engine, live_env, tmp_path, client_db):
    live, _ = _register(engine, "Live GmbH", live_env)
    files = local_session(engine, load_settings(), create_client(engine, "Dateien GmbH"))
    info, _ = datasets.import_file(files, crm_export.write_files(client_db.frames, tmp_path / "files"))
    assert info is not None
    a, b = view_scorecard(live, "2025-Q3"), view_scorecard(files, "2025-Q3")
    assert a.result.period == b.result.period == "2025-Q3"
    assert [(k.kpi, k.status) for k in a.result.kpis] == [(k.kpi, k.status) for k in b.result.kpis]
    for x, y in zip(a.result.kpis, b.result.kpis):
        assert (x.actual is None) == (y.actual is None), x.kpi
        if x.actual is not None and not math.isnan(x.actual):
            assert math.isclose(x.actual, y.actual, rel_tol=1e-9, abs_tol=1e-12), (x.kpi, x.actual, y.actual)


@pytest.fixture
def own_db(client_frames):
    """A schema of this test alone: rows are added to it."""
    if not PG_URL:
        pytest.skip("needs TEST_DATABASE_URL")
    schema = f"crm_new_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_plain(PG_URL), autocommit=True) as con:
        crm_export.load_postgres(con, schema, client_frames)
    yield schema
    with psycopg.connect(_plain(PG_URL), autocommit=True) as con:
        con.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_new_rows_give_new_answers_and_unchanged_ones_hit_the_cache(engine, tmp_path, monkeypatch, own_db):
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("CRM_DB_URL", _plain(PG_URL))
    monkeypatch.setenv("COCKPIT_LIVE_MARKER_S", "0")  # the marker is read on every question
    try:
        session, info = _register(engine, "Wachsend KG", crm_export.live_manifest(tmp_path / "live.yaml", own_db))
        first = analysis.kpi_table(session, info, ("revenue",))
        misses = _KPIS.misses
        assert analysis.kpi_table(session, info, ("revenue",)).equals(first) and _KPIS.misses == misses
        with psycopg.connect(_plain(PG_URL), autocommit=True) as con:
            con.execute(f'INSERT INTO "{own_db}".auftraege (vertriebskanal, artikel, beleg, belegdatum, umsatz_netto) '
                        "VALUES ('Web', 'x', 'NEU-1', '2025-12-31 10:00:00', 1000.5)")
        again = analysis.kpi_table(session, info, ("revenue",))
        assert _KPIS.misses == misses + 1
        assert math.isclose(again["value"].iloc[0], first["value"].iloc[0] + 1000.5, rel_tol=1e-12)
    finally:
        live_pool.close_all()


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "cli.py", *args], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


def test_the_command_line_registers_and_runs_a_live_client(tmp_path, client_db):
    env = {"COCKPIT_DATA_DIR": str(tmp_path / "var"), "CRM_DB_URL": client_db.url, "COCKPIT_DEMO": "0",
           "DATABASE_URL": ""}
    live = crm_export.live_manifest(tmp_path / "live.yaml", client_db.schema)
    as_of = crm_export.as_of()  # computed from the demo data, which moves when the generator changes
    out = _cli(["import", "--client", "Live", "--data", str(live)], env)
    assert out.returncode == 0, out.stderr
    assert "dataset version 1 registered as a live source" in out.stdout and f"as of {as_of:%Y-%m-%d}" in out.stdout
    files = crm_export.write_files(client_db.frames, tmp_path / "files")
    assert _cli(["import", "--client", "Files", "--data", str(files)], env).returncode == 0
    cards = [_cli(["scorecard", "--client", c, "--period", "2025-Q3", "--format", "json"], env) for c in ("Live", "Files")]
    a, b = (json.loads(c.stdout) for c in cards)
    assert a["status"] == b["status"] and math.isclose(a["score"], b["score"], rel_tol=1e-9)
    kpis = [_cli(["kpi", "compute", "--client", c, "--kpi", "revenue,win_rate", "--by", "channel"], env)
            for c in ("Live", "Files")]
    assert [r["kpi"] for r in json.loads(kpis[0].stdout)] == [r["kpi"] for r in json.loads(kpis[1].stdout)]
    assert f"as of {as_of:%Y-%m-%d}" in kpis[0].stderr

    report = _cli(["report", "--client", "Live", "--period", "2025-Q3", "--out", str(tmp_path / "r.xlsx")], env)
    assert report.returncode == 0, report.stderr
    cells = [v for ws in openpyxl.load_workbook(tmp_path / "r.xlsx") for row in ws.iter_rows(values_only=True)
             for v in row if isinstance(v, str)]
    assert f"Stand: {as_of:%Y-%m-%d %H:%M} (Live-Quelle {client_db.schema}.kunden)" in cells

    broken = live.read_text(encoding="utf-8").replace("umsatz_netto", "umsatz_brutto")
    (tmp_path / "bad.yaml").write_text(broken, encoding="utf-8")
    bad = _cli(["import", "--client", "Live", "--data", str(tmp_path / "bad.yaml")], env)
    assert bad.returncode == 2 and "orders.columns.revenue" in bad.stderr, bad.stderr


def test_restoring_a_live_version_registers_its_manifest_again(engine, live_env, tmp_path, client_db):
    session, live = _register(engine, "Zurück KG", live_env)
    files, _ = datasets.import_file(session, crm_export.write_files(client_db.frames, tmp_path / "files"))
    assert not files.live and files.version == 2
    again = datasets.restore(session, 1)
    assert again.version == 3 and again.live and again.manifest == live.manifest
    assert again.row_counts == live.row_counts and again.label == "Wiederhergestellt: v1 (v1)"
    assert isinstance(datasets.source(session, datasets.current_dataset(session)), LiveSource)


def test_threads_of_the_app_share_one_live_source(engine, live_env):
    """Streamlit answers each browser session in a thread of its own: they share the pooled source
    (one database session, one statement at a time) and get what one thread alone gets."""
    session, info = _register(engine, "Parallel GmbH", live_env)
    questions = [(("revenue",), ("channel",)), (("win_rate",), ()), (("nps", "csat"), ()), (("churn_rate",), ("segment",))]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda q: analysis.kpi_table(session, info, q[0], q[1], "month"), questions))
    _KPIS.clear()
    alone = [analysis.kpi_table(session, info, ids, by, "month") for ids, by in questions]
    for a, b in zip(together, alone):
        pd.testing.assert_frame_equal(a, b)
        assert len(a) > 10
