"""The DuckDB typing of many distinct values (data.sql_typing) gives the same canonical frames, the
same failure table and the same rejected rows as the pandas parsers, on the export shapes of the
fuzz sweep and on the values where DuckDB and pandas read differently; and it is the one that runs
on a column of many distinct dates."""
from __future__ import annotations

import contextlib
import tempfile

import numpy as np
import pandas as pd
from hypothesis import given

from data import sql_typing
from data.dataset import read_dataset
from data.manifest import EntityMapping
from data.schema import FieldType
from data.typing import parse_dates, parse_numbers, type_coded
from tests.fuzz.test_fuzz_export_shapes import SWEEP, export, write_export

DATES = ["01.02.24", "24-01-01", " 2024-01-01", "2024-2-1", "2024-01-01", "13/06/2024", "05/06/2024", "45321",
         "01.02.2024 13:45", "2024-02-01T08:30:00Z", "2024-02-01 08:30:00.123", "31.02.2024", "gestern", "",
         "20240201", "2024111", "3/4/2024 1:05 PM", "2024/02/01", "01-02-2024", "1.2.2024", "2024-13-01", None]
NUMBERS = ["1_000", "NaN", "nan", "inf", "-inf", "1.234,56", "1,234.56", "12,50-", "€ 5", "5 %", "1e3", " 7 ", "",
           "1.", ".5", "+1", "0x10", "k.A.", "1 000", "-3", "12.5", "1.234.567", "\t7\n", "\u00a08", "9\u2003", None]


@contextlib.contextmanager
def engine(way: str):
    """``pandas``: no DuckDB; ``distinct``: DuckDB on the distinct values; ``rows``: DuckDB on every row."""
    before = sql_typing.SQL_MIN_VALUES, sql_typing.ROW_SHARE
    sql_typing.SQL_MIN_VALUES = 10**12 if way == "pandas" else 0
    sql_typing.ROW_SHARE = -1 if way == "rows" else 2
    try:
        yield
    finally:
        sql_typing.SQL_MIN_VALUES, sql_typing.ROW_SHARE = before


def _both(fn):
    """(DuckDB on the rows, DuckDB on the distinct values, pandas alone) of ``fn()``; the tests
    check that the first two equal the third."""
    with engine("pandas"):
        want = fn()
    for way in ("rows", "distinct"):
        with engine(way):
            yield fn(), want


def _series(values, repeat=3):
    return pd.Series(values * repeat, dtype="string")


def _typed(values, ftype, **options):
    return lambda: type_coded(_series(values), ftype, EntityMapping("orders", "o.csv", **options))


def _same(got, want):
    """Same typed values, same rows failing, same texts reported."""
    pd.testing.assert_series_equal(got[0], want[0])
    assert got[1].tolist() == want[1].tolist() and got[2].tolist() == want[2].tolist()


def test_dates_read_alike_where_duckdb_is_lenient():
    for got, want in _both(_typed(DATES, FieldType.DATE)):
        _same(got, want)
        typed = got[0]
        assert typed[0] == pd.Timestamp("2024-02-01")  # %d.%m.%y, not the year 24 DuckDB alone reads
        assert pd.isna(typed[1]) and got[1][1]  # 24-01-01 is no date
        assert typed[DATES.index("01-02-2024")] == pd.Timestamp("2024-02-01")  # no longer cut as '-20:24'
        assert typed[DATES.index("2024-02-01T08:30:00Z")] == pd.Timestamp("2024-02-01 08:30")


def test_us_dates_read_month_first_alike():
    us = ["05/06/2024", "12/31/2024", "3/4/2024 1:05 PM", "2024-01-01", "1/13/2024"]
    for got, want in _both(_typed(us, FieldType.DATE)):
        _same(got, want)
        assert got[0][0] == pd.Timestamp("2024-05-06")
    for got, want in _both(lambda: parse_dates(_series(us))):
        pd.testing.assert_series_equal(got, want)


def test_numbers_read_alike_with_either_decimal_mark():
    for decimal in (None, ",", "."):
        for ftype in (FieldType.NUMBER, FieldType.INTEGER):
            for got, want in _both(_typed(NUMBERS, ftype, decimal=decimal)):
                _same(got, want)
                assert got[1].any()
        for got, want in _both(lambda: parse_numbers(_series(NUMBERS), decimal)):
            pd.testing.assert_series_equal(got, want)
    for got, _ in _both(_typed(NUMBERS, FieldType.NUMBER, decimal=",")):
        typed = got[0]
        assert typed[5] == 1234.56 and typed[7] == -12.5 and np.isnan(typed[0]) and np.isnan(typed[1])


def test_a_column_of_many_distinct_timestamps_is_typed_in_duckdb_in_one_format(monkeypatch):
    times = pd.date_range("2024-01-01", periods=30_000, freq="37s")
    text = pd.Series(list(times.strftime("%d.%m.%Y %H:%M:%S")) + ["kaputt"], dtype="string")
    calls = []
    monkeypatch.setattr(sql_typing, "dates", lambda v, f, _real=sql_typing.dates: calls.append(f) or _real(v, f))
    typed, bad, texts = type_coded(text, FieldType.DATE, EntityMapping("orders", "o.csv"))
    assert calls == [("%d.%m.%Y %H:%M:%S",)]  # one format for the column, chosen on the sample
    assert typed.iloc[-2] == times[-1] and pd.isna(typed.iloc[-1])
    assert np.flatnonzero(bad).tolist() == [30_000] and texts.tolist() == ["kaputt"]


@SWEEP
@given(export())
def test_import_is_the_same_with_duckdb_and_pandas_typing(case):
    entity = case[0]
    with tempfile.TemporaryDirectory() as tmp:
        manifest, _ = write_export(tmp, case)
        try:
            pairs = list(_both(lambda: read_dataset(manifest)))
        except Exception as exc:  # refused files are refused alike (the sweep checks they are located)
            with engine("pandas"), contextlib.suppress(type(exc)):
                read_dataset(manifest)
                raise AssertionError("only the DuckDB typing refused the file") from exc
            return
    for got, want in pairs:
        pd.testing.assert_frame_equal(got.frames[entity], want.frames[entity])
        pd.testing.assert_frame_equal(got.report.to_frame(), want.report.to_frame())
        pd.testing.assert_frame_equal(got.rejected[entity], want.rejected[entity])
