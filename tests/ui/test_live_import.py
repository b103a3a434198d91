"""Issue 12: the import page's "Live-Quelle verbinden" registers a live source. The URL is a
placeholder, "Verbindung prüfen" lists the table's columns with the suggestions preselected, the
preview shows at most 20 mapped rows, and "Registrieren" stores the manifest (placeholders as
written) as the client's next version (kind live, its rows counted on the database)."""
from __future__ import annotations

import pytest

from sources import live_pool
from storage.clients import create_client
from tests.sources import crm_export
from tests.sources.conftest import client_db, client_frames  # noqa: F401 - the fixtures
from tests.ui.apptest import open_page
from tests.ui.live_support import live_installation
from usecases import datasets
from usecases.session import local_session

pytestmark = pytest.mark.postgres


@pytest.fixture
def live_env(tmp_path, monkeypatch, client_db):  # noqa: F811 - the imported fixture
    settings, engine = live_installation(tmp_path, client_db.url, monkeypatch)
    yield local_session(engine, settings, create_client(engine, "Live AG"))
    live_pool.close_all()


def _by_key(widgets, key):
    return next(w for w in widgets if w.key == key)


def test_the_import_page_registers_a_live_source(live_env, client_db):
    at = open_page("import_page.py", client="live-ag")
    _by_key(at.text_input, "live.url").input("${CRM_DB_URL}")
    _by_key(at.selectbox, "live.entity").select("customers")
    _by_key(at.text_input, "live.table").input(f"{client_db.schema}.kunden")
    at.run()
    _by_key(at.button, "live.check").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Verbunden mit postgresql://") for s in at.success)
    picks = _by_key(at.selectbox, "live.map.customers.customer_id")
    assert "kunden_nr" in picks.options and "firma" in picks.options  # the source's columns
    mapping = crm_export.TABLES["customers"][1]
    assert {f: _by_key(at.selectbox, f"live.map.customers.{f}").value for f in mapping} == mapping  # suggested
    _by_key(at.selectbox, "live.map.customers.name").select("__none__")  # the user takes one back
    at.run()
    preview = at.dataframe[-1].value
    assert len(preview) == 20 and {"customer_id", "segment", "region", "created_at"} <= set(preview.columns)
    assert preview["name"].isna().all() and preview["segment"].notna().any()
    assert set(preview["customer_id"]) <= set(client_db.frames["customers"]["kunden_nr"])
    _by_key(at.button, "live.add").click()
    at.run()
    _by_key(at.button, "live.register").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("als Datenstand 1 registriert" in s.value for s in at.success), [s.value for s in at.success]
    info = datasets.current_dataset(live_env)
    assert info.live and "${CRM_DB_URL}" in info.manifest and "kunden_nr" in info.manifest
    assert "firma" not in info.manifest and client_db.role not in info.manifest
    assert info.row_counts == {"customers": len(client_db.frames["customers"])}
