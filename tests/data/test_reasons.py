"""The failure table reads German on a German page (issue 14.7): every reason the mapper and the
validator write, produced here from real bad files, has a German text; English stays as written."""
from __future__ import annotations

import re

from data.dataset import read_dataset
from data.reasons import reason_text, reasons_in

MANIFEST = """
orders:
  file: orders.csv
  columns: {order_id: Nr, customer_id: Kunde, order_date: Datum, revenue: Umsatz, quantity: Menge,
            channel: Kanal, product: Artikel}
  keep: [Filiale]
opportunities:
  file: opps.csv
  columns: {opportunity_id: Nr, customer_id: Kunde, won: Gewonnen, amount: Betrag, created_at: Angelegt,
            closed_at: Abschluss, stage: Phase, source_channel: Quelle}
"""
ORDERS = ("Nr;Kunde;Datum;Umsatz;Menge;Kanal\n"
          "A1;K1;01.02.2024;10,5;1;web\n"
          "A1;K2;02.02.2024;11;2;web\n"          # duplicate order_id
          "A3;K3;31.02.2024;12;1;web\n"          # not a date
          "A4;K4;03.02.2024;viel;1;web\n"        # not a number
          "A5;K5;04.02.2024;9;-1;web\n"          # negative quantity (a plausibility rule)
          "A6;;05.02.2024;9;1;web\n")            # required customer_id empty
OPPS = ("Nr;Kunde;Gewonnen;Betrag;Angelegt;Abschluss;Phase\n"
        "O1;K1;vielleicht;100;01.01.2024;01.02.2024;won\n")   # not yes/no; column 'Quelle' is not in the file
ENGLISH = re.compile(r"\b(not|valid|missing|required|duplicate|first in row|found|column|is)\b")  # German has none


def test_every_reason_of_real_bad_files_reads_german(tmp_path):
    (tmp_path / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (tmp_path / "opps.csv").write_text(OPPS, encoding="utf-8")
    reasons = read_dataset(tmp_path / "manifest.yaml").report.to_frame()["reason"]
    english = set(reasons.dropna())
    assert len(english) >= 7, english  # duplicate, date, number, rule, empty, yes/no, missing column, kept column
    german = reasons_in(reasons, "de")
    assert [r for r in german.dropna().unique() if ENGLISH.search(r)] == []
    assert "negative Menge" in set(german) and "kein gültiges Datum" in set(german)
    assert any(r.startswith("doppelter Schlüssel order_id (zuerst in Zeile ") for r in german)
    assert reasons_in(reasons, "en").tolist() == reasons.tolist()  # English stays as written


def test_each_shape_and_an_unknown_reason():
    assert reason_text("required column 'product' is missing", "de") == "Pflichtspalte „product“ fehlt"
    assert reason_text("kept column 'Filiale' not found in the file", "de") == (
        "beizubehaltende Spalte „Filiale“ fehlt in der Datei")
    assert reason_text("unpivot column 'Q1' not found", "de") == "Spalte „Q1“ zum Umformen fehlt"
    assert reason_text("not a valid whole number", "de") == "keine gültige Ganzzahl"
    assert reason_text("something new", "de") == "something new"  # shown as written, never hidden
