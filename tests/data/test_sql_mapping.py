"""The compiled mapping (data.sql_mapping) run in DuckDB gives the same canonical values and the same
located failures as the pandas mapper, and transpiles to PostgreSQL."""
from __future__ import annotations

import duckdb
import pandas as pd
import sqlglot

from data.manifest import EntityMapping
from data.mapping import apply_mapping
from data.schema import entity
from data.sql_mapping import compile_failures, compile_select

CSV = ("Kanal;Artikel;Nr;Datum;Menge;Umsatz\n"
       "Web;A;1;03.01.2026;2;1.234,50\n"
       "Shop;B;2;2026-01-04;;-5,00\n"
       "k.A.;C;3;kein Datum;x;10\n"
       "Web;;4;05.01.2026;1;7\n")
MAPPING = EntityMapping(entity="orders", file="orders.csv", decimal=",",
                        columns={"channel": "Kanal", "product": "Artikel", "order_id": "Nr", "order_date": "Datum",
                                 "quantity": "Menge", "revenue": "Umsatz"},
                        values={"channel": {"shop": "Filiale"}}, empty={"channel": ("k.A.",)})


def _run(tmp_path, sql_of):
    path = tmp_path / "orders.csv"
    path.write_text(CSV, encoding="utf-8")
    con = duckdb.connect()
    con.execute(f"CREATE VIEW raw AS SELECT row_number() OVER () + 1 AS __row, * FROM "
                f"read_csv('{path}', all_varchar=true, delim=';', header=true)")
    headers = [r[0] for r in con.execute("DESCRIBE raw").fetchall() if r[0] != "__row"]
    return con.execute(sql_of(MAPPING, entity("orders"), "raw", headers)).df(), path


def test_select_matches_the_pandas_mapper(tmp_path):
    got, path = _run(tmp_path, compile_select)
    raw = pd.read_csv(path, sep=";", dtype="string")
    raw.index = raw.index + 2
    want, _ = apply_mapping(raw, MAPPING, entity("orders"), "orders.csv")
    assert list(got["channel"].fillna("<NA>")) == ["Web", "Filiale", "<NA>", "Web"]
    assert list(got["revenue"].round(2)) == list(want["revenue"].round(2)) == [1234.5, -5.0, 10.0, 7.0]
    assert list(got["quantity"].fillna(-1)) == [2.0, 1.0, 1.0, 1.0]  # default 1 for empty and for unparsable
    assert list(got["order_date"].dt.strftime("%Y-%m-%d").fillna("-")) == ["2026-01-03", "2026-01-04", "-",
                                                                          "2026-01-05"]


def test_failures_are_located_like_the_pandas_path(tmp_path):
    got, _ = _run(tmp_path, compile_failures)
    rows = {(int(r.row), r.column, None if pd.isna(r.value) else r.value, r.expected)
            for r in got.itertuples(index=False)}
    assert (4, "Datum", "kein Datum", "not a valid date") in rows
    assert (4, "Menge", "x", "not a valid number") in rows
    assert (3, "revenue", "-5.0", "negative revenue") in rows
    assert (5, "Artikel", None, "required value 'product' is empty") in rows
    assert (4, "Kanal", None, "required value 'channel' is empty") in rows  # k.A. listed under empty:


def test_compiled_sql_transpiles_to_postgres():
    headers = ["Kanal", "Artikel", "Nr", "Datum", "Menge", "Umsatz"]
    sql = compile_failures(MAPPING, entity("orders"), "raw", headers)
    out = sqlglot.transpile(sql, read="duckdb", write="postgres")[0]
    assert "UNION ALL" in out and '"Umsatz"' in out
