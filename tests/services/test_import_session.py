"""The step-by-step import without Streamlit (services/import_session.py): upload checks, the
mapping built from the user's choices, validation, the one-new-version rule, profiles.

Worked example (ORDERS below): quantities 2 + 1 + 3 = 6 products sold; revenue
10,50 + 5,00 + 20,00 = 35,50 EUR. The version rule: importing only orders appends them to the
stored order (99 EUR) and keeps the previous version's customers unchanged.
"""
from __future__ import annotations

import pandas as pd
import pytest
import yaml

from core.errors import ConflictError, DataImportError, InputError
from services import import_session as svc
from storage import datasets as store

ORDERS = ("Bestellnr;Kunde;Vertriebsweg;Artikelbez;Menge;Umsatz;Datum\n"
          "A-1;K1;web;Tee;2;10,50;01.02.2024\n"
          "A-2;K2;Filiale;Kaffee;1;5,00;03.02.2024\n"
          "A-3;K1;web;Tee;3;20,00;05.02.2024\n").encode("cp1252")
BAD_ORDERS = ORDERS + "A-4;K3;web;=HYPERLINK(\"x\");-1;3,00;07.02.2024\n".encode("cp1252")
HAND = {"channel": "Vertriebsweg", "product": "Artikelbez"}


@pytest.fixture
def folder(tmp_path):
    return svc.session_dir(tmp_path)


@pytest.fixture
def root(tmp_path):
    return tmp_path / "datasets"


def _orders(folder, data=ORDERS, name="Export.csv"):
    upload = svc.save_upload(folder, "orders", name, data, 200)
    headers = list(svc.read_upload(upload).columns)
    return upload, svc.build_mapping(upload, {**svc.suggestion("orders", headers), **HAND})


@pytest.fixture
def previous(engine, client, root):
    """Version 1: two customers and one order."""
    customers = pd.DataFrame({"customer_id": pd.array(["K1", "K2"], dtype="string"),
                              "segment": pd.array(["A", "B"], dtype="string")})
    orders = pd.DataFrame({"channel": pd.array(["web"], dtype="string"), "product": pd.array(["Alt"], dtype="string"),
                           "quantity": [9.0], "revenue": [99.0]})
    from services.importing import store_frames

    return store_frames(engine, root, client.id, {"customers": customers, "orders": orders}, label="v1", source="t")


UPLOAD_REFUSALS = yaml.safe_load("""
- {name: makro.xlsm, size: 10, message: ".xlsm files are refused"}
- {name: alt.xls, size: 10, message: ".xls files are refused"}
- {name: bild.png, size: 10, message: "unsupported file type .png"}
- {name: gross.csv, size: 209715201, message: "more than the limit of 200 MB"}
""")


@pytest.mark.parametrize("case", UPLOAD_REFUSALS, ids=[c["name"] for c in UPLOAD_REFUSALS])
def test_upload_refused_by_name_and_size_before_writing(folder, case):
    with pytest.raises(DataImportError) as err:
        svc.save_upload(folder, "orders", case["name"], b"x" * 10, 200, size=case["size"])
    assert case["message"] in err.value.describe() and case["name"] in err.value.describe()
    assert list(folder.iterdir()) == []


def test_unreadable_upload_leaves_no_file(folder):
    with pytest.raises(DataImportError, match="leer.csv: the file is empty"):
        svc.save_upload(folder, "orders", "leer.csv", b"", 200)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("name, safe", [("../../etc/passwd.csv", "passwd.csv"), ("C:\\Users\\a\\b.csv", "b.csv"),
                                        ("Export 2024 (1).csv", "Export 2024 _1_.csv"), ("..", "upload")])
def test_upload_names_are_made_safe(name, safe):
    assert svc.safe_name(name) == safe


def test_session_token_must_be_ours(tmp_path):
    with pytest.raises(InputError):
        svc.session_dir(tmp_path, "../../x")


def test_suggestion_leaves_unusual_headers_for_the_user(folder):
    upload = svc.save_upload(folder, "orders", "Export.csv", ORDERS, 200)
    suggested = svc.suggestion("orders", list(svc.read_upload(upload).columns))
    assert suggested == {"order_id": "Bestellnr", "customer_id": "Kunde", "order_date": "Datum", "quantity": "Menge",
                         "revenue": "Umsatz"}


def test_build_mapping_from_choices(folder):
    upload = svc.save_upload(folder, "campaign_contacts", "kontakte.csv",
                             "Kanal;Reaktion;Region\nMail;J\u00e4;Nord\nTel;Nee;S\u00fcd\n".encode(), 200)
    mapping = svc.build_mapping(upload, {"channel": "Kanal", "responded": "Reaktion", "campaign_id": "Kanal"},
                                true_values={"responded": svc.parse_value_list("Jä; JA")},
                                false_values={"responded": ["Nee"]}, constants={"campaign_id": "fruehjahr", "cost": ""},
                                keep=["Region"])
    assert mapping.file == "campaign_contacts/kontakte.csv"
    assert mapping.columns == {"channel": "Kanal", "responded": "Reaktion"}  # the constant wins over a column
    assert mapping.constants == {"campaign_id": "fruehjahr"}  # empty constants drop out
    assert mapping.values == {"responded": {"Jä": True, "JA": True, "Nee": False}}
    result = svc.validate_staged(folder, {"campaign_contacts": mapping}, 200)
    frame = result.frames["campaign_contacts"]
    assert list(frame["responded"]) == [True, False]
    assert list(frame["campaign_id"]) == ["fruehjahr"] * 2 and list(frame["Region"]) == ["Nord", "Süd"]


def test_unpivot_wide_layout(folder):
    upload = svc.save_upload(folder, "orders", "breit.csv", b"Kunde;Web;Katalog\nK1;2;\nK2;1;4\n", 200)
    from data.manifest import Unpivot

    mapping = svc.build_mapping(upload, {"customer_id": "Kunde"}, constants={"product": "alle"},
                                unpivot=Unpivot({"Web": "web", "Katalog": "catalog"}, "channel", "quantity"))
    frame = svc.validate_staged(folder, {"orders": mapping}, 200).frames["orders"]
    assert sorted(zip(frame["customer_id"], frame["channel"], frame["quantity"])) == [
        ("K1", "web", 2.0), ("K2", "catalog", 4.0), ("K2", "web", 1.0)]


def test_commit_adds_staged_entities_and_keeps_the_others(engine, client, root, folder, previous):
    _, mapping = _orders(folder)
    result = svc.validate_staged(folder, {"orders": mapping}, 200)
    assert result.report.ok
    info = svc.commit(engine, root, client.id, result, actor="anna")
    assert (info.version, info.row_counts) == (2, {"customers": 2, "orders": 4})
    new = store.load_frames(root, info)
    old = store.load_frames(root, previous)
    pd.testing.assert_frame_equal(new["customers"], old["customers"])
    assert new["orders"]["revenue"].sum() == pytest.approx(99 + 35.5)
    assert "unchanged from v1: customers" in info.source
    assert "channel: Vertriebsweg" in info.manifest
    kpis = svc.kpi_preview(root, info).set_index("kpi")["value"]
    assert kpis["revenue"] == pytest.approx(99 + 35.5) and kpis["products_sold"] == pytest.approx(9 + 6)
    table = svc.versions_table(engine, client.id, {"orders": "Aufträge"})
    assert list(zip(table["version"], table["rows"])) == [(2, 6), (1, 3)]
    assert table["entities"][0] == "customers (2), Aufträge (4)"
    svc.discard(folder)
    assert not folder.exists()


def test_problems_refuse_unless_partial_accepted(engine, client, root, folder, previous):
    _, mapping = _orders(folder, BAD_ORDERS, "bad.csv")
    result = svc.validate_staged(folder, {"orders": mapping}, 200)
    assert result.report.rejected == {"orders": 1}
    with pytest.raises(DataImportError, match="problem"):
        svc.commit(engine, root, client.id, result)
    assert store.latest_dataset(engine, client.id).version == 1
    info = svc.commit(engine, root, client.id, result, accept_partial=True)
    assert (info.row_counts["orders"], info.rejected_counts) == (1 + 3, {"orders": 1})
    rejected = svc.rejected_csv(result, "orders").decode("utf-8-sig")
    assert "'=HYPERLINK" in rejected and "negative quantity" in rejected  # formula neutralised
    assert "negative quantity" in svc.report_csv(result).decode("utf-8-sig")


def test_failed_store_leaves_previous_version_untouched(engine, client, root, folder, previous, monkeypatch):
    _, mapping = _orders(folder)
    result = svc.validate_staged(folder, {"orders": mapping}, 200)

    def crash(_tmp):
        raise OSError("disk full")

    monkeypatch.setattr(store, "AFTER_WRITE", [crash])
    with pytest.raises(OSError):
        svc.commit(engine, root, client.id, result)
    assert [i.version for i in store.list_datasets(engine, client.id)] == [1]
    assert sorted(p.name for p in (root / str(client.id)).iterdir()) == ["v1"]
    assert store.load_frames(root, previous)["orders"]["product"].tolist() == ["Alt"]


def test_profile_round_trip_and_conflict(engine, client, folder):
    _, mapping = _orders(folder)
    saved = svc.save_profile(engine, client.id, "Shop-Export", folder, {"orders": mapping}, actor="anna")
    loaded = svc.load_profile(engine, client.id, "Shop-Export").entities["orders"]
    assert loaded.columns == mapping.columns and loaded.file == "orders/Export.csv"
    svc.save_profile(engine, client.id, "Shop-Export", folder, {"orders": mapping}, expected_version=saved.version)
    with pytest.raises(ConflictError):  # someone saved meanwhile: version 2 is current, not 1
        svc.save_profile(engine, client.id, "Shop-Export", folder, {"orders": mapping},
                         expected_version=saved.version)
    with pytest.raises(InputError):
        svc.load_profile(engine, client.id, "fehlt")


def test_nothing_staged_is_an_input_error(folder):
    with pytest.raises(InputError):
        svc.build_manifest(folder, {})
