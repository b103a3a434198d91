"""The non-additive KPIs from the side tables (``kpis.sidebuild``/``kpis.sides``): under any
dimension filter, slicing, granularity and month-boundary date range, every KPI of the catalogue
equals the engine on the raw rows, and the non-additive ones read no raw row when the side tables
can answer (a range cutting a quarter still reads the raw rows for the distinct counts)."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kpis.engine as engine
from core.query import Filters
from kpis.catalogue import load_catalogue
from kpis.cubes import FOLDER, additive
from kpis.engine import compute, compute_from_raw
from kpis.prebuild import build_aggregates
from sources.source import StoredDataset
from tests.kpis.random_data import CHANNELS, random_dataset

NOT_ADDITIVE = ["churn_rate", "win_back_rate", "repeat_purchase_rate", "cross_sell_rate", "revenue_per_customer",
                "customer_lifetime_value", "complaint_resolution_hours"]  # the seven of issue 15
ALL = [k.id for k in load_catalogue() if k.parts]


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> StoredDataset:
    folder = tmp_path_factory.mktemp("sides")
    for name, frame in random_dataset(4000, seed=11).items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    files = {p.stem: p for p in folder.glob("*.parquet")}
    build_aggregates(files, folder / FOLDER)
    return StoredDataset(files, folder / FOLDER)


def _raw_scans(monkeypatch) -> list[str]:
    scans: list[str] = []
    real = engine._run
    monkeypatch.setattr(engine, "_run", lambda *a: scans.append(a[1].entity) or real(*a))
    return scans


def test_win_back_is_a_cube_measure_and_the_other_six_need_side_tables() -> None:
    """Whether a churned customer ordered later is fixed per customer for a dataset version."""
    cat = load_catalogue()
    assert [k for k in NOT_ADDITIVE if all(additive(p) for p in cat.get(k).parts)] == ["win_back_rate"]


@pytest.mark.parametrize(("by", "period", "filters"), [
    (("segment",), "quarter", Filters.of(date(2024, 1, 1), date(2025, 1, 1), channel=["email", "web"])),
    (("channel",), "month", Filters.of(region=["Nord"])),
    (("region", "channel"), "year", Filters.of(segment=["A", "B"], channel=["store"])),
    ((), None, Filters.of(date(2023, 4, 1), date(2023, 7, 1), acquisition_channel=["web"])),  # one quarter
    (("acquisition_channel",), None, Filters.of(channel=["phone", "web", "email"])),
])
def test_filter_changes_read_no_raw_rows_and_equal_them(stored, monkeypatch, by, period, filters) -> None:
    scans = _raw_scans(monkeypatch)
    fast = compute(stored, NOT_ADDITIVE, by=by, period=period, filters=filters)
    assert scans == []
    raw = compute_from_raw(stored, NOT_ADDITIVE, by=by, period=period, filters=filters)
    assert set(fast["kpi"]) == set(NOT_ADDITIVE)
    pd.testing.assert_frame_equal(fast, raw, check_exact=False, rtol=1e-9)


def test_a_range_cutting_a_quarter_reads_the_distinct_counts_raw(stored, monkeypatch) -> None:
    scans = _raw_scans(monkeypatch)
    q = dict(by=("segment",), period="quarter", filters=Filters.of(date(2023, 2, 1), date(2024, 1, 1)))
    fast = compute(stored, ["repeat_purchase_rate", "churn_rate", "complaint_resolution_hours"], **q)
    assert scans == ["orders"]  # churn and the median still come from their tables
    pd.testing.assert_frame_equal(fast, compute_from_raw(
        stored, ["repeat_purchase_rate", "churn_rate", "complaint_resolution_hours"], **q), check_exact=False, rtol=1e-9)


DIMENSIONS = {"channel": CHANNELS + ["fax"], "segment": ["A", "B", "C"], "region": ["Nord", "Süd", "West"],
              "acquisition_channel": CHANNELS, "product_category": ["x"]}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(start=st.one_of(st.none(), st.integers(0, 30)), months=st.sampled_from([None, 1, 2, 3, 6, 12, 15]),
       dims=st.dictionaries(st.sampled_from(["channel", "segment", "region", "acquisition_channel"]),
                            st.integers(1, 15), max_size=2),
       by=st.sampled_from([(), ("channel",), ("segment",), ("region", "channel"), ("acquisition_channel",),
                           ("product_category",)]),
       period=st.sampled_from([None, "month", "quarter", "year"]))
def test_every_kpi_under_any_filter_equals_the_raw_rows(stored, start, months, dims, by, period) -> None:
    first = None if start is None else pd.Timestamp("2023-01-01") + pd.DateOffset(months=start)
    end = None if first is None or months is None else (first + pd.DateOffset(months=months)).date()
    chosen = {d: [v for i, v in enumerate(DIMENSIONS[d]) if bits >> i & 1] or DIMENSIONS[d][:1]
              for d, bits in dims.items()}
    filters = Filters.of(None if first is None else first.date(), end, **chosen)
    fast = compute(stored, ALL, by=by, period=period, filters=filters)
    raw = compute_from_raw(stored, ALL, by=by, period=period, filters=filters)
    pd.testing.assert_frame_equal(fast, raw, check_exact=False, rtol=1e-9)
