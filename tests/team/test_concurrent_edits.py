"""No lost work: two editors of the same record (optimistic versions) and an import that crashes
halfway. Runs on SQLite and, with TEST_DATABASE_URL, PostgreSQL.

Mapping profiles have no repository yet (only the table): nothing to test for them here.
"""
from __future__ import annotations

import hashlib
import threading

import pandas as pd
import pytest

from core.errors import ConflictError
from storage import datasets as store
from storage.scorecards import get_setting, save_setting

ANNA = "id: crm_bsc\ntargets: {win_rate: 0.30}\n"
BEN = "id: crm_bsc\ntargets: {win_rate: 0.25}\n"


def test_second_scorecard_editor_gets_the_current_value(engine, client):
    v1 = save_setting(engine, client.id, "crm_bsc", "id: crm_bsc\n", None, actor="admin")
    anna_read = ben_read = get_setting(engine, client.id, "crm_bsc").version
    assert anna_read == v1 == 1
    assert save_setting(engine, client.id, "crm_bsc", ANNA, anna_read, actor="anna") == 2
    with pytest.raises(ConflictError) as err:
        save_setting(engine, client.id, "crm_bsc", BEN, ben_read, actor="ben")
    assert err.value.current.content == ANNA and err.value.current.version == 2
    assert err.value.current.updated_by == "anna"
    assert get_setting(engine, client.id, "crm_bsc").content == ANNA  # Ben's write did not land


def test_two_first_saves_at_once_one_wins(engine, client):
    barrier, outcome = threading.Barrier(2), {}

    def save(who: str, content: str) -> None:
        barrier.wait()
        try:
            outcome[who] = save_setting(engine, client.id, "crm_bsc", content, None, actor=who)
        except ConflictError as exc:
            outcome[who] = exc

    threads = [threading.Thread(target=save, args=a) for a in (("anna", ANNA), ("ben", BEN))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(type(v).__name__ for v in outcome.values()) == ["ConflictError", "int"]
    loser = next(v for v in outcome.values() if isinstance(v, ConflictError))
    assert loser.current.content == get_setting(engine, client.id, "crm_bsc").content
    assert loser.current.version == 1


def test_second_target_writer_gets_the_current_value(engine, client):
    from services.workshop import model_by_id, models
    from storage.assessments import create_round, set_target, targets

    model = model_by_id(sorted(models())[0])
    rnd = create_round(engine, client.id, "Workshop", model)
    domain = model.groups[0].id
    set_target(engine, client.id, rnd.id, domain, 3.0, None, actor="anna")
    seen = targets(engine, client.id, rnd.id)[domain].version
    set_target(engine, client.id, rnd.id, domain, 4.0, seen, actor="anna")
    with pytest.raises(ConflictError) as err:
        set_target(engine, client.id, rnd.id, domain, 2.0, seen, actor="ben")
    assert err.value.current["target"] == 4.0 and err.value.current["version"] == seen + 1
    assert targets(engine, client.id, rnd.id)[domain].target == 4.0


def _digest(folder) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_import_crashing_midway_leaves_the_previous_dataset_intact(engine, client, tmp_path, monkeypatch):
    root = tmp_path / "datasets"
    first = store.save_dataset(engine, root, client.id, {"customers": pd.DataFrame({"customer_id": ["K1", "K2"]})},
                               label="Januar")
    before = _digest(store.dataset_folder(root, first))

    def crash(folder):  # the pre-aggregation step dies after the Parquet files were written
        assert any(folder.glob("*.parquet"))
        raise MemoryError("killed halfway")

    monkeypatch.setattr(store, "AFTER_WRITE", [crash])
    with pytest.raises(MemoryError):
        store.save_dataset(engine, root, client.id, {"customers": pd.DataFrame({"customer_id": ["K9"]})},
                           label="Februar")
    assert [d.version for d in store.list_datasets(engine, client.id)] == [1]
    assert store.latest_dataset(engine, client.id).label == "Januar"
    assert _digest(store.dataset_folder(root, first)) == before
    assert sorted(p.name for p in (root / str(client.id)).iterdir()) == ["v1"]  # no temp folder, no v2
    frames = store.load_frames(root, store.latest_dataset(engine, client.id))
    assert frames["customers"]["customer_id"].tolist() == ["K1", "K2"]
