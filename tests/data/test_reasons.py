"""The failure table carries its reasons as keys (issue 14.7): every reason the mapper and the
validator can write is produced here from real bad files, has a key with German and English texts,
its English ``reason`` is that key filled in English, and the German reading shows no English."""
from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pandas as pd
import pytest

from core.i18n import t
from data import reasons as why
from data.dataset import read_dataset
from data.reasons import reason_text, reasons_in
from data.schema import FieldType, load_schema
from data.validation import write_report_csv

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = """
orders:
  file: orders.csv
  columns: {order_id: Nr, customer_id: Kunde, order_date: Datum, revenue: Umsatz, quantity: Menge, channel: Kanal}
  keep: [Filiale]
opportunities:
  file: opps.csv
  columns: {opportunity_id: Nr, customer_id: Kunde, won: Gewonnen, amount: Betrag, created_at: Angelegt,
            closed_at: Abschluss, stage: Phase, source_channel: Quelle}
campaign_contacts:
  file: contacts.csv
  columns: {campaign_id: Kampagne, customer_id: Kunde, contacted_at: Datum, responded: Reaktion}
  unpivot: {columns: {Mail: email, Brief: letter}, into: channel, value: cost}
"""
ORDERS = ("Nr;Kunde;Datum;Umsatz;Menge;Kanal\n"   # no product column: a required column is missing
          "A1;K1;01.02.2024;10,5;1;web\n"
          "A1;K2;02.02.2024;11;2;web\n"          # duplicate order_id
          "A3;K3;31.02.2024;12;1;web\n"          # not a date
          "A4;K4;03.02.2024;viel;1;web\n"        # not a number
          "A5;K5;04.02.2024;9;-1;web\n"          # negative quantity (a plausibility rule)
          "A6;K6;05.02.2024;9;1;\n"              # required channel empty
          "A4;K7;06.02.2024;9;1;web\n")          # a second duplicate, of another first row
OPPS = ("Nr;Kunde;Gewonnen;Betrag;Angelegt;Abschluss;Phase\n"
        "O1;K1;vielleicht;100;01.01.2024;01.02.2024;won\n")   # not yes/no; column 'Quelle' is not in the file
CONTACTS = "Kampagne;Kunde;Datum;Reaktion;Mail\nC1;K1;01.01.2024;ja;2\n"   # unpivot column 'Brief' missing
ENGLISH = re.compile(r"\b(not|valid|missing|required|duplicate|first in row|found|column|is|negative quantity)\b")
KEY = re.compile(r"\"(reason\.[a-z_.]+)\"")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    for name, text in (("manifest.yaml", MANIFEST), ("orders.csv", ORDERS), ("opps.csv", OPPS),
                       ("contacts.csv", CONTACTS)):
        (folder / name).write_text(text, encoding="utf-8")
    return read_dataset(folder / "manifest.yaml").report


@pytest.fixture(scope="module")
def table(report):
    return report.to_frame()


def _written_keys() -> set[str]:
    """Every ``reason.*`` key the code that writes the failure table names."""
    return {k for p in ("data/reasons.py", "data/mapping.py", "data/validation.py")
            for k in KEY.findall((ROOT / p).read_text(encoding="utf-8"))}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_reason_the_code_writes_comes_from_a_real_bad_file(table):
    produced = set(table["reason_key"])
    rule = next(r for r in load_schema()["orders"].plausibility if r.field == "quantity")
    unproducible = {why.INVALID[FieldType.INTEGER]}  # the shipped schema has no whole-number field
    assert _written_keys() - unproducible <= produced, _written_keys() - produced
    assert rule.key in produced and len(_written_keys()) >= 10
    assert table["reason_key"].notna().all() and (table["reason_key"] != "").all()


@pytest.mark.parametrize("key", sorted(_written_keys()))
def test_each_reason_key_has_german_and_english_with_the_same_placeholders(key):
    de, en = t(key, "de"), t(key, "en")
    assert de != key and de != en
    assert _fields(de) == _fields(en)


def test_every_rule_has_its_own_key_and_both_texts():
    rules = [r for e in load_schema().values() for r in e.plausibility]
    assert len({r.key for r in rules}) == len(rules)
    for r in rules:
        assert reason_text(r.key, {}, "de") == r.message.de and reason_text(r.key, {}, "en") == r.message.en
        assert r.message.de != r.message.en


def test_the_english_reason_is_the_key_filled_in_english(table):
    for r in table.itertuples(index=False):
        assert reason_text(r.reason_key, json.loads(r.reason_values), "en") == r.reason, r
    dup = table[table["reason_key"] == why.DUPLICATE]
    assert sorted(dup["reason"]) == ["duplicate order_id (first in row 2)", "duplicate order_id (first in row 5)"]
    assert sorted(json.loads(v)["row"] for v in dup["reason_values"]) == [2, 5]


def test_the_german_reading_shows_no_english_and_english_stays_as_written(table):
    german = reasons_in(table, "de")
    assert [r for r in german.unique() if ENGLISH.search(r)] == []
    assert {"negative Menge", "kein gültiges Datum", "keine gültige Zahl", "Pflichtwert „channel“ ist leer",
            "Pflichtspalte „product“ fehlt", "beizubehaltende Spalte „Filiale“ fehlt in der Datei",
            "Spalte „Brief“ zum Umformen fehlt", "doppelter Schlüssel order_id (zuerst in Zeile 5)"} <= set(german)
    assert any(r.startswith("Spalte „Quelle“ fehlt in der Datei (Spalten: Nr, Kunde") for r in german)
    assert reasons_in(table, "en").tolist() == table["reason"].tolist()


def test_a_reason_no_key_translates_shows_its_english_text():
    table = pd.DataFrame({"reason": ["something new", "negative quantity"],
                          "reason_key": ["rule.nowhere.x.not_negative", "reason.no_such_key"],
                          "reason_values": ["{}", "{}"]})
    assert reasons_in(table, "de").tolist() == ["something new", "negative quantity"]


def test_the_csv_report_keeps_its_columns_and_english(report, tmp_path):
    write_report_csv(report, tmp_path / "report.csv")
    read = pd.read_csv(tmp_path / "report.csv", encoding="utf-8-sig")
    assert list(read.columns) == ["entity", "file", "row", "column", "field", "value", "reason"]
    assert "negative quantity" in set(read["reason"])
