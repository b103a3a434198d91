"""Bad rows -> the report, exactly (cases/bad_rows.yaml), and whole-dataset reads."""
from __future__ import annotations

import pandas as pd
import pytest

from data.dataset import read_dataset
from data.manifest import EntityMapping, Manifest
from tests.data.import_cases import load_cases


@pytest.mark.parametrize("case", load_cases("bad_rows.yaml"), ids=lambda c: c["name"])
def test_bad_rows_give_the_exact_report(tmp_path, case):
    name = f"{case['entity']}.csv"
    (tmp_path / name).write_text(case["csv"], encoding="utf-8")
    manifest = Manifest({case["entity"]: EntityMapping(case["entity"], name, columns=case["columns"])}, tmp_path)
    result = read_dataset(manifest)
    table = result.report.to_frame()
    got = [[None if pd.isna(r.row) else int(r.row), r.column, None if pd.isna(r.value) else r.value, r.reason]
           for r in table.itertuples()]
    assert got == case["problems"]
    assert set(table["entity"]) == {case["entity"]} and set(table["file"]) == {name}
    assert len(result.frames[case["entity"]]) == case["valid_rows"]
    assert not result.report.ok
    rejected = result.rejected[case["entity"]]
    assert sorted(rejected["row"].tolist()) == sorted(
        {r[0] for r in case["problems"] if r[0] is not None}) or case["valid_rows"] == 0
    assert rejected["reason"].notna().all()


def test_german_export_end_to_end(tmp_path):
    text = ("Kundennummer;Kanal;Reaktion;Kosten;Datum\n"
            "00123;E-Mail;ja;0,05;31.12.2024\n"
            "00456;Brief;nein;1,20;01.02.2024\n")
    (tmp_path / "kontakte.csv").write_bytes(text.encode("cp1252"))
    (tmp_path / "m.yaml").write_text(
        "campaign_contacts:\n  file: kontakte.csv\n"
        "  columns: {customer_id: Kundennummer, channel: Kanal, responded: Reaktion, cost: Kosten,\n"
        "            contacted_at: Datum}\n"
        "  values: {channel: {E-Mail: email, Brief: mailing}}\n", encoding="utf-8")
    result = read_dataset(tmp_path / "m.yaml")
    assert result.report.ok
    frame = result.frames["campaign_contacts"]
    assert frame["customer_id"].tolist() == ["00123", "00456"]
    assert frame["channel"].tolist() == ["email", "mailing"]
    assert frame["cost"].tolist() == [0.05, 1.2]
    assert frame["contacted_at"].tolist() == [pd.Timestamp("2024-12-31"), pd.Timestamp("2024-02-01")]
    assert result.report.summary() == {"campaign_contacts": {"rows": 2, "valid": 2, "rejected": 0, "problems": 0}}


def test_xlsx_second_sheet_through_a_manifest(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Deckblatt"
    ws = wb.create_sheet("Aufträge")
    ws.append(["Beleg", "Kanal", "Artikel", "Umsatz"])
    ws.append(["0815", "Web", "Stuhl", 19.9])
    wb.save(tmp_path / "auftraege.xlsx")
    (tmp_path / "m.yaml").write_text(
        "orders:\n  file: auftraege.xlsx\n  sheet: Aufträge\n"
        "  columns: {order_id: Beleg, channel: Kanal, product: Artikel, revenue: Umsatz}\n", encoding="utf-8")
    result = read_dataset(tmp_path / "m.yaml")
    assert result.report.ok
    assert result.frames["orders"][["order_id", "revenue", "quantity"]].to_dict("records") == [
        {"order_id": "0815", "revenue": 19.9, "quantity": 1.0}]


def test_raise_if_invalid_names_file_row_column_and_reason(tmp_path):
    from core.errors import DataImportError

    (tmp_path / "orders.csv").write_text("channel;product;quantity\nweb;Stuhl;-2\n", encoding="utf-8")
    result = read_dataset(tmp_path)
    with pytest.raises(DataImportError) as err:
        result.raise_if_invalid()
    assert [str(p) for p in err.value.problems] == [
        "orders.csv: row 2, column 'quantity': value '-2': negative quantity"]
    assert err.value.exit_code == 2


def test_won_and_churned_are_derived_when_the_export_lacks_them(tmp_path):
    (tmp_path / "opportunities.csv").write_text(
        "opportunity_id;stage\nO1;Closed Won\nO2;verloren\nO3;Angebot\n", encoding="utf-8")
    (tmp_path / "customers.csv").write_text("customer_id;churned_at\n001;\n002;01.02.2024\n", encoding="utf-8")
    result = read_dataset(tmp_path)
    assert result.report.ok
    assert result.frames["opportunities"]["won"].tolist() == [True, False, pd.NA]
    assert result.frames["customers"]["churned"].tolist() == [False, True]


def test_utf8_bom_declared_as_plain_utf8_still_gives_clean_headers(tmp_path):
    (tmp_path / "orders.csv").write_bytes(b"\xef\xbb\xbfchannel;product\nweb;Stuhl\n")
    (tmp_path / "m.yaml").write_text("orders: {file: orders.csv, encoding: utf-8}\n", encoding="utf-8")
    result = read_dataset(tmp_path / "m.yaml")
    assert result.report.ok
    assert result.frames["orders"][["channel", "product"]].values.tolist() == [["web", "Stuhl"]]
