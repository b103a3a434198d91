"""Client archive: SQLite -> PostgreSQL -> SQLite gives identical scores and KPIs (issue 7
must-show 4); a failed import leaves nothing behind; damaged or foreign zips are refused.

The PostgreSQL leg runs when TEST_DATABASE_URL is set (a schema of its own, dropped afterwards).
"""
from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, select, text

from core.errors import InputError
from services import archive
from storage.alerts import acknowledge, acknowledgements
from storage.clients import get_client
from storage.db import connect, forget, transaction
from tests.conftest import PG_URL, _pg_url

KPI_IDS = ("new_customers", "revenue", "win_rate", "churn_rate")


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A SQLite installation with a demo client: a dataset, two scored rounds, a scorecard copy,
    a manual value, a snapshot, a mapping profile."""
    from services.demo_assessment import seed_demo_rounds
    from services.importing import load_demo_client
    from storage.db import now
    from storage.scorecards import save_setting, save_snapshot, set_manual_value
    from storage.schema import mapping_profiles

    root = tmp_path_factory.mktemp("source")
    url = f"sqlite:///{root / 'cockpit.db'}"
    engine = connect(url)
    client, _info = load_demo_client(engine, root / "datasets", name="Alpha Handel GmbH", customers=400, seed=3)
    seed_demo_rounds(engine, client.id, seed=3)
    save_setting(engine, client.id, "crm_bsc", "id: crm_bsc\n", None, actor="anna")
    set_manual_value(engine, client.id, "training_hours", "2024-Q1", 6.5, note="HR", actor="anna")
    save_snapshot(engine, client.id, {"scorecard": "crm_bsc", "period": "2024", "value": 1.5}, label="Q4",
                  dataset_version=1, actor="anna")
    with transaction(engine) as conn:
        conn.execute(mapping_profiles.insert().values(client_id=client.id, name="CRM export", content="entities: {}\n",
                                                      updated_at=now(), updated_by="anna", version=1))
    acknowledge(engine, client.id, "crm_default", "campaign_response_rate|2025-12|trend_break|channel=email",
                note="Kampagne verschoben", dataset_version=1, actor="anna")
    yield engine, root / "datasets", client
    forget(url)


@pytest.fixture
def pg_target(tmp_path):
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL not set: the PostgreSQL leg needs a server")
    base = _pg_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    yield connect(url), tmp_path / "pg-datasets"
    forget(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _results(engine, store, client_id) -> tuple[list[dict], pd.DataFrame]:
    """Every round's score (services.workshop.result) and the KPI table of the newest dataset."""
    from kpis.engine import compute
    from services import workshop
    from storage.assessments import list_rounds
    from storage.datasets import dataset_paths, latest_dataset

    scores = [workshop.result(engine, client_id, r.id).to_dict() for r in sorted(list_rounds(engine, client_id),
                                                                                 key=lambda r: r.name)]
    kpis = compute(dataset_paths(store, latest_dataset(engine, client_id)), KPI_IDS, period="quarter")
    return scores, kpis


def _content(engine, client_id) -> dict:
    from storage.assessments import list_rounds, votes_frame
    from storage.scorecards import list_settings, list_snapshots, manual_frame

    rounds = list_rounds(engine, client_id)
    return {"rounds": sorted((r.name, r.status, r.model_id) for r in rounds),
            "votes": sum(len(votes_frame(engine, client_id, r.id)) for r in rounds),
            "settings": [(s.scorecard_id, s.content, s.version) for s in list_settings(engine, client_id)],
            "manual": manual_frame(engine, client_id)[["kpi", "period", "value", "note"]].to_dict("records"),
            "snapshots": [(s.scorecard_id, s.period, s.label) for s in list_snapshots(engine, client_id)],
            "acknowledged": {k: (a.note, a.by, a.dataset_version)  # an alert someone has seen stays seen
                             for k, a in acknowledgements(engine, client_id, "crm_default").items()}}


def test_round_trip_sqlite_postgresql_sqlite(source, pg_target, tmp_path):
    engine, store, client = source
    want_scores, want_kpis = _results(engine, store, client.id)
    assert want_scores and want_scores[0]["maturity_index"] is not None and len(want_kpis) > 0

    first = archive.export_client(engine, store, client.slug, tmp_path / "a.zip", actor="test")
    pg, pg_store = pg_target
    moved = archive.import_client(pg, pg_store, first.path, actor="test")
    second = archive.export_client(pg, pg_store, moved.slug, tmp_path / "b.zip")
    back_url = f"sqlite:///{tmp_path / 'back.db'}"
    back = connect(back_url)
    try:
        home = archive.import_client(back, tmp_path / "back-datasets", second.path)
        for eng, st_root, cid in ((pg, pg_store, moved.id), (back, tmp_path / "back-datasets", home.id)):
            scores, kpis = _results(eng, st_root, cid)
            assert scores == want_scores
            pd.testing.assert_frame_equal(kpis, want_kpis)
            assert _content(eng, cid) == _content(engine, client.id)
        assert home.slug == client.slug and home.name == client.name
    finally:
        forget(back_url)


def test_import_into_the_same_installation_needs_a_new_name(source, tmp_path):
    engine, store, client = source
    path = archive.export_client(engine, store, client.slug, tmp_path / "a.zip").path
    with pytest.raises(InputError, match="exists already"):
        archive.import_client(engine, store, path)
    copy = archive.import_client(engine, store, path, new_name="Alpha Kopie")
    assert copy.slug == "alpha-kopie" and copy.id != client.id
    assert _results(engine, store, copy.id)[0] == _results(engine, store, client.id)[0]
    from storage.assessments import list_rounds

    codes = [r.join_code for r in list_rounds(engine, copy.id)]
    assert all(c is None for c in codes)  # the originals' codes stay unique to the original rounds


def test_failed_import_leaves_nothing_behind(source, tmp_path, monkeypatch):
    engine, store, client = source
    path = archive.export_client(engine, store, client.slug, tmp_path / "a.zip").path
    target = connect(f"sqlite:///{tmp_path / 't.db'}")
    target_store = tmp_path / "t-datasets"
    real_record = archive.audit.record
    seen = []

    def crash_after_the_copy(conn, **kw):  # the last step before the commit: the folders are in place
        if kw.get("action") == "client.import":
            seen.extend(p for p in target_store.glob("*/v*") if p.is_dir())
            raise RuntimeError("crash after the copy")
        return real_record(conn, **kw)

    monkeypatch.setattr(archive.audit, "record", crash_after_the_copy)
    with pytest.raises(RuntimeError, match="crash after the copy"):
        archive.import_client(target, target_store, path)
    assert get_client(target, client.slug) is None
    assert seen  # the dataset folder had been copied ...
    assert not any(p.is_dir() for p in target_store.glob("*/v*"))  # ... and was removed again
    from storage.schema import votes

    with target.connect() as conn:
        assert conn.execute(select(votes.c.id)).first() is None


def _rewrite(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
    return dst


@pytest.mark.parametrize("change, message", [
    (lambda name, data: data.replace(b"Workshop", b"Werkstatt") if name == "tables/assessment_rounds.json" else data,
     "damaged"),
    (lambda name, data: json.dumps({**json.loads(data), "format": "other"}).encode() if name == "manifest.json"
     else data, "not a crm-cockpit-client-archive"),
    (lambda name, data: None if name == "manifest.json" else data, "manifest.json is missing"),
])
def test_damaged_archives_are_refused(source, tmp_path, change, message):
    engine, store, client = source
    path = archive.export_client(engine, store, client.slug, tmp_path / "a.zip").path
    bad = _rewrite(path, tmp_path / "bad.zip", change)
    target = connect(f"sqlite:///{tmp_path / 't.db'}")
    with pytest.raises(InputError) as err:
        archive.import_client(target, tmp_path / "t", bad)
    assert message in err.value.describe()
    assert get_client(target, client.slug) is None


def test_entries_outside_the_layout_are_refused(tmp_path):
    bad = tmp_path / "evil.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("manifest.json", "{}")
        zf.writestr("../../etc/passwd", "root")
    with pytest.raises(InputError) as err:
        archive.read_archive(bad)
    assert "../../etc/passwd: unexpected entry" in err.value.describe()


def test_cli_export_and_import(source, tmp_path, monkeypatch, capsys):
    import cli

    engine, store, client = source
    monkeypatch.setenv("DATABASE_URL", str(engine.url))
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(store.parent))
    out = tmp_path / "alpha.zip"
    assert cli.main(["client", "export", client.slug, "--out", str(out)]) == 0
    assert out.is_file() and "dataset version(s)" in capsys.readouterr().out
    assert cli.main(["client", "import", str(out), "--as", "Alpha CLI"]) == 0
    assert "imported client 'alpha-cli'" in capsys.readouterr().out
    assert get_client(engine, "alpha-cli") is not None


def test_an_acknowledged_alert_stays_acknowledged_and_an_older_archive_without_them_imports(source, tmp_path):
    """Acknowledgements travel with the client; an archive written before they did (no such member)
    imports with none, while a missing member of an original table is still damage."""
    engine, store, client = source
    path = archive.export_client(engine, store, client.slug, tmp_path / "a.zip").path
    copy = archive.import_client(engine, store, path, new_name="Alpha Quittiert")
    assert _content(engine, copy.id)["acknowledged"] == {
        "campaign_response_rate|2025-12|trend_break|channel=email": ("Kampagne verschoben", "anna", 1)}
    member = "tables/alert_acknowledgements.json"

    def before_acknowledgements(name, data):  # as the archives written before them: no member, not listed
        if name == "manifest.json":
            head = json.loads(data)
            return json.dumps({**head, "files": {k: v for k, v in head["files"].items() if k != member}}).encode()
        return None if name == member else data

    older = _rewrite(path, tmp_path / "older.zip", before_acknowledgements)
    old = archive.import_client(engine, store, older, new_name="Alpha Alt")
    assert _content(engine, old.id)["acknowledged"] == {} and _content(engine, old.id)["votes"] > 0
    broken = _rewrite(path, tmp_path / "broken.zip", lambda name, data: None if name == "tables/votes.json" else data)
    with pytest.raises(InputError, match="damaged"):
        archive.import_client(engine, store, broken, new_name="Alpha Kaputt")
