"""Pre-aggregates: answers rolled up from the cubes (and the stored exact tables) equal the engine
on the raw rows and the pandas reference, for every slicing they support; stale ones are ignored."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kpis.engine as engine
from core.query import Filters
from kpis.aggregates import EXACT_SHAPES, additive, build_aggregates, find_aggregates
from kpis.catalogue import load_catalogue
from kpis.engine import compute, compute_from_raw
from kpis.reference import compute_reference
from tests.kpis.random_data import CHANNELS, random_dataset

ADDITIVE = [k.id for k in load_catalogue() if k.parts and all(additive(p) for p in k.parts)]
NOT_ADDITIVE = [k.id for k in load_catalogue() if k.parts and not all(additive(p) for p in k.parts)]


@pytest.fixture(scope="module")
def dataset() -> dict[str, pd.DataFrame]:
    return random_dataset(3000, seed=5)


@pytest.fixture(scope="module")
def stored(dataset, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("v1")
    for name, frame in dataset.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    build_aggregates(folder)
    return {name: folder / f"{name}.parquet" for name in dataset}


CASES = [
    ((), None, Filters()),
    (("channel",), "month", Filters()),
    ((), "quarter", Filters()),
    (("segment", "region"), "quarter", Filters.of(date(2023, 3, 1), date(2024, 6, 1), channel=["web", "email"])),
    (("acquisition_channel",), "year", Filters.of(segment=["A"])),
    (("campaign_id",), "month", Filters.of(region=["Nord", "Süd"])),
    (("stage", "product_category", "type"), "month", Filters()),
    (("channel",), None, Filters.of(date(2023, 7, 1), date(2024, 1, 1))),
    (("channel",), "quarter", Filters.of(date(2023, 7, 15), date(2024, 1, 1))),  # not month-aligned: raw
]
IDS = ["total", "channel-month", "quarter", "segment-region-quarter-filtered", "acquisition-year",
       "campaign-region", "stage-category-type", "channel-range", "mid-month-range"]


@pytest.mark.parametrize(("by", "period", "filters"), CASES, ids=IDS)
def test_aggregates_equal_raw_and_reference(dataset, stored, by, period, filters) -> None:
    fast = compute(stored, "all", by=by, period=period, filters=filters)
    raw = compute_from_raw(stored, "all", by=by, period=period, filters=filters)
    want = compute_reference(dataset, "all", by=by, period=period, filters=filters)
    pd.testing.assert_frame_equal(fast, raw, check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(fast, want, check_exact=False, rtol=1e-9)


@pytest.mark.parametrize(("by", "period", "filters"), CASES[3:8], ids=IDS[3:8])
def test_additive_kpis_never_read_raw_rows(stored, by, period, filters, monkeypatch) -> None:
    scans = []
    monkeypatch.setattr(engine, "_run", lambda *a: scans.append(a) or pd.DataFrame())
    compute(stored, ADDITIVE, by=by, period=period, filters=filters)
    assert scans == []


@pytest.mark.parametrize(("by", "period"), EXACT_SHAPES)
def test_stored_shapes_need_no_database(stored, by, period, monkeypatch) -> None:
    """The scorecard's and KPI page's default questions, non-additive KPIs included."""
    monkeypatch.setattr(engine, "connection", lambda: pytest.fail("opened DuckDB"))
    out = compute(stored, "all", by=by, period=period)
    assert set(NOT_ADDITIVE) <= set(out["kpi"])


def test_a_filtered_non_additive_kpi_reads_raw(stored, monkeypatch) -> None:
    scans = []
    real = engine._run
    monkeypatch.setattr(engine, "_run", lambda *a: scans.append(a[1].entity) or real(*a))
    compute(stored, ["repeat_purchase_rate", "revenue"], by=("channel",), period="month",
            filters=Filters.of(region=["Nord"]))
    assert scans == ["orders"]  # repeat purchases per customer: raw; revenue: from the cube


def test_changed_data_makes_aggregates_stale(dataset, tmp_path) -> None:
    for name, frame in dataset.items():
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    build_aggregates(tmp_path)
    paths = {name: tmp_path / f"{name}.parquet" for name in dataset}
    assert find_aggregates(paths) is not None
    dataset["orders"].head(10).to_parquet(paths["orders"], index=False)
    assert find_aggregates(paths) is None
    assert find_aggregates({"orders": dataset["orders"]}) is None  # frames have no aggregates


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(start=st.integers(0, 23), months=st.integers(1, 18), channels=st.sets(st.sampled_from(CHANNELS), min_size=1),
       by=st.sampled_from([(), ("channel",), ("segment",), ("region", "channel")]),
       period=st.sampled_from([None, "month", "quarter", "year"]))
def test_any_month_range_and_channel_filter_rolls_up_exactly(stored, start, months, channels, by, period) -> None:
    first = pd.Timestamp("2023-01-01") + pd.DateOffset(months=start)
    filters = Filters.of(first.date(), (first + pd.DateOffset(months=months)).date(), channel=sorted(channels))
    fast = compute(stored, ADDITIVE, by=by, period=period, filters=filters)
    raw = compute_from_raw(stored, ADDITIVE, by=by, period=period, filters=filters)
    pd.testing.assert_frame_equal(fast, raw, check_exact=False, rtol=1e-9)


def test_saving_a_dataset_writes_its_aggregates(engine, client, tmp_path, dataset) -> None:
    from storage.datasets import dataset_paths, save_dataset

    info = save_dataset(engine, tmp_path, client.id, dataset, label="v1")
    paths = dataset_paths(tmp_path, info)
    assert find_aggregates(paths) is not None
    pd.testing.assert_frame_equal(compute(paths, "all", by=("channel",), period="month"),
                                  compute_from_raw(paths, "all", by=("channel",), period="month"))


@pytest.mark.parametrize("kpi_ids", ["all", ["revenue", "products_sold", "campaign_response_rate"]])
def test_a_version_with_an_empty_and_a_partial_entity(dataset, tmp_path, kpi_ids) -> None:
    """No orders at all, contacts without cost and conversion: same answers as the raw rows."""
    dataset["orders"].head(0).to_parquet(tmp_path / "orders.parquet", index=False)
    dataset["campaign_contacts"].drop(columns=["cost", "converted"]).to_parquet(
        tmp_path / "campaign_contacts.parquet", index=False)
    build_aggregates(tmp_path)
    paths = {p.stem: p for p in tmp_path.glob("*.parquet")}
    for q in (dict(by=("channel",), period="month"), dict(by=("segment",), filters=Filters.of(channel=["web"]))):
        pd.testing.assert_frame_equal(compute(paths, kpi_ids, **q), compute_from_raw(paths, kpi_ids, **q))


def test_a_failing_pre_aggregation_does_not_fail_the_import(engine, client, tmp_path, dataset, monkeypatch) -> None:
    import kpis.aggregates as aggregates
    from storage.datasets import dataset_folder, dataset_paths, save_dataset

    def broken(folder):
        (folder / aggregates.FOLDER).mkdir()
        raise RuntimeError("disk full")

    monkeypatch.setattr(aggregates, "build_aggregates", broken)
    info = save_dataset(engine, tmp_path, client.id, {"orders": dataset["orders"]})
    assert not (dataset_folder(tmp_path, info) / aggregates.FOLDER).exists()
    assert find_aggregates(dataset_paths(tmp_path, info)) is None
    out = compute(dataset_paths(tmp_path, info), ["revenue"], by=("channel",))  # from the raw rows
    assert set(out["channel"]) == set(CHANNELS)
    assert out["value"].sum() == pytest.approx(dataset["orders"]["revenue"].sum())
