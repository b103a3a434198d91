"""The customer table for propensity: behaviour only from strictly before the reference date."""
import pandas as pd
import pytest

from analytics.features import current_table, feature_table
from core.errors import InputError

DAY = pd.Timestamp("2025-06-01")
LAST = pd.Timestamp("2025-09-01")           # the data's last day (b's order)
CUT = LAST - pd.Timedelta(days=180)        # churn has dates: everyone is seen at this cut-off


def frames():
    customers = pd.DataFrame({
        "customer_id": ["a", "b", "c"], "segment": ["x", "y", "x"],
        "created_at": pd.to_datetime(["2024-01-01", "2024-06-01", "2024-03-01"]),
        "churned": [True, False, False], "churned_at": [DAY, pd.NaT, pd.NaT],
        "lifecycle_stage": ["lost", "active", "active"], "plan_fee": ["19,90", "29,90", "9,90"]})
    orders = pd.DataFrame({
        "order_id": ["1", "2", "3", "4"], "customer_id": ["a", "a", "a", "b"], "channel": "web", "product": "p",
        "order_date": [CUT - pd.Timedelta(days=10), CUT, CUT + pd.Timedelta(days=5), LAST],
        "revenue": [100.0, 1000.0, 10000.0, 50.0]})
    tickets = pd.DataFrame({"ticket_id": ["t1", "t2", "t3"], "customer_id": ["a", "a", "c"],
                            "opened_at": [CUT - pd.Timedelta(days=3), CUT + pd.Timedelta(days=1), CUT],
                            "type": ["Beschwerde", "complaint", "question"]})
    return {"customers": customers, "orders": orders, "service_tickets": tickets}


def test_only_events_strictly_before_the_reference_date_count():
    customers, features, label = feature_table(frames(), "churn")
    row = dict(zip(customers["customer_id"], features.to_dict("records")))
    # a churned on DAY, after the cut-off: the order of CUT itself and the later ones are the future
    months_a = (CUT - pd.Timestamp("2024-01-01")).days / 30.4375
    assert row["a"]["orders_per_month"] == pytest.approx(1 / months_a)
    assert row["a"]["revenue_per_month"] == pytest.approx(100.0 / months_a)
    assert row["a"]["orders_last_year_per_month"] == pytest.approx(1 / 12)
    assert row["a"]["days_since_order"] == 10
    assert row["a"]["complaints_per_month"] == row["a"]["tickets_per_month"] == pytest.approx(1 / months_a)
    # b and c are seen at the same cut-off: b's order of the last day is not seen
    assert row["b"]["orders_per_month"] == 0
    assert list(label) == [1, 0, 0]


def test_kept_columns_become_features_and_the_churn_stage_does_not():
    _, features, _ = feature_table(frames(), "churn")
    assert features["plan_fee"].tolist() == [19.9, 29.9, 9.9]  # a German decimal comma kept as a number
    assert "lifecycle_stage" not in features  # "lost" is the churn itself
    assert str(features["segment"].dtype) == "category"
    assert features["tenure_days"].tolist() == [(CUT - pd.Timestamp(d)).days
                                                for d in ("2024-01-01", "2024-06-01", "2024-03-01")]


def test_churn_with_dates_keeps_who_was_still_there_at_the_cut_off():
    data = frames()
    extra = pd.DataFrame({"customer_id": ["gone", "late"], "segment": "x", "lifecycle_stage": "active",
                          "created_at": [pd.Timestamp("2024-01-01"), CUT + pd.Timedelta(days=30)],
                          "churned": [True, False], "churned_at": [CUT - pd.Timedelta(days=1), pd.NaT],
                          "plan_fee": "1"})
    data["customers"] = pd.concat([data["customers"], extra], ignore_index=True)
    customers, _, label = feature_table(data, "churn")
    # "gone" churned before the cut-off, "late" came after it: neither can be asked "will churn?"
    assert customers["customer_id"].tolist() == ["a", "b", "c"] and list(label) == [1, 0, 0]


def test_response_label_is_the_last_contact_and_its_own_answer_is_not_a_feature():
    data = frames()
    data["campaign_contacts"] = pd.DataFrame({
        "customer_id": ["a", "a", "b"], "channel": "email", "responded": [True, False, True],
        "contacted_at": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])})
    customers, features, label = feature_table(data, "response")
    assert customers["customer_id"].tolist() == ["a", "b"] and list(label) == [0, 1]
    assert features["contacts_per_month"].gt(0).tolist() == [True, False]
    assert features["responses_per_month"].tolist() == features["contacts_per_month"].tolist()


def test_counts_are_rates_per_observed_month_so_a_longer_window_does_not_count_more():
    # same habit (one order a month), watched 6 and 18 months: the raw counts differ, the rates do not
    customers = pd.DataFrame({"customer_id": ["short", "long"], "segment": ["x", "x"],
                              "created_at": [DAY - pd.DateOffset(months=6), DAY - pd.DateOffset(months=18)],
                              "churned": [False, False]})
    orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(24)], "customer_id": ["short"] * 6 + ["long"] * 18,
                           "channel": "web", "product": "p", "revenue": 10.0,
                           "order_date": [DAY - pd.DateOffset(months=m) + pd.Timedelta(days=1) for m in
                                          list(range(1, 7)) + list(range(1, 19))]})
    _, features, _ = feature_table({"customers": customers, "orders": orders}, "churn")
    assert "orders" not in features
    assert features["orders_per_month"].tolist() == pytest.approx([1.0, 1.0], rel=0.03)


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("customers"), "needs a customers table"),
    (lambda d: d.update(customers=d["customers"].drop(columns=["churned", "churned_at"])), "churned"),
])
def test_missing_inputs_are_named(change, message):
    data = frames()
    change(data)
    with pytest.raises(InputError, match=message):
        feature_table(data, "churn")


def test_response_without_contacts_is_a_clear_error():
    with pytest.raises(InputError, match="campaign contacts"):
        feature_table(frames(), "response")


def test_with_churn_dates_todays_customers_are_scored_in_the_training_columns():
    _, features, _ = feature_table(frames(), "churn")
    stay, columns = current_table(frames(), features)
    assert stay["customer_id"].tolist() == ["b", "c"]  # a churned: not a customer to act on today
    assert list(columns.columns) == list(features.columns)
    assert list(columns["segment"].cat.categories) == list(features["segment"].cat.categories)
    assert columns["tenure_days"].tolist() == [(LAST - pd.Timestamp(d)).days for d in ("2024-06-01", "2024-03-01")]
    data = frames()
    data["customers"]["churned_at"] = pd.NaT  # without dates the out-of-fold scores are today's
    assert current_table(data, features) is None
