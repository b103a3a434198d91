"""The channel plan: expected value of one contact per group and channel, with Wilson intervals."""
import numpy as np
import pandas as pd
import pytest

from analytics.channels import plan, wilson
from core.errors import InputError
from tests.analytics.synthetic import channel_frames


@pytest.mark.parametrize("k, n, lo, hi", [
    (0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (5, 10, 0.2366, 0.7634), (81, 263, 0.2553, 0.3662)])
def test_wilson_interval_matches_published_values(k, n, lo, hi):
    low, high = wilson(np.array([k]), np.array([n]))
    assert (low[0], high[0]) == (pytest.approx(lo, abs=1e-4), pytest.approx(hi, abs=1e-4))


def test_expected_value_is_conversions_per_contact_times_value_minus_cost():
    data = channel_frames()
    cp = plan(data)
    row = cp.plan.set_index(["segment", "channel"]).loc[("A", "phone")]
    contacts = data["campaign_contacts"]
    a = contacts[contacts["customer_id"].str.startswith("A") & contacts["channel"].eq("phone")]
    orders = data["orders"][data["orders"]["customer_id"].str.startswith("A")]
    value = orders["revenue"].mean()
    assert row["contacts"] == len(a) and row["conversions"] == a["converted"].sum()
    assert row["value_per_conversion"] == pytest.approx(value)
    assert row["expected_value_per_contact"] == pytest.approx(a["converted"].mean() * value - 5.0)
    assert row["break_even_cost"] == pytest.approx(a["converted"].mean() * value)
    assert row["lower"] < row["expected_value_per_contact"] < row["upper"]


def test_plan_recommends_phone_for_a_and_email_for_b():
    summary = plan(channel_frames()).summary.set_index("segment")
    assert summary.loc["A", "recommended_channel"] == "phone"
    assert summary.loc["B", "recommended_channel"] == "email"
    # half of each segment's contacts went to the wrong channel: the plan earns more than the actual mix
    assert (summary["plan_value"] > summary["actual_value"]).all()
    assert summary.loc["B", "losing_share"] == 0.5  # B's phone calls (half its contacts) lose money


def test_raising_phone_cost_above_its_break_even_flips_segment_a_to_email():
    data = channel_frames()
    cp = plan(data, costs={"phone": 5.0, "email": 0.10})
    rows = cp.plan.set_index(["segment", "channel"])
    email_ev = rows.loc[("A", "email"), "expected_value_per_contact"]
    break_even = rows.loc[("A", "phone"), "break_even_cost"]
    assert cp.summary.set_index("segment").loc["A", "recommended_channel"] == "phone"
    # phone stays ahead while its value beats e-mail's, and loses once the cost passes break-even - email EV
    flip = break_even - email_ev
    still = plan(data, costs={"phone": flip - 1}).summary.set_index("segment").loc["A", "recommended_channel"]
    flipped = plan(data, costs={"phone": break_even + 1}).plan.set_index(["segment", "channel"])
    assert still == "phone"
    assert flipped.loc[("A", "email"), "recommended"] and not flipped.loc[("A", "phone"), "recommended"]
    assert flipped.loc[("A", "phone"), "expected_value_per_contact"] < 0


def test_a_channel_without_any_known_cost_is_not_recommended():
    data = channel_frames()
    data["campaign_contacts"] = data["campaign_contacts"].assign(
        cost=lambda f: f["cost"].where(f["channel"].ne("phone")))
    rows = plan(data).plan
    phone = rows[rows["channel"].eq("phone")]
    assert phone["cost_source"].eq("unknown").all() and not phone["recommended"].any()


def test_value_bands_group_customers_by_revenue():
    cp = plan(channel_frames(), by=("value_band",))
    assert set(cp.plan["value_band"]) <= {"low", "medium", "high", "none"}
    assert cp.plan["contacts"].sum() == 8000


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("campaign_contacts"), "campaign contacts"),
    (lambda d: d.update(campaign_contacts=d["campaign_contacts"].assign(customer_id="nobody")), "known customer"),
])
def test_bad_input_is_named(change, message):
    data = channel_frames(per_cell=50)
    change(data)
    with pytest.raises(InputError, match=message):
        plan(data)


def test_unknown_grouping_is_refused():
    with pytest.raises(InputError, match="cannot plan by colour"):
        plan(channel_frames(per_cell=50), by=("colour",))
