"""AppTest of the import page on the demo installation: upload a German export, map the two
columns that are not suggested by hand, save a profile, validate, choose replace, import; the new
version holds the uploaded orders plus the other demo entities unchanged, and the KPI tiles show
its figures. Append (the default) shows the effect first and keeps the history; ids that match no
customer block the import until confirmed; an earlier version can be restored.

Worked example (orders.csv below): quantities 2 + 1 + 3 = 6 products sold, revenue
10,50 + 5,00 + 20,00 = 35,50 EUR; customers K000001 and K000002 are demo customers.
"""
from __future__ import annotations

import pytest

from tests.ui.apptest import open_page

CSV = ("Bestellnr;Kunde;Vertriebsweg;Artikelbez;Menge;Umsatz;Datum\n"
       "A-1;K000001;web;Tee;2;10,50;01.02.2024\n"
       "A-2;K000002;store;Kaffee;1;5,00;03.02.2024\n"
       "A-3;K000001;web;Tee;3;20,00;05.02.2024\n").encode("cp1252")
STRANGERS = CSV.replace(b";K00000", b";X")
BAD = CSV + "A-4;K3;web;Tee;-1;3,00;07.02.2024\nA-5;K3;web;Tee;1;2,00;32.13.2024\n".encode("cp1252")


@pytest.fixture
def own_env(demo_dir, tmp_path, monkeypatch):
    """A private copy of the demo installation: imports here must not change the shared one."""
    import shutil

    target = tmp_path / "data"
    shutil.copytree(demo_dir, target, ignore=shutil.ignore_patterns("uploads"))
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(target))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return target


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def _upload(at, data: bytes, name="export.csv"):
    at.file_uploader[0].set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    prefix = next(s.key for s in at.selectbox if s.key and s.key.endswith(".col.channel"))[:-len(".col.channel")]
    return prefix


def test_page_renders_upload_and_versions(demo_env):
    at = open_page("import_page.py")
    assert at.title[0].value == "Datenimport"
    assert len(at.file_uploader) == 1
    assert any("200 MB" in c.value for c in at.caption)
    assert ".xlsm" not in at.file_uploader[0].allowed_type  # the browser refuses macro workbooks first
    versions = at.dataframe[-1].value
    assert 1 in list(versions["Version"])


def test_manual_mapping_profile_validate_import(own_env):
    from core.settings import load_settings
    from services.bootstrap import ensure_ready
    from storage import datasets as store
    from storage.clients import list_clients

    engine = ensure_ready(load_settings())
    client = list_clients(engine)[0]
    before = store.latest_dataset(engine, client.id)

    at = open_page("import_page.py")
    at.selectbox(key="imp.entity").set_value("orders").run()
    prefix = _upload(at, CSV)
    # suggested from synonyms; the two unusual headers are not
    assert at.selectbox(key=f"{prefix}.col.revenue").value == "Umsatz"
    assert at.selectbox(key=f"{prefix}.col.channel").value == "__none__"
    at.selectbox(key=f"{prefix}.col.channel").set_value("Vertriebsweg")
    at.selectbox(key=f"{prefix}.col.product").set_value("Artikelbez")
    at.text_input(key="imp.profile_name").set_value("Shop-Export")
    at.run()
    _button(at, "imp.profile_save").click().run()
    assert any("Shop-Export" in s.value for s in at.success)
    profile = store.get_mapping_profile(engine, client.id, "Shop-Export")
    assert "channel: Vertriebsweg" in profile.content and "product: Artikelbez" in profile.content

    _button(at, "imp.validate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("3 Zeilen" in s.value for s in at.success)
    assert at.radio(key="imp.mode.orders").value == "append"  # no silent replace
    at.radio(key="imp.mode.orders").set_value("replace").run()
    assert any(f"Aufträge**: {before.row_counts['orders']:,}".replace(",", ".") + " → 3" in m.value
               for m in at.markdown)
    _button(at, "imp.run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    after = store.latest_dataset(engine, client.id)
    assert after.version == before.version + 1
    assert after.row_counts["orders"] == 3
    assert after.row_counts["customers"] == before.row_counts["customers"]  # carried over unchanged
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Umsatz"] == "35,50 €"
    assert metrics["Verkaufte Produkte"] == "6"


def test_bad_rows_report_and_partial_import_choice(own_env):
    at = open_page("import_page.py", lang="en")
    at.selectbox(key="imp.entity").set_value("orders").run()
    prefix = _upload(at, BAD, "bad.csv")
    at.selectbox(key=f"{prefix}.col.channel").set_value("Vertriebsweg")
    at.selectbox(key=f"{prefix}.col.product").set_value("Artikelbez")
    at.run()
    _button(at, "imp.validate").click().run()
    assert any("2 problems in 2 of 5 rows" in s.value for s in at.warning)
    report = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert sorted(zip(report["Row"], report["Reason"])) == [(5, "negative quantity"), (6, "not a valid date")]
    assert _button(at, "imp.run").disabled
    at.checkbox(key="imp.accept").check().run()
    assert not _button(at, "imp.run").disabled


@pytest.mark.parametrize("name, data, message", [
    ("kaputt.xlsx", b"PK\x03\x04 not really a zip", "kaputt.xlsx: not a valid .xlsx file"),
    ("leer.csv", b"", "the file is empty"),
])
def test_refused_uploads_show_the_error(demo_env, name, data, message):
    at = open_page("import_page.py", lang="en")
    at.file_uploader[0].set_value((name, data, "application/octet-stream"))
    at.run()
    assert any(message in e.value for e in at.error), [e.value for e in at.error]


def _xlsx() -> bytes:
    import io

    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    book.add_worksheet("Deckblatt").write(0, 0, "Export vom 01.03.2024")
    sheet = book.add_worksheet("Auftraege")
    for r, row in enumerate([["Vertriebsweg", "Artikelbez", "Menge", "Umsatz"], ["web", "Tee", 2, 10.5],
                             ["Filiale", "Kaffee", 1, 5]]):
        sheet.write_row(r, 0, row)
    book.close()
    return buf.getvalue()


def test_xlsx_sheet_choice_and_saved_profile_fill_the_mapping(own_env):
    from core.settings import load_settings
    from services.bootstrap import ensure_ready
    from storage.clients import list_clients
    from storage.datasets import save_mapping_profile

    engine = ensure_ready(load_settings())
    client = list_clients(engine)[0]
    save_mapping_profile(engine, client.id, "Shop-Export", "orders:\n  file: orders/x.xlsx\n  sheet: Auftraege\n"
                         "  columns: {channel: Vertriebsweg, product: Artikelbez}\n")
    at = open_page("import_page.py")
    at.selectbox(key="imp.entity").set_value("orders").run()
    at.file_uploader[0].set_value(("mappe.xlsx", _xlsx(), "application/octet-stream"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    sheet = next(s for s in at.selectbox if s.key and s.key.endswith(".sheet"))
    assert sheet.options == ["Deckblatt", "Auftraege"] and sheet.value == "Deckblatt"
    at.selectbox(key="imp.profile").set_value("Shop-Export")
    _button(at, "imp.profile_load").click().run()
    assert not at.exception, [e.value for e in at.exception]
    prefix = sheet.key[:-len(".sheet")]
    assert at.selectbox(key=f"{prefix}.sheet").value == "Auftraege"
    assert at.selectbox(key=f"{prefix}.col.channel").value == "Vertriebsweg"
    assert at.selectbox(key=f"{prefix}.col.product").value == "Artikelbez"
    assert any("Shop-Export" in s.value for s in at.success)
    _button(at, "imp.validate").click().run()
    assert any("2 Zeilen" in s.value for s in at.success)


def test_clearing_the_staged_data_hides_the_report(own_env):
    at = open_page("import_page.py")
    _validated(at, CSV)
    assert any(b.key == "imp.run" for b in at.button)
    _button(at, "imp.unstage").click().run()
    assert not any(b.key in ("imp.run", "imp.unstage") for b in at.button)


def _validated(at, data):
    at.selectbox(key="imp.entity").set_value("orders").run()
    prefix = _upload(at, data)
    at.selectbox(key=f"{prefix}.col.channel").set_value("Vertriebsweg")
    at.selectbox(key=f"{prefix}.col.product").set_value("Artikelbez")
    at.run()
    _button(at, "imp.validate").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_append_previews_the_effect_and_keeps_the_history_then_restore(own_env):
    from core.settings import load_settings
    from services.bootstrap import ensure_ready
    from storage import datasets as store
    from storage.clients import list_clients

    engine = ensure_ready(load_settings())
    client = list_clients(engine)[0]
    before = store.latest_dataset(engine, client.id)
    n = before.row_counts["orders"]
    at = open_page("import_page.py")
    _validated(at, CSV)
    expected = f"**Aufträge**: {n:,} → {n + 3:,} (+3)".replace(",", ".")
    assert any(expected in m.value for m in at.markdown), [m.value for m in at.markdown]
    assert any("- Umsatz 2025-Q4: " in m.value and "(±0)" in m.value for m in at.markdown)  # Feb 2024 orders
    assert not at.error
    _button(at, "imp.run").click().run()
    after = store.latest_dataset(engine, client.id)
    assert after.row_counts["orders"] == n + 3 and after.version == before.version + 1

    at.selectbox(key="imp.restore_pick").set_value(before.version)
    _button(at, "imp.restore").click().run()
    assert not at.exception, [e.value for e in at.exception]
    restored = store.latest_dataset(engine, client.id)
    assert (restored.version, restored.row_counts) == (after.version + 1, before.row_counts)
    assert any(f"Version {before.version} als neuer Datenstand Version {restored.version}" in s.value
               for s in at.success)


def test_ids_matching_no_customer_block_until_confirmed(own_env):
    at = open_page("import_page.py")
    _validated(at, STRANGERS)
    assert any("Aufträge: 0 von 3 IDs passen zu Kunden (0 %)" in e.value and "X1" in e.value for e in at.error), \
        [e.value for e in at.error]
    assert _button(at, "imp.run").disabled
    at.checkbox(key="imp.accept_unmatched").check().run()
    assert not _button(at, "imp.run").disabled


def test_counts_of_a_large_export_are_grouped_the_german_way(demo_env):
    """Issue 14.9: '12.000 Zeilen', not 'Zeilen 12000'."""
    body = "".join(f"A-{i};K000001;web;Tee;1;1,00;01.02.2024\n" for i in range(12_000)).encode("cp1252")
    at = open_page("import_page.py")
    at.selectbox(key="imp.entity").set_value("orders").run()
    _upload(at, CSV.split(b"\n", 1)[0] + b"\n" + body)
    assert any(c.value.startswith("12.000 Zeilen, 7 Spalten") for c in at.caption)


def test_the_failure_table_reads_german(demo_env):
    """Issue 14.7: the reasons of the failure table on a German page (the CSV report keeps English)."""
    at = open_page("import_page.py", lang="de")
    at.selectbox(key="imp.entity").set_value("orders").run()
    prefix = _upload(at, BAD)
    at.selectbox(key=f"{prefix}.col.channel").set_value("Vertriebsweg")
    at.selectbox(key=f"{prefix}.col.product").set_value("Artikelbez").run()
    _button(at, "imp.validate").click().run()
    reasons = set(next(d.value for d in at.dataframe if "Grund" in d.value.columns)["Grund"])
    assert "negative Menge" in reasons and "kein gültiges Datum" in reasons, reasons
    assert not any("not a valid" in r or "negative quantity" in r for r in reasons)
