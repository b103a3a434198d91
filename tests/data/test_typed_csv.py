"""The typed CSV read (``data.typed_csv``, issue 15) gives what the text way gives: the same frames,
rejected rows, failure table and quality on every shape of the export sweep, and it answers only
for clean files (a file with a problem is read the text way, which locates it)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DataImportError
from data.dataset import read_dataset
from data.manifest import EntityMapping, Manifest
from data.schema import load_schema
from data.typed_csv import read_entity
from tests.fuzz.test_fuzz_export_shapes import export, write_export

SWEEP = settings(max_examples=40, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _both(manifest: Manifest):
    """(typed way, text way) results of one manifest, or the error text each raised."""
    out = []
    for typed in (True, False):
        try:
            out.append(read_dataset(manifest, typed_read=typed))
        except DataImportError as exc:
            out.append(exc.describe())
    return out


def _assert_same(manifest: Manifest) -> None:
    typed, text = _both(manifest)
    if isinstance(text, str) or isinstance(typed, str):
        assert typed == text
        return
    assert typed.frames.keys() == text.frames.keys()
    for name in text.frames:
        pd.testing.assert_frame_equal(typed.frames[name], text.frames[name])
        pd.testing.assert_frame_equal(typed.rejected[name], text.rejected[name])
    pd.testing.assert_frame_equal(typed.report.to_frame(), text.report.to_frame())
    assert typed.report.rows == text.report.rows and typed.report.rejected == text.report.rejected
    assert typed.quality == text.quality


@SWEEP
@given(export())
def test_every_shape_of_the_export_sweep_reads_the_same_typed_or_as_text(case):
    with tempfile.TemporaryDirectory() as tmp:
        manifest, _ = write_export(tmp, case)
        _assert_same(manifest)


def _contacts(folder: Path, lines: list[str], **mapping) -> Manifest:
    (folder / "contacts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Manifest({"campaign_contacts": EntityMapping("campaign_contacts", "contacts.csv", **mapping)}, folder,
                    "manifest.yaml")


def _quick(manifest: Manifest):
    mapping = manifest.entities["campaign_contacts"]
    return read_entity(manifest.path_for("campaign_contacts"), mapping, load_schema()["campaign_contacts"],
                       mapping.read_options())


CLEAN = ["Kanal;Reaktion;Kampagne;Kunde;Datum;Konvertiert;Kosten",
         "email;Ja;KAM-1; K 01 ;01.02.2024;nein;1,50",
         " Filiale ;NEIN;KAM-1;K02;2024-02-03;;2,25",
         "email;x;;K03;03.02.2024;JA;",
         "web;TRUE;KAM-2;K04;;False;1e3"]
COLUMNS = {"channel": "Kanal", "responded": "Reaktion", "campaign_id": "Kampagne", "customer_id": "Kunde",
           "contacted_at": "Datum", "converted": "Konvertiert", "cost": "Kosten"}


def test_a_clean_german_file_is_typed_while_parsed_and_gives_the_text_ways_frame(tmp_path):
    manifest = _contacts(tmp_path, CLEAN, columns=COLUMNS)
    quick = _quick(manifest)
    assert quick is not None
    mapped = quick[0]
    assert mapped["cost"].fillna(-99.0).tolist() == [1.5, 2.25, -99.0, 1000.0]
    assert mapped["responded"].tolist() == [True, False, True, True]
    assert mapped["channel"].tolist() == ["email", "Filiale", "email", "web"]
    assert mapped["customer_id"].tolist() == ["K 01", "K02", "K03", "K04"]
    assert mapped.index.tolist() == [2, 3, 4, 5]
    _assert_same(manifest)


@pytest.mark.parametrize("cell, column", [("1.234,50", "Kosten"), ("nan", "Kosten"), ("12 €", "Kosten"),
                                          ("vielleicht", "Reaktion"), (" ja", "Reaktion"), ("31.02.2024", "Datum"),
                                          ("gestern", "Datum")])
def test_a_file_with_one_bad_or_unusual_value_is_read_the_text_way_with_the_same_result(tmp_path, cell, column):
    lines = list(CLEAN)
    header = lines[0].split(";")
    row = lines[2].split(";")
    row[header.index(column)] = cell
    lines[2] = ";".join(row)
    manifest = _contacts(tmp_path, lines, columns=COLUMNS)
    assert _quick(manifest) is None
    _assert_same(manifest)


def test_rule_breaks_and_missing_required_values_leave_it_to_the_text_way(tmp_path):
    lines = CLEAN + ["email;;KAM-3;K05;05.02.2024;nein;1,00"]  # responded is required
    manifest = _contacts(tmp_path, lines, columns=COLUMNS)
    assert _quick(manifest) is None
    typed, _ = _both(manifest)
    assert typed.report.to_frame()["row"].tolist() == [6]
    _assert_same(manifest)


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(st.tuples(st.sampled_from(["", "0", "12", "-3", "1.5", "1,5", "2.000", "1e3", "+4", ".5", "inf",
                                           "NaN", " 7", "1.234,5", "12,345"]),
                          st.sampled_from(["", "ja", "Nein", "TRUE", "x", "X", "false", "1", "0", "wahr", "Yes"]),
                          st.sampled_from(["", "2024-01-02", "02.01.2024", "2024-01-02 13:45:00", "1/2/2024",
                                           "02.01.24", "20240102"])),
                min_size=1, max_size=8),
       st.sampled_from([None, ",", "."]))
def test_numbers_yes_no_words_and_dates_type_the_same_either_way(rows, decimal):
    with tempfile.TemporaryDirectory() as tmp:
        lines = ["channel;responded;cost;contacted_at"] + [f"web;{b};{n};{d}" for n, b, d in rows]
        _assert_same(_contacts(Path(tmp), lines, decimal=decimal))


def test_translations_kept_columns_constants_and_a_date_format_read_the_same_typed(tmp_path):
    lines = ["Kanal;Reaktion;Konv;Kunde;Datum;Kosten;Notiz",
             "E-Mail;ja;Offen;K1;02/01/2024;1,5;erste",
             "Telefon;nein;ja;K2;03/01/2024;2;",
             "E-Mail;nein;nein;K3;04/01/2024;;dritte"]
    columns = {"channel": "Kanal", "responded": "Reaktion", "converted": "Konv", "customer_id": "Kunde",
               "contacted_at": "Datum", "cost": "Kosten"}
    manifest = _contacts(tmp_path, lines, columns=columns, values={"channel": {"E-Mail": "email", "Telefon": "phone"}},
                         empty={"converted": ("Offen",)}, keep=("Notiz",), constants={"campaign_id": "KAM-9"},
                         date_format="%d/%m/%Y")
    quick = _quick(manifest)
    assert quick is not None and quick[0]["channel"].tolist() == ["email", "phone", "email"]
    _assert_same(manifest)
    frame = quick[1]
    assert frame["contacted_at"].dt.month.tolist() == [1, 1, 1] and frame["Notiz"].tolist()[0] == "erste"
    assert frame["campaign_id"].eq("KAM-9").all() and frame["converted"].isna().tolist() == [True, False, False]
