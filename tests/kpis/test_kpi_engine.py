"""The DuckDB engine against the plain pandas reference, the result contract, and its inputs."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kpis.engine as engine
from core.errors import InputError
from core.query import Filters
from data.schema import load_schema
from kpis.catalogue import load_catalogue
from kpis.engine import compute
from kpis.reference import compute_reference
from kpis.results import explain
from kpis.sql import compile_scan
from sources.dimensions import Dimensions
from tests.kpis.frames import canonical_frames
from tests.kpis.random_data import CHANNELS, random_dataset


@pytest.fixture(scope="module")
def dataset() -> dict[str, pd.DataFrame]:
    return random_dataset(3000, seed=11)


@pytest.mark.parametrize(("by", "period", "filters"), [
    ((), None, Filters()),
    (("channel",), "month", Filters()),
    (("segment", "region"), "quarter", Filters.of(date(2023, 3, 1), date(2024, 6, 1), channel=["web", "email"])),
    (("acquisition_channel",), "year", Filters.of(segment=["A"])),
    ((), None, Filters.of(date(2023, 7, 1), date(2024, 1, 1))),
], ids=["total", "channel-month", "segment-region-quarter-filtered", "acquisition-year", "range"])
def test_engine_matches_pandas_reference(dataset, by, period, filters) -> None:
    got = compute(dataset, "all", by=by, period=period, filters=filters)
    want = compute_reference(dataset, "all", by=by, period=period, filters=filters)
    assert len(got) > 21 or not by
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9)


def test_parquet_paths_give_the_same_figures(dataset, tmp_path) -> None:
    paths = {}
    for name, frame in dataset.items():
        paths[name] = tmp_path / f"{name}.parquet"
        frame.to_parquet(paths[name])
    got = compute(paths, "all", by=["channel"], period="quarter")
    pd.testing.assert_frame_equal(got, compute(dataset, "all", by=["channel"], period="quarter"))


def test_result_columns_follow_the_contract(dataset) -> None:
    out = compute(dataset, ["campaign_response_rate", "revenue", "nps"], by=["channel"], period="month")
    assert list(out.columns[:6]) == ["kpi", "channel", "period", "value", "numerator", "denominator"]
    assert set(out["kpi"]) == {"campaign_response_rate", "revenue", "nps"}
    assert out.loc[out["kpi"] == "revenue", "numerator"].isna().all()  # not a ratio
    assert out["period"].str.fullmatch(r"\d{4}-\d{2}").all()
    nps = out[out["kpi"] == "nps"]
    assert nps["channel"].isna().all()  # surveys have no channel: computed over all, per month
    assert set(out.loc[out["kpi"] == "revenue", "channel"].dropna()) == set(CHANNELS)


def test_kept_columns_are_dimensions() -> None:
    frames = canonical_frames({"orders": [
        {"channel": "web", "product": "P1", "revenue": 10.0}, {"channel": "web", "product": "P1", "revenue": 5.0},
        {"channel": "store", "product": "P2", "revenue": 7.0}]})
    frames["orders"]["Filiale"] = pd.Series(["Nord", "Nord", "Süd"], dtype="string")
    out = compute(frames, ["revenue"], by=["Filiale"])
    assert out[["Filiale", "value"]].values.tolist() == [["Nord", 15.0], ["Süd", 7.0]]
    out = compute(frames, ["revenue"], filters=Filters.of(Filiale=["Süd"]))
    assert out["value"].tolist() == [7.0]


def test_unknown_kpi_and_unknown_field_are_named(dataset) -> None:
    with pytest.raises(InputError, match="umsatz"):
        compute(dataset, ["revenue", "umsatz"])
    with pytest.raises(InputError) as info:
        compute(dataset, ["revenue"], by=["kanal"])
    assert "kanal" in info.value.describe()


def test_one_scan_per_entity_and_grouping(dataset, monkeypatch) -> None:
    scans = []
    original = engine._run

    def spy(con, scan, parts, filters):
        scans.append((scan.entity, scan.kind))
        return original(con, scan, parts, filters)

    monkeypatch.setattr(engine, "_run", spy)
    ids = [k.id for k in load_catalogue() if k.entity == "orders"]
    compute(dataset, ids, by=["channel"], period="month")
    assert sorted(scans) == [("orders", "per"), ("orders", "plain")]


def test_literals_are_bound_parameters_not_sql_text() -> None:
    kpi = load_catalogue().get("nps")
    scan = engine._scan(kpi, kpi.parts[0], ("channel",), "month", Filters.of(region=["Nord'; DROP TABLE x"]),
                        {f for f in ("score", "kind", "answered_at", "customer_id")}, Dimensions(load_schema()))
    sql, params = compile_scan(scan, kpi.parts)
    assert "'nps'" not in sql and "nps" in dict(params).values()
    assert "DROP" not in sql and "$f0_0" in sql
    assert '"kind" = $w' in sql


def test_no_data_gives_empty_values_not_errors() -> None:
    out = compute({}, "all")
    assert len(out) == 21
    counts = out.set_index("kpi")["value"]
    assert counts["revenue"] == 0 and counts["new_customers"] == 0
    assert np.isnan(counts["campaign_response_rate"]) and np.isnan(counts["nps"])
    assert compute({}, "all", by=["channel"], period="month")["kpi"].tolist() == ["data_completeness",
                                                                                    "maturity_index"]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(CHANNELS), st.sampled_from([True, False, None]),
                          st.sampled_from(["C1", "C2", "C3", None]), st.integers(1, 3)), max_size=40))
def test_a_rate_stays_between_zero_and_one(rows) -> None:
    frames = canonical_frames({
        "campaign_contacts": [{"channel": c, "responded": r, "converted": r, "customer_id": k,
                               "contacted_at": date(2024, m, 1)} for c, r, k, m in rows],
        "orders": [{"channel": c, "product": "P", "product_category": f"X{m}", "customer_id": k,
                    "order_date": date(2024, m, 2)} for c, r, k, m in rows]})
    ratios = ["campaign_response_rate", "campaign_conversion_rate", "repeat_purchase_rate", "cross_sell_rate"]
    for by, period in (((), None), (("channel",), "month")):
        values = compute(frames, ratios, by=by, period=period)["value"].dropna()
        assert ((values >= 0) & (values <= 1)).all()


@pytest.mark.parametrize(("lang", "text"), [("de", "5.289 von 45.211 Kontakten haben reagiert"),
                                            ("en", "5,289 of 45,211 contacts responded")])
def test_explain_a_ratio(lang: str, text: str) -> None:
    kpi = load_catalogue().get("campaign_response_rate")
    row = {"value": 5289 / 45211, "numerator": 5289.0, "denominator": 45211.0}
    assert explain(kpi, row, lang) == text


def test_explain_a_plain_value() -> None:
    kpi = load_catalogue().get("revenue")
    assert explain(kpi, {"value": 1234.5}, "de") == "Umsatz: 1.234,50 €"
    assert explain(kpi, {"value": float("nan")}, "en") == "Revenue: –"


def test_a_user_kpi_reads_a_kept_column() -> None:
    from kpis.catalogue import parse_catalogue

    catalogue = parse_catalogue({"kpis": [{
        "id": "north_revenue", "name": "Umsatz Nord", "description": "Umsatz der Filialen im Norden",
        "unit": "currency", "direction": "higher_is_better", "stage": "development", "perspective": "financial",
        "entity": "orders", "date_field": "order_date", "dimensions": ["channel"], "kept": ["Filiale"],
        "parts": {"revenue": {"agg": "sum", "field": "revenue", "where": {"Filiale": "Nord"}}}}]})
    frames = canonical_frames({"orders": [
        {"channel": "web", "product": "P1", "revenue": 10.0}, {"channel": "web", "product": "P1", "revenue": 5.0},
        {"channel": "store", "product": "P2", "revenue": 7.0}]})
    with pytest.raises(InputError, match="Filiale"):
        compute(frames, ["north_revenue"], catalogue=catalogue)
    frames["orders"]["Filiale"] = pd.Series(["Nord", "Süd", "Nord"], dtype="string")
    out = compute(frames, ["north_revenue"], by=["channel"], catalogue=catalogue)
    assert out[["channel", "value"]].values.tolist() == [["store", 7.0], ["web", 10.0]]
    pd.testing.assert_frame_equal(out, compute_reference(frames, ["north_revenue"], by=["channel"],
                                                         catalogue=catalogue))
