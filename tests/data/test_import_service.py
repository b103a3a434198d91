"""The import service and the command line: store only clean imports (or accepted partial ones)."""
from __future__ import annotations

import pandas as pd

from cli import main
from services.importing import import_dataset, load_demo_client
from storage.datasets import list_datasets, load_frames, rejected_paths

BAD = "order_id;channel;product;quantity\nA1;web;Stuhl;2\nA2;web;Tisch;-1\n"


def test_bad_input_stores_nothing_unless_partial_is_accepted(engine, client, tmp_path):
    (tmp_path / "orders.csv").write_text(BAD, encoding="utf-8")
    info, result = import_dataset(engine, tmp_path / "store", client.id, tmp_path, accept_partial=False)
    assert info is None and not result.report.ok
    assert list_datasets(engine, client.id) == []
    info, result = import_dataset(engine, tmp_path / "store", client.id, tmp_path, accept_partial=True,
                                  actor="anna", label="März")
    assert (info.version, info.label, info.row_counts, info.rejected_counts) == (1, "März", {"orders": 1},
                                                                                   {"orders": 1})
    assert "orders:" in info.manifest
    rejected = pd.read_parquet(rejected_paths(tmp_path / "store", info)["orders"])
    assert rejected[["row", "order_id", "reason"]].values.tolist() == [[3, "A2", "negative quantity"]]


def test_demo_client_is_version_one(engine, tmp_path):
    client, info = load_demo_client(engine, tmp_path, customers=200, seed=7)
    assert client.name == "Demo GmbH" and info.version == 1
    frames = load_frames(tmp_path, info, ("customers",))
    assert len(frames["customers"]) == 200
    assert 0 < info.quality["data_completeness"] <= 1


def test_cli_demo_import_and_list(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["demo-data", "--out", str(tmp_path / "demo"), "--customers", "80", "--seed", "7"]) == 0
    assert main(["import", "--client", "Acme AG", "--data", str(tmp_path / "demo")]) == 0
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "orders.csv").write_text(BAD, encoding="utf-8")
    report = tmp_path / "report.csv"
    assert main(["import", "--client", "Acme AG", "--data", str(tmp_path / "bad"), "--report", str(report)]) == 2
    err = capsys.readouterr().err
    assert "orders.csv: row 3, column 'quantity': value '-1': negative quantity" in err
    assert pd.read_csv(report)["reason"].tolist() == ["negative quantity"]
    assert main(["datasets", "--client", "Acme AG"]) == 0
    out = capsys.readouterr().out
    assert "v1" in out and "v2" not in out
    assert main(["datasets", "--client", "Nobody"]) == 2
