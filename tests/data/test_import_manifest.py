"""The manifest: parsing, every problem with its path, path escapes, round trip, folders."""
from __future__ import annotations

import pytest

from core.errors import DataImportError
from data.manifest import load_manifest, manifest_for_directory, parse_manifest, resolve_manifest

ISSUE_EXAMPLE = """
campaign_contacts:
  file: contacts.csv
  sheet: Kontakte
  delimiter: ";"
  encoding: cp1252
  decimal: ","
  date_format: "%d.%m.%Y"
  columns: {channel: Kanal, responded: Reaktion}
  values: {responded: {"ja": true, "nein": false}}
  constants: {campaign_id: fruehjahr-2024}
  keep: [Region, Alter]
orders:
  file: kunden.csv
  columns: {customer_id: ID}
  unpivot:
    columns: {Web: web, Katalog: catalog, Filiale: store}
    into: channel
    value: quantity
  constants: {product: all}
"""


def test_issue_example_parses_and_round_trips(tmp_path):
    m = parse_manifest(ISSUE_EXAMPLE, tmp_path)
    cc = m.entities["campaign_contacts"]
    assert (cc.file, cc.sheet, cc.delimiter, cc.encoding, cc.decimal) == (
        "contacts.csv", "Kontakte", ";", "cp1252", ",")
    assert cc.values == {"responded": {"ja": True, "nein": False}}
    assert cc.keep == ("Region", "Alter")
    assert m.entities["orders"].unpivot.columns == {"Web": "web", "Katalog": "catalog", "Filiale": "store"}
    again = parse_manifest(m.to_yaml(), tmp_path)
    assert again.entities == m.entities


def test_every_problem_is_reported_with_its_path(tmp_path):
    text = """
kunden: {file: k.csv}
orders:
  file: o.csv
  delimiter: "#"
  columns: {kanal: Kanal}
  colums: {}
  unpivot: {columns: {A: a}, into: channel, value: channel}
surveys:
  columns: {score: Punkte}
"""
    with pytest.raises(DataImportError) as err:
        parse_manifest(text, tmp_path, "m.yaml")
    lines = [str(p) for p in err.value.problems]
    assert lines == [
        "m.yaml: kunden: unknown entity (one of ['customers', 'campaigns', 'campaign_contacts', 'opportunities', "
        "'orders', 'service_tickets', 'surveys'])",
        "m.yaml: orders.colums: unknown key; allowed: " + str(sorted(
            ["file", "sheet", "delimiter", "encoding", "decimal", "thousands", "date_format", "columns", "values", "empty",
             "constants", "keep", "unpivot", "source"])),
        "m.yaml: orders.delimiter: '#' is not one of [';', ',', '\\t', '|']",
        "m.yaml: orders.columns.kanal: unknown field 'kanal' (one of ['channel', 'customer_id', 'order_date', "
        "'order_id', 'product', 'product_category', 'quantity', 'revenue'])",
        "m.yaml: orders.unpivot.value: must differ from into",
        "m.yaml: surveys.file: required key is missing",
    ]


@pytest.mark.parametrize("file", ["../../etc/passwd.csv", "/etc/passwd.csv", "sub/../../x.csv",
                                  "C:\\\\Windows\\\\x.csv"])
def test_files_outside_the_manifest_folder_are_refused(tmp_path, file):
    with pytest.raises(DataImportError) as err:
        parse_manifest(f'orders: {{file: "{file}"}}', tmp_path, "m.yaml")
    assert any("outside the manifest's folder" in p.message or "absolute path" in p.message
               for p in err.value.problems)


def test_a_folder_of_canonical_files_needs_no_manifest(tmp_path):
    (tmp_path / "orders.csv").write_text("channel,product\nweb,x\n")
    (tmp_path / "customers.xlsx").write_bytes(b"")
    (tmp_path / "notes.csv").write_text("x\n")
    m = manifest_for_directory(tmp_path)
    assert {k: v.file for k, v in m.entities.items()} == {"customers": "customers.xlsx", "orders": "orders.csv"}
    assert resolve_manifest(tmp_path).entities.keys() == m.entities.keys()


def test_empty_folder_and_missing_manifest_are_clear_errors(tmp_path):
    with pytest.raises(DataImportError, match="no data files found"):
        resolve_manifest(tmp_path)
    with pytest.raises(DataImportError, match="file not found"):
        resolve_manifest(tmp_path / "nope.yaml")


def test_load_manifest_resolves_relative_to_its_folder(tmp_path):
    sub = tmp_path / "export"
    sub.mkdir()
    (sub / "m.yaml").write_text("orders: {file: o.csv}\n", encoding="utf-8")
    m = load_manifest(sub / "m.yaml")
    assert m.path_for("orders") == sub.resolve() / "o.csv"


def test_every_example_in_the_docs_is_a_valid_manifest(tmp_path):
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "import-manifest.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", doc, flags=re.S)
    assert len(blocks) >= 4
    for block in blocks:
        assert parse_manifest(block, tmp_path).entities
