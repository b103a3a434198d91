"""The lifecycle views from the pre-aggregates (``lifecycle.preagg``): channel economics, the
segment x channel matrix and the sales per period equal the raw SQL under any dimension filter
and month-boundary range, read no raw row, and fall back to the raw rows where they cannot answer."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lifecycle.channels as channels
import lifecycle.clv as clv
from core.query import Filters
from kpis.cubes import FOLDER
from kpis.prebuild import build_aggregates
from lifecycle.views import compute_view
from sources.source import StoredDataset
from tests.kpis.random_data import CHANNELS, random_dataset

VIEWS = ("channels", "segments", "sales", "clv")


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> tuple[StoredDataset, StoredDataset]:
    folder = tmp_path_factory.mktemp("lifecycle-preagg")
    for name, frame in random_dataset(3000, seed=3).items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    files = {p.stem: p for p in folder.glob("*.parquet")}
    build_aggregates(files, folder / FOLDER)
    return StoredDataset(files, folder / FOLDER), StoredDataset(files)  # with and without aggregates


def _no_raw(monkeypatch) -> None:
    for module in (channels, clv):
        monkeypatch.setattr(module, "fetch", lambda *a: pytest.fail("read the raw rows"))


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("filters", [
    Filters(), Filters.of(date(2023, 1, 1), date(2024, 1, 1), channel=["email", "web"]),
    Filters.of(date(2023, 5, 1), None, segment=["A"], region=["Nord", "Süd"]),
    Filters.of(date(2023, 1, 1), date(2026, 1, 1), channel=["web"]),  # ends after the last order
], ids=["all", "year-channel", "from-may-segment-region", "until-after-the-data"])
def test_views_from_aggregates_equal_the_raw_sql(sources, view, filters, monkeypatch) -> None:
    stored, raw = sources
    want = compute_view(raw, view, filters, period="quarter")
    if not (view == "clv" and filters.end == date(2024, 1, 1)):  # that end cuts the orders: raw
        _no_raw(monkeypatch)
    got = compute_view(stored, view, filters, period="quarter")
    assert len(got) > 0
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9)


def test_a_range_inside_a_month_reads_the_raw_rows(sources, monkeypatch) -> None:
    stored, raw = sources
    filters = Filters.of(date(2023, 3, 15), date(2024, 1, 1))
    calls = []
    real = channels.fetch
    monkeypatch.setattr(channels, "fetch", lambda *a: calls.append(1) or real(*a))
    pd.testing.assert_frame_equal(compute_view(stored, "channels", filters), compute_view(raw, "channels", filters))
    assert calls == [1, 1]


def test_a_value_before_an_end_inside_the_orders_reads_the_raw_rows(sources, monkeypatch) -> None:
    stored, raw = sources
    filters = Filters.of(date(2023, 1, 1), date(2024, 1, 1))  # orders run on after 2023
    calls = []
    real = clv.fetch
    monkeypatch.setattr(clv, "fetch", lambda *a: calls.append(1) or real(*a))
    pd.testing.assert_frame_equal(compute_view(stored, "clv", filters), compute_view(raw, "clv", filters))
    assert calls == [1, 1]  # the stored source read the raw rows as the raw one did


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(start=st.one_of(st.none(), st.integers(0, 26)), months=st.one_of(st.none(), st.integers(1, 14)),
       chosen=st.sets(st.sampled_from(CHANNELS + ["fax"]), max_size=3),
       segment=st.sets(st.sampled_from(["A", "B", "C"]), max_size=2),
       view=st.sampled_from(VIEWS), period=st.sampled_from(["month", "quarter", "year"]))
def test_any_filter_equals_the_raw_sql(sources, start, months, chosen, segment, view, period) -> None:
    stored, raw = sources
    first = None if start is None else pd.Timestamp("2023-01-01") + pd.DateOffset(months=start)
    end = None if first is None or months is None else (first + pd.DateOffset(months=months)).date()
    filters = Filters.of(None if first is None else first.date(), end, channel=sorted(chosen), segment=sorted(segment))
    pd.testing.assert_frame_equal(compute_view(stored, view, filters, period=period),
                                  compute_view(raw, view, filters, period=period), check_exact=False, rtol=1e-9)
