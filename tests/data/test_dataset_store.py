"""The dataset store on SQLite and PostgreSQL: versions, atomicity, paths, deletion."""
from __future__ import annotations

import pandas as pd
import pytest

from data.demo import generate
from storage import audit
from storage.datasets import (AFTER_WRITE, dataset_paths, delete_dataset, get_dataset, latest_dataset, list_datasets,
                              load_frames, rejected_paths, save_dataset)


@pytest.fixture(scope="module")
def frames():
    return generate(customers=60, seed=3)


def test_versions_count_up_per_client_and_frames_round_trip(engine, client, tmp_path, frames):
    v1 = save_dataset(engine, tmp_path, client.id, frames, label="Erstimport", source="demo", actor="anna",
                      quality={"data_completeness": 0.9})
    v2 = save_dataset(engine, tmp_path, client.id, {"orders": frames["orders"]}, actor="anna")
    assert (v1.version, v2.version) == (1, 2)
    assert v1.storage_key == f"{client.id}/v1"
    assert v1.row_counts["orders"] == len(frames["orders"])
    assert [d.version for d in list_datasets(engine, client.id)] == [2, 1]
    assert latest_dataset(engine, client.id) == v2
    assert get_dataset(engine, client.id, 1) == v1
    assert get_dataset(engine, client.id + 999, 1) is None
    assert list(dataset_paths(tmp_path, v2)) == ["orders"]
    loaded = load_frames(tmp_path, v1)
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(loaded[name], frame)
    actions = [e["action"] for e in audit.entries(engine, client.id)]
    assert actions.count("dataset.import") == 2


def test_rejected_rows_are_kept_beside_the_version(engine, client, tmp_path, frames):
    bad = pd.DataFrame({"row": [3], "Menge": ["-1"], "reason": ["negative quantity"]})
    info = save_dataset(engine, tmp_path, client.id, {"orders": frames["orders"]}, rejected={"orders": bad})
    assert info.rejected_counts == {"orders": 1}
    path = rejected_paths(tmp_path, info)["orders"]
    assert pd.read_parquet(path)["reason"].tolist() == ["negative quantity"]


def test_failing_hook_leaves_previous_version_intact_and_no_folder(engine, client, tmp_path, frames):
    v1 = save_dataset(engine, tmp_path, client.id, frames)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    def broken(folder):
        assert (folder / "orders.parquet").is_file()  # the hook sees the written files
        raise RuntimeError("pre-aggregation failed")

    AFTER_WRITE.append(broken)
    try:
        with pytest.raises(RuntimeError, match="pre-aggregation failed"):
            save_dataset(engine, tmp_path, client.id, frames)
    finally:
        AFTER_WRITE.remove(broken)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert [d.version for d in list_datasets(engine, client.id)] == [1]
    pd.testing.assert_frame_equal(load_frames(tmp_path, v1)["orders"], frames["orders"])


def test_database_failure_removes_the_new_folder(engine, client, tmp_path, frames, monkeypatch):
    import storage.datasets as store

    save_dataset(engine, tmp_path, client.id, {"orders": frames["orders"]})

    def fail(*args, **kwargs):
        raise store.StorageError("database went away")

    monkeypatch.setattr(store, "_insert", fail)
    with pytest.raises(store.StorageError):
        save_dataset(engine, tmp_path, client.id, frames)
    assert sorted(p.name for p in (tmp_path / str(client.id)).iterdir()) == ["v1"]


def test_delete_removes_row_and_folder(engine, client, tmp_path, frames):
    info = save_dataset(engine, tmp_path, client.id, {"orders": frames["orders"]})
    assert delete_dataset(engine, tmp_path, client.id, info.version, actor="anna")
    assert not (tmp_path / info.storage_key).exists()
    assert list_datasets(engine, client.id) == []
    assert not delete_dataset(engine, tmp_path, client.id, info.version)


def test_mapping_profiles_save_update_conflict_delete(engine, client):
    from core.errors import ConflictError, DataImportError
    from storage.datasets import (delete_mapping_profile, get_mapping_profile, list_mapping_profiles,
                                  save_mapping_profile)

    first = save_mapping_profile(engine, client.id, "Salesforce", "orders: {file: o.csv}\n", actor="anna")
    second = save_mapping_profile(engine, client.id, "Salesforce", "orders: {file: orders.csv}\n", actor="ben",
                                  expected_version=1)
    assert (first.version, second.version) == (1, 2)
    assert get_mapping_profile(engine, client.id, "Salesforce").content == "orders: {file: orders.csv}\n"
    with pytest.raises(ConflictError, match="changed by ben"):
        save_mapping_profile(engine, client.id, "Salesforce", "orders: {file: x.csv}\n", expected_version=1)
    with pytest.raises(DataImportError):
        save_mapping_profile(engine, client.id, "Kaputt", "orders: {file: ../../etc/passwd.csv}\n")
    assert [p.name for p in list_mapping_profiles(engine, client.id)] == ["Salesforce"]
    assert delete_mapping_profile(engine, client.id, "Salesforce")
    assert get_mapping_profile(engine, client.id, "Salesforce") is None
