"""The engine's DuckDB SQL carried to other databases by ``sources.dialect`` (issue 12)."""
from __future__ import annotations

import os

import pandas as pd
import pytest

from data.demo import generate
from data.schema import load_schema
from kpis.engine import compute_from_raw
from sources import dialect
from sources.connection import SQL_TYPES, quote
from sources.source import FrameSource, Query


@pytest.fixture(scope="module")
def catalogue_sql():
    """Every statement the whole catalogue sends by channel and month, with its parameters."""
    sent: list[tuple[str, dict]] = []

    class Capturing(Query):
        def run(self, sql, params=None):
            sent.append((sql, dict(params or {})))
            return super().run(sql, params)

    class Source(FrameSource):
        def open(self, only=None, typed=False):
            q = super().open(only, typed)
            return Capturing(q.con, q.columns)

    frames = generate(300)
    expected = compute_from_raw(Source(frames), "all", by=["channel"], period="month")
    return frames, sent, expected


def test_duckdb_round_trip_gives_the_same_answers(catalogue_sql):
    frames, sent, _ = catalogue_sql
    assert len(sent) >= 5
    with FrameSource(frames).open() as query:
        for sql, params in sent:
            original = query.run(sql, params)
            carried = query.run(dialect.to_dialect(sql, params, "duckdb"))
            keys = [c for c in original.columns if not (c[0] == "p" and c[1:].isdigit())]
            pd.testing.assert_frame_equal(_by_keys(original, keys), _by_keys(carried, keys), check_dtype=False)


def test_postgres_text_has_no_duckdb_only_constructs(catalogue_sql):
    _, sent, _ = catalogue_sql
    for sql, params in sent:
        text = dialect.to_dialect(sql, params, "postgres")
        assert "EXCLUDE" not in text.upper() and "EXCEPT (" not in text.upper()
        assert "$" not in text and "%(" not in text
        assert "STRFTIME" not in text.upper()


def test_try_functions_become_guarded_casts():
    text = dialect.to_dialect("SELECT TRY_CAST(x AS DOUBLE) AS n, TRY_STRPTIME(d, '%d.%m.%Y') AS t FROM a",
                              None, "postgres")
    assert "TRY" not in text.upper() and "TO_TIMESTAMP(d, 'DD.MM.YYYY')" in text and "~" in text


def test_missing_parameter_is_named():
    with pytest.raises(dialect.UnsupportedSQL, match=r"\$w9"):
        dialect.to_dialect("SELECT 1 WHERE 1 = $w9", {}, "postgres")


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL")
def test_postgres_runs_the_whole_catalogue_and_agrees(catalogue_sql):
    """The demo data in PostgreSQL temp tables (canonical names): every carried statement runs and
    returns what DuckDB returned for the same statement."""
    import psycopg

    frames, sent, _ = catalogue_sql
    schema = load_schema()
    pg_types = {"VARCHAR": "text", "TIMESTAMP": "timestamp", "DOUBLE": "double precision", "BIGINT": "bigint",
                "BOOLEAN": "boolean"}
    url = os.environ["TEST_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")  # the suite's SQLAlchemy form
    with psycopg.connect(url) as con, FrameSource(frames).open() as duck:
        for name, spec in schema.items():
            cols = ", ".join(f"{quote(f.name)} {pg_types[SQL_TYPES[f.type]]}" for f in spec.fields)
            con.execute(f"CREATE TEMP TABLE {quote(name)} ({cols})")
            frame = frames.get(name)
            if frame is None or frame.empty:
                continue
            names = [f.name for f in spec.fields if f.name in frame.columns]
            with con.cursor().copy(f"COPY {quote(name)} ({', '.join(map(quote, names))}) FROM STDIN") as copy:
                for row in frame[names].astype(object).where(frame[names].notna(), None).itertuples(index=False):
                    copy.write_row(row)
        for sql, params in sent:
            cur = con.execute(dialect.to_dialect(sql, params, "postgres"))
            got = pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])
            want = duck.run(sql, params)
            keys = [c for c in want.columns if not (c[0] == "p" and c[1:].isdigit())]
            got, want = (_by_keys(f, keys) for f in (got, want))
            assert list(got.columns) == list(want.columns)
            for c in want.columns:
                if c[0] == "p" and c[1:].isdigit():
                    assert pd.to_numeric(got[c]).astype(float).tolist() == pytest.approx(
                        pd.to_numeric(want[c]).astype(float).tolist(), rel=1e-9, nan_ok=True), c
                else:
                    assert got[c].astype(str).tolist() == want[c].astype(str).tolist(), c


def _by_keys(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Rows in one order whatever the database's collation and NULL order: by the keys as text."""
    if not keys:
        return frame
    order = frame[keys].astype(object).where(frame[keys].notna(), "").astype(str).agg("|".join, axis=1)
    return frame.assign(_o=order.values).sort_values("_o").drop(columns="_o").reset_index(drop=True)


@pytest.mark.parametrize("target", ["trino", "snowflake", "bigquery", "spark", "databricks"])
def test_whole_catalogue_transpiles_for_warehouses(catalogue_sql, target):
    """Every statement of the catalogue by channel and month has a text in the warehouse's dialect
    (sqlglot raises on what it cannot express); none keeps a DuckDB-only construct."""
    _, sent, _ = catalogue_sql
    for sql, params in sent:
        text = dialect.to_dialect(sql, params, target)
        assert "EXCLUDE" not in text.upper() and "$" not in text
