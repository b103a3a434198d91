"""Sources: empty inputs, missing entities and columns, Parquet paths give the same as DataFrames."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DataImportError, InputError
from core.query import Filters
from data.schema import ENTITY_NAMES
from lifecycle.channels import channel_economics, channel_sales, segment_channel
from lifecycle.clv import lifetime_value
from lifecycle.cohorts import cohort_matrix, cohort_retention
from lifecycle.funnel import STEPS, funnel
from lifecycle.stages import stage_kpis
from tests.lifecycle.examples import frames, load_cases

VIEWS = {
    "funnel": lambda s, f: funnel(s, f),
    "stages": lambda s, f: stage_kpis(s, f, "month"),
    "cohorts": lambda s, f: cohort_retention(s, f),
    "economics": lambda s, f: channel_economics(s, f),
    "segments": lambda s, f: segment_channel(s, f),
    "sales": lambda s, f: channel_sales(s, f, "quarter"),
    "clv": lambda s, f: lifetime_value(s, f, "segment"),
}
FEBRUARY_WEB = Filters.of(date(2024, 2, 1), date(2024, 3, 1), channel=["web"])


def _shop() -> dict[str, pd.DataFrame]:
    return frames(load_cases("funnel")[0])


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("filters", [Filters(), FEBRUARY_WEB], ids=["all", "february_web"])
def test_parquet_paths_give_the_same_result(view, filters, tmp_path):
    shop = _shop()
    paths = {}
    for name, frame in shop.items():
        paths[name] = tmp_path / f"{name}.parquet"
        frame.to_parquet(paths[name])
    expected = VIEWS[view](shop, filters)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(VIEWS[view](paths, filters), expected)


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("source", ["nothing", "empty_frames", "empty_canonical"])
def test_empty_inputs_give_empty_results(view, source):
    sources = {
        "nothing": {},
        "empty_frames": {name: pd.DataFrame() for name in ENTITY_NAMES},
        "empty_canonical": frames({name: [] for name in ENTITY_NAMES}),
    }
    result = VIEWS[view](sources[source], Filters.of(date(2024, 1, 1), date(2024, 2, 1)))
    if view == "funnel":  # the steps stay, with nothing in them
        assert result["step"].tolist() == list(STEPS)
        assert (result["count"] == 0).all() and result["conversion"].isna().all()
    else:
        assert result.empty
        assert len(result.columns) >= 4


def test_empty_cohort_matrix():
    assert cohort_matrix(cohort_retention({})).empty


def test_missing_optional_columns_read_as_empty():
    """An import that mapped only the required contact fields still yields the rates."""
    source = {"campaign_contacts": pd.DataFrame({
        "channel": pd.array(["mail", "mail", "web"], dtype="string"),
        "responded": pd.array([True, False, True], dtype="boolean")})}
    result = channel_economics(source).set_index("channel")
    assert result.loc["mail", "response_rate"] == 0.5
    assert result.loc["web", "contacts"] == 1
    assert result["cost"].isna().all()


def test_missing_parquet_file_is_a_located_error(tmp_path):
    with pytest.raises(DataImportError) as err:
        funnel({"orders": tmp_path / "gone.parquet"})
    assert "gone.parquet" in err.value.describe()


def test_clv_rejects_unknown_grouping():
    with pytest.raises(InputError, match="cannot group"):
        lifetime_value({}, by="product")


def test_filter_values_are_bound_not_spliced():
    """A filter value with quotes is data, not SQL."""
    shop = _shop()
    result = channel_economics(shop, Filters.of(channel=["web' OR '1'='1"]))
    assert result.empty


contact = st.fixed_dictionaries({
    "customer_id": st.sampled_from(["a", "b", "c", "d"]),
    "channel": st.sampled_from(["mail", "web"]),
    "contacted_at": st.dates(date(2024, 1, 1), date(2024, 3, 31)),
    "responded": st.booleans(),
    "converted": st.booleans(),
})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(contact, min_size=1, max_size=12))
def test_rates_stay_in_range_and_leads_never_exceed_prospects(rows):
    source = frames({"campaign_contacts": rows})
    steps = funnel(source, Filters.of(date(2024, 1, 1), date(2024, 4, 1))).set_index("step")
    assert 0 <= steps.loc["leads", "count"] <= steps.loc["prospects", "count"] <= 4
    rates = stage_kpis(source, None, "month")
    assert rates["value"].between(0, 1).all()
    assert rates["denominator"].sum() == 2 * len(rows)  # response and conversion count every contact
