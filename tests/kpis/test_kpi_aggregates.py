"""Pre-aggregates: answers rolled up from the cubes (and the stored exact tables) equal the engine
on the raw rows and the pandas reference, for every slicing they support; stale ones are ignored."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kpis.engine as engine
import kpis.prebuild as prebuild
import sources.connection as connection
from core.query import Filters
from kpis.aggregates import find_aggregates
from kpis.catalogue import load_catalogue
from kpis.cubes import EXACT_SHAPES, FOLDER, additive
from kpis.engine import compute, compute_from_raw
from kpis.prebuild import build_aggregates
from kpis.reference import compute_reference
from sources.source import FrameSource, StoredDataset
from tests.kpis.random_data import CHANNELS, random_dataset

ADDITIVE = [k.id for k in load_catalogue() if k.parts and all(additive(p) for p in k.parts)]
NOT_ADDITIVE = [k.id for k in load_catalogue() if k.parts and not all(additive(p) for p in k.parts)]


@pytest.fixture(scope="module")
def dataset() -> dict[str, pd.DataFrame]:
    return random_dataset(3000, seed=5)


@pytest.fixture(scope="module")
def stored(dataset, tmp_path_factory) -> StoredDataset:
    return _store(dataset, tmp_path_factory.mktemp("v1"))


def _store(dataset: dict[str, pd.DataFrame], folder) -> StoredDataset:
    for name, frame in dataset.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    files = {p.stem: p for p in folder.glob("*.parquet")}
    build_aggregates(files, folder / FOLDER)
    return StoredDataset(files, folder / FOLDER)


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
    monkeypatch.setattr(connection, "cursor", lambda: pytest.fail("opened DuckDB"))
    out = compute(stored, "all", by=by, period=period)
    assert set(NOT_ADDITIVE) <= set(out["kpi"])


def test_a_non_additive_kpi_sliced_by_a_row_column_reads_raw(stored, monkeypatch) -> None:
    scans = []
    real = engine._run
    monkeypatch.setattr(engine, "_run", lambda *a: scans.append(a[1].entity) or real(*a))
    compute(stored, ["revenue_per_customer", "revenue"], by=("product_category",), period="month",
            filters=Filters.of(region=["Nord"]))
    assert scans == ["orders"]  # distinct customers per product category: raw; revenue: from the cube


def test_changed_data_makes_aggregates_stale(dataset, tmp_path) -> None:
    source = _store(dataset, tmp_path)
    assert find_aggregates(source) is not None
    dataset["orders"].head(10).to_parquet(source.files["orders"], index=False)
    assert find_aggregates(source) is None
    assert find_aggregates(FrameSource({"orders": dataset["orders"]})) is None  # frames have no aggregates


def test_aggregates_are_used_only_when_the_source_names_them(dataset, tmp_path) -> None:
    """No folder sniffing: the same files without the aggregates folder passed are read raw."""
    source = _store(dataset, tmp_path)
    assert find_aggregates(StoredDataset(source.files)) is None
    assert find_aggregates(engine.as_source(dict(source.files))) is None


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


def test_building_after_a_save_writes_the_aggregates(engine, client, tmp_path, dataset) -> None:
    from sources.store import stored_dataset
    from storage.datasets import save_dataset

    info = save_dataset(engine, tmp_path, client.id, dataset, label="v1")
    source = stored_dataset(tmp_path, info)
    assert find_aggregates(source) is None  # storage builds nothing itself
    assert prebuild.build(tmp_path, info) is not None
    assert find_aggregates(source) is not None
    pd.testing.assert_frame_equal(compute(source, "all", by=("channel",), period="month"),
                                  compute_from_raw(source, "all", by=("channel",), period="month"))


@pytest.mark.parametrize("kpi_ids", ["all", ["revenue", "products_sold", "campaign_response_rate"]])
def test_a_version_with_an_empty_and_a_partial_entity(dataset, tmp_path, kpi_ids) -> None:
    """No orders at all, contacts without cost and conversion: same answers as the raw rows."""
    dataset["orders"].head(0).to_parquet(tmp_path / "orders.parquet", index=False)
    dataset["campaign_contacts"].drop(columns=["cost", "converted"]).to_parquet(
        tmp_path / "campaign_contacts.parquet", index=False)
    files = {p.stem: p for p in tmp_path.glob("*.parquet")}
    build_aggregates(files, tmp_path / FOLDER)
    paths = StoredDataset(files, tmp_path / FOLDER)
    assert find_aggregates(paths) is not None
    for q in (dict(by=("channel",), period="month"), dict(by=("segment",), filters=Filters.of(channel=["web"]))):
        pd.testing.assert_frame_equal(compute(paths, kpi_ids, **q), compute_from_raw(paths, kpi_ids, **q))


def test_a_failing_pre_aggregation_does_not_fail_the_import(engine, client, tmp_path, dataset, monkeypatch) -> None:
    from sources.store import stored_dataset
    from storage.datasets import dataset_folder, save_dataset

    def broken(files, out, catalogue=None):
        (out / "half.parquet").write_bytes(b"")
        raise RuntimeError("disk full")

    monkeypatch.setattr(prebuild, "build_aggregates", broken)
    info = save_dataset(engine, tmp_path, client.id, {"orders": dataset["orders"]})
    assert prebuild.build(tmp_path, info) is None
    assert [p.name for p in dataset_folder(tmp_path, info).iterdir()] == ["orders.parquet"]  # nothing half-built
    source = stored_dataset(tmp_path, info)
    assert find_aggregates(source) is None
    out = compute(source, ["revenue"], by=("channel",))  # from the raw rows
    assert set(out["channel"]) == set(CHANNELS)
    assert out["value"].sum() == pytest.approx(dataset["orders"]["revenue"].sum())
