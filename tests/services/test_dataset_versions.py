"""Data safety on import (issue 14.1): append with duplicates by key, replace, the effect preview,
referential integrity (every id bad, some bad), restore.

Worked example. Stored version 1: customers K1, K2; orders A-1 (K1, 100 EUR) and A-2 (K2, 50 EUR)
in 2024-Q1. Importing A-2 (K2, 70 EUR) and A-3 (K1, 30 EUR) in append mode: A-2 is a duplicate
(the imported row wins), A-3 is new -> 3 orders, revenue 100 + 70 + 30 = 200 EUR (was 150, +50).
In replace mode: 2 orders, revenue 100 EUR.
"""
from __future__ import annotations

import pandas as pd
import pytest

from core.errors import DataImportError, InputError
from data.schema import load_schema
from services import dataset_versions as dv
from services import import_merge as im
from services import import_session as svc
from storage import audit
from storage import datasets as store

HEAD = "order_id;customer_id;channel;product;quantity;revenue;order_date\n"
NEW = HEAD + "A-2;K2;web;Tee;1;70;2024-02-10\nA-3;K1;web;Tee;1;30;2024-03-01\n"


def _s(values):
    return pd.array(values, dtype="string")


@pytest.fixture
def root(tmp_path):
    return tmp_path / "datasets"


@pytest.fixture
def v1(engine, client, root):
    from services.importing import store_frames

    frames = {"customers": pd.DataFrame({"customer_id": _s(["K1", "K2"]), "segment": _s(["A", "B"])}),
              "orders": pd.DataFrame({"channel": _s(["web", "web"]), "product": _s(["Tee", "Tee"]),
                                      "order_id": _s(["A-1", "A-2"]), "customer_id": _s(["K1", "K2"]),
                                      "order_date": pd.to_datetime(["2024-01-05", "2024-02-01"]),
                                      "quantity": [1.0, 1.0], "revenue": [100.0, 50.0]})}
    return store_frames(engine, root, client.id, frames, label="v1", source="test")


def _result(tmp_path, text, entity="orders"):
    folder = svc.session_dir(tmp_path)
    upload = svc.save_upload(folder, entity, f"{entity}.csv", text.encode(), 200)
    headers = list(svc.read_upload(upload).columns)
    mapping = svc.build_mapping(upload, {h: h for h in headers})
    result = svc.validate_staged(folder, {entity: mapping}, 200)
    assert result.report.ok, result.report.describe()
    return result


def test_append_keeps_history_and_the_imported_duplicate_wins(engine, client, root, v1, tmp_path):
    result = _result(tmp_path, NEW)
    todo = dv.plan(engine, root, client.id, result)
    assert [(m.entity, m.mode, m.before, m.imported, m.after, m.duplicates) for m in todo.merges] == [
        ("orders", "append", 2, 2, 3, 1)]
    counts = todo.counts().set_index("entity")
    assert counts.loc["orders"].tolist() == [2, 3, 1] and counts.loc["customers"].tolist() == [2, 2, 0]
    info = dv.commit(engine, root, client.id, result, actor="anna")
    orders = store.load_frames(root, info)["orders"].set_index("order_id")
    assert orders["revenue"].to_dict() == {"A-1": 100.0, "A-2": 70.0, "A-3": 30.0}
    assert info.row_counts == {"customers": 2, "orders": 3}
    assert "orders (append, 1 duplicates)" in info.source
    pd.testing.assert_frame_equal(store.load_frames(root, info)["customers"], store.load_frames(root, v1)["customers"])
    linked = [store.dataset_paths(root, i)["customers"].stat().st_ino for i in (v1, info)]
    assert linked[0] == linked[1]  # the unchanged table is the same file, not read and rewritten


def test_effect_shows_the_change_of_revenue_in_the_last_complete_quarter(engine, client, root, v1, tmp_path):
    todo, = [dv.plan(engine, root, client.id, _result(tmp_path, NEW))]
    effect = dv.effect(root, todo).set_index("kpi")
    assert effect.loc["revenue", "period"] == "2024-Q1"
    assert effect.loc["revenue", ["before", "after", "change"]].tolist() == [150.0, 200.0, 50.0]
    assert effect.index[0] in ("revenue", "products_sold")  # KPIs of the imported table come first


def test_replace_takes_the_table_s_place_and_keeps_the_others(engine, client, root, v1, tmp_path):
    result = _result(tmp_path, NEW)
    info = dv.commit(engine, root, client.id, result, mode={"orders": im.REPLACE})
    assert info.row_counts == {"customers": 2, "orders": 2}
    assert store.load_frames(root, info)["orders"]["revenue"].sum() == pytest.approx(100.0)
    assert store.load_frames(root, v1)["orders"]["revenue"].sum() == pytest.approx(150.0)  # v1 untouched


def test_rows_without_key_are_always_added():
    stored = pd.DataFrame({"order_id": _s(["A-1", None]), "revenue": [1.0, 2.0]})
    imported = pd.DataFrame({"order_id": _s([None, "A-1"]), "revenue": [3.0, 4.0]})
    frame, done = im.merge("orders", stored, imported, im.APPEND, "order_id")
    assert sorted(frame["revenue"]) == [2.0, 3.0, 4.0] and done.duplicates == 1
    frame, done = im.merge("surveys", stored, imported, im.APPEND, None)  # no key: nothing is a duplicate
    assert len(frame) == 4 and done.duplicates == 0


def test_unknown_mode_is_refused(engine, client, root, v1, tmp_path):
    with pytest.raises(InputError, match="unknown import mode 'carry_forward'"):
        dv.plan(engine, root, client.id, _result(tmp_path, NEW), "carry_forward")


def test_no_id_matches_blocks_the_import_unless_accepted(engine, client, root, v1, tmp_path):
    bad = HEAD + "".join(f"B-{i};X{i};web;Tee;1;10;2024-02-0{i}\n" for i in range(1, 5))
    result = _result(tmp_path, bad)
    check, = dv.plan(engine, root, client.id, result).integrity
    assert (check.entity, check.field, check.target, check.checked, check.matched) == (
        "orders", "customer_id", "customers", 4, 0)
    assert check.share == 0.0 and check.blocking and check.examples == ("X1", "X2", "X3", "X4")
    with pytest.raises(DataImportError) as err:
        dv.commit(engine, root, client.id, result)
    assert "0 of 4 match a customers id (0%)" in err.value.describe()
    assert store.latest_dataset(engine, client.id).version == 1  # nothing stored
    info = dv.commit(engine, root, client.id, result, accept_unmatched=True)
    assert info.row_counts["orders"] == 6


def test_some_ids_unmatched_is_a_warning_not_a_block(engine, client, root, v1, tmp_path):
    some = HEAD + "B-1;K1;web;Tee;1;10;2024-02-01\nB-2;K2;web;Tee;1;10;2024-02-02\nB-3;K9;web;Tee;1;10;2024-02-03\n"
    result = _result(tmp_path, some)
    check, = dv.plan(engine, root, client.id, result).integrity
    assert (check.checked, check.matched, check.examples) == (3, 2, ("K9",))
    assert check.warning and not check.blocking and check.share == pytest.approx(2 / 3)
    assert dv.commit(engine, root, client.id, result).row_counts["orders"] == 5


def test_replacing_customers_checks_the_stored_orders_pointing_at_them(engine, client, root, v1, tmp_path):
    result = _result(tmp_path, "customer_id;segment\nK7;A\n", "customers")
    check, = dv.plan(engine, root, client.id, result, im.REPLACE).integrity
    assert (check.entity, check.checked, check.matched, check.blocking) == ("orders", 2, 0, True)


def test_references_follow_the_key_names_of_the_schema():
    refs = set(im.references(load_schema()))
    assert ("orders", "customer_id", "customers") in refs
    assert ("campaign_contacts", "campaign_id", "campaigns") in refs
    assert not any(entity == target for entity, _, target in refs)


def test_restore_is_a_new_audited_version_with_the_old_tables(engine, client, root, v1, tmp_path):
    v2 = dv.commit(engine, root, client.id, _result(tmp_path, NEW), mode=im.REPLACE)
    v3 = dv.restore(engine, root, client.id, 1, actor="anna")
    assert (v3.version, v3.row_counts) == (3, v1.row_counts)
    for name, frame in store.load_frames(root, v1).items():
        pd.testing.assert_frame_equal(store.load_frames(root, v3)[name], frame)
    assert store.get_dataset(engine, client.id, v2.version) is not None  # the version in between stays
    assert (root / v3.storage_key / "aggregates").is_dir()  # pre-aggregates built
    entry = next(e for e in audit.entries(engine, client.id) if e["action"] == "dataset.restore")
    assert entry["actor"] == "anna" and entry["after"]["restored_from"] == 1
    with pytest.raises(InputError, match="no dataset version 9"):
        dv.restore(engine, root, client.id, 9)


def test_the_summary_a_page_keeps_holds_the_counts_but_no_rows(engine, client, root, v1, tmp_path):
    todo = dv.plan(engine, root, client.id, _result(tmp_path, NEW))
    kept = todo.summary()
    assert kept.frames == {} and todo.frames  # the page's session keeps no copy of the client's rows
    pd.testing.assert_frame_equal(kept.counts(), todo.counts())
