"""The manifest's source: key, credentials from the environment or secrets.toml, and the live
source's counting validation, constants, kept columns and snapshot marker (on DuckDB, no server)."""
from __future__ import annotations

import time

import duckdb
import pytest

from core.errors import DataImportError
from data.manifest import parse_manifest
from kpis.engine import compute
from sources.credentials import masked, resolve_url
from sources.errors import LiveSourceError
from sources import live_preview
from sources.live import LiveSource
from sources.live_check import check_source

URL = {"url": "${CRM_DB_URL}", "table": "crm.auftraege"}


def problems(text: str, tmp_path) -> list[str]:
    with pytest.raises(DataImportError) as err:
        parse_manifest(text, tmp_path, "m.yaml")
    return [str(p) for p in err.value.problems]


@pytest.mark.parametrize("entry, expected", [
    ('{source: {url: "postgresql://anna:geheim@db/crm", table: crm.o}}',
     "m.yaml: orders.source.url: the URL holds a password; credentials never go into a manifest"),
    ("{source: {table: crm.o}}", "m.yaml: orders.source: expected exactly one of url: or url_env:"),
    ('{source: {url_env: X, table: crm.o, query: "SELECT 1"}}',
     "m.yaml: orders.source: expected exactly one of table: or query:"),
    ('{source: {url_env: X, query: "DELETE FROM crm.o"}}',
     "m.yaml: orders.source.query: a query must be one SELECT (or WITH ... SELECT)"),
    ("{source: {url_env: X, table: 'crm.o; drop'}}", "m.yaml: orders.source.table: 'crm.o; drop' is not a table name"),
    ("{source: {url: 'mysql://db/crm', table: crm.o}}", "m.yaml: orders.source.url: unknown database kind 'mysql'"),
    ("{source: {url_env: X, table: crm.o, timeout_s: 0}}", "m.yaml: orders.source.timeout_s: expected a number"),
    ("{file: o.csv, source: {url_env: X, table: crm.o}}", "m.yaml: orders: has both file: and source:"),
    ("{delimiter: ';', source: {url_env: X, table: crm.o}}", "m.yaml: orders.delimiter: applies to files only"),
])
def test_a_broken_source_entry_is_located(tmp_path, entry, expected):
    found = problems(f"orders: {entry}", tmp_path)
    assert any(p.startswith(expected) for p in found), found


def test_a_manifest_is_all_live_or_all_files_on_one_database(tmp_path):
    found = problems("orders: {source: {url_env: A, table: s.o}}\ncustomers: {file: k.csv}\n"
                     "surveys: {source: {url_env: B, table: s.u}}", tmp_path)
    assert any("customers: mixes files (customers) with live sources" in p for p in found), found
    assert any("surveys.source.url: live entities name 2 different databases" in p for p in found), found


def test_the_url_template_is_what_a_saved_profile_keeps(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_DB_URL", "postgresql://anna:geheim@db.example.com/crm")
    m = parse_manifest({"orders": {"source": URL}}, tmp_path)
    assert m.live and "geheim" not in m.to_yaml() and "${CRM_DB_URL}" in m.to_yaml()
    assert parse_manifest(m.to_yaml(), tmp_path).entities == m.entities
    url = resolve_url(m.entities["orders"].source.url, "orders.source.url")
    assert url.endswith("@db.example.com/crm") and masked(url) == "postgresql://anna:***@db.example.com/crm"


def test_credentials_come_from_secrets_toml_or_are_a_located_error(tmp_path, monkeypatch):
    monkeypatch.delenv("CRM_DB_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LiveSourceError) as err:
        resolve_url("${CRM_DB_URL}", "m.yaml: orders.source.url")
    assert err.value.where == "m.yaml: orders.source.url" and err.value.exit_code == 2
    assert err.value.text("de").startswith("CRM_DB_URL ist nicht gesetzt")
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('[sources]\nCRM_DB_URL = "duckdb:///x.duckdb"\n')
    assert resolve_url("${CRM_DB_URL}", "w") == "duckdb:///x.duckdb"


def _duck(tmp_path, rows: str) -> None:
    con = duckdb.connect(str(tmp_path / "c.duckdb"))
    con.execute("CREATE SCHEMA crm; CREATE TABLE crm.auftraege (kanal VARCHAR, art VARCHAR, menge VARCHAR, "
                "umsatz DOUBLE, tag TIMESTAMP, filiale VARCHAR)")
    con.execute(f"INSERT INTO crm.auftraege VALUES {rows}")
    con.close()


def _source(tmp_path, **entry) -> LiveSource:
    spec = {"source": {"url": "duckdb:///c.duckdb", "table": "crm.auftraege"},
            "columns": {"channel": "kanal", "product": "art", "quantity": "menge", "revenue": "umsatz",
                        "order_date": "tag"}, **entry}
    return LiveSource(parse_manifest({"orders": spec}, tmp_path, "m.yaml"))


def test_validation_counts_rejected_rows_with_a_sample(tmp_path):
    _duck(tmp_path, "('Web', 'A', '2', 10.0, '2024-01-05', 'x'), ('Web', 'B', 'zwei', 5.0, '2024-02-01', 'y'), "
                    "(NULL, 'C', '1', -3.0, '2024-02-02', 'y')")
    with _source(tmp_path) as source:
        check = check_source(source)
    assert not check.ok and check.rows == {"orders": 3} and check.rejected == {"orders": 2}
    text = [str(p) for p in check.problems]
    assert text == ["m.yaml: orders.source (crm.auftraege), column 'kanal': 1 row(s): required value 'channel' "
                    "is empty; e.g. (empty)",
                    "m.yaml: orders.source (crm.auftraege), column 'menge': 1 row(s): not a valid number; "
                    "e.g. 'zwei'",
                    "m.yaml: orders.source (crm.auftraege), column 'umsatz': 1 row(s): negative revenue; e.g. '-3.0'"]


def test_constants_kept_columns_and_the_snapshot_marker(tmp_path):
    _duck(tmp_path, "('Web', 'A', '2', 10.0, '2024-01-05', 'Nord'), ('Filiale', 'B', '', 5.0, '2024-02-01', 'Süd')")
    entry = {"values": {"channel": {"Filiale": "store"}}, "constants": {"product_category": "software"},
             "keep": ["filiale"]}
    with _source(tmp_path, **entry) as source:
        check = check_source(source)
        assert check.ok and check.snapshot.as_of == "2024-02-01T00:00:00"
        got = compute(source, ["revenue", "products_sold"], by=["channel"])
        by_kept = compute(source, ["revenue"], by=["filiale"])
    assert got.set_index(["kpi", "channel"])["value"].to_dict() == {
        ("products_sold", "Web"): 2.0, ("products_sold", "store"): 1.0,  # empty quantity: the default 1
        ("revenue", "Web"): 10.0, ("revenue", "store"): 5.0}
    assert by_kept.set_index("filiale")["value"].to_dict() == {"Nord": 10.0, "Süd": 5.0}
    assert check.quality["entities"]["orders"]["field_completeness"]["product_category"] == 1.0
    before = check.snapshot.key
    con = duckdb.connect(str(tmp_path / "c.duckdb"))
    con.execute("INSERT INTO crm.auftraege VALUES ('Web', 'C', '1', 1.0, '2024-03-01', NULL)")
    con.close()
    with _source(tmp_path, **entry) as source:
        assert check_source(source).snapshot.key != before  # a new row: a new version, cached answers stale


def test_a_slow_query_is_interrupted_by_the_client_timer(tmp_path):
    """DuckDB has no server-side timeout: the source's timer interrupts it (timeout_s + 2 s grace)."""
    _duck(tmp_path, "('Web', 'A', '2', 10.0, '2024-01-05', 'x')")
    spec = {"source": {"url": "duckdb:///c.duckdb", "timeout_s": 0.2,
                       "query": "SELECT a.* FROM crm.auftraege a, range(3000000000) r WHERE r.range % 7 = 1"},
            "columns": {"channel": "kanal", "product": "art"}}
    started = time.perf_counter()
    with pytest.raises(LiveSourceError) as err, LiveSource(parse_manifest({"orders": spec}, tmp_path, "m.yaml")) as s:
        check_source(s)
    assert time.perf_counter() - started < 15
    assert err.value.key == "sources.timeout" and err.value.where == "m.yaml: orders.source (query)"
    assert "0.2 s" in err.value.message and "abgebrochen" in err.value.text("de")


def test_registering_a_source_lists_columns_suggests_a_mapping_and_previews_20_rows(tmp_path):
    _duck(tmp_path, ", ".join(f"('Web', 'A{i}', '1', {i}.5, '2024-01-05', 'x')" for i in range(30)))
    spec = {"source": {"url": "duckdb:///c.duckdb", "table": "crm.auftraege"}}
    with LiveSource(parse_manifest({"orders": spec}, tmp_path, "m.yaml")) as source:
        assert live_preview.check_connection(source) == "duckdb:///c.duckdb"
        assert live_preview.columns(source, "orders") == {"kanal": "VARCHAR", "art": "VARCHAR", "menge": "VARCHAR",
                                                          "umsatz": "DOUBLE", "tag": "TIMESTAMP", "filiale": "VARCHAR"}
        suggested = live_preview.suggest(source, "orders")
    assert suggested == {"channel": "kanal", "quantity": "menge", "revenue": "umsatz"}
    spec["columns"] = {**suggested, "product": "art", "order_date": "tag"}
    with LiveSource(parse_manifest({"orders": spec}, tmp_path, "m.yaml")) as source:
        rows = live_preview.preview(source, "orders", rows=500)
    assert len(rows) == 20 and rows["revenue"].tolist()[:2] == [0.5, 1.5] and rows["quantity"].eq(1.0).all()
    assert str(rows["order_date"].iloc[0]) == "2024-01-05 00:00:00"


def test_a_mapped_column_matches_the_source_whatever_its_case(tmp_path):
    _duck(tmp_path, "('Web', 'A', '2', 10.0, '2024-01-05', 'x')")
    with _source(tmp_path, columns={"channel": "KANAL", "product": "Art", "revenue": "umsatz"}) as source:
        assert compute(source, ["revenue"], by=["channel"])["value"].tolist() == [10.0]
