"""The customer table for propensity: behaviour only from strictly before the reference date."""
import pandas as pd
import pytest

from analytics.features import feature_table
from core.errors import InputError

DAY = pd.Timestamp("2025-06-01")


def frames():
    customers = pd.DataFrame({
        "customer_id": ["a", "b", "c"], "segment": ["x", "y", "x"],
        "created_at": pd.to_datetime(["2024-01-01", "2024-06-01", "2024-03-01"]),
        "churned": [True, False, False], "churned_at": [DAY, pd.NaT, pd.NaT],
        "lifecycle_stage": ["lost", "active", "active"], "plan_fee": ["19,90", "29,90", "9,90"]})
    orders = pd.DataFrame({
        "order_id": ["1", "2", "3", "4"], "customer_id": ["a", "a", "a", "b"], "channel": "web", "product": "p",
        "order_date": [DAY - pd.Timedelta(days=10), DAY, DAY + pd.Timedelta(days=5), pd.Timestamp("2025-09-01")],
        "revenue": [100.0, 1000.0, 10000.0, 50.0]})
    tickets = pd.DataFrame({"ticket_id": ["t1", "t2", "t3"], "customer_id": ["a", "a", "c"],
                            "opened_at": [DAY - pd.Timedelta(days=3), DAY + pd.Timedelta(days=1), DAY],
                            "type": ["Beschwerde", "complaint", "question"]})
    return {"customers": customers, "orders": orders, "service_tickets": tickets}


def test_only_events_strictly_before_the_reference_date_count():
    customers, features, label = feature_table(frames(), "churn")
    row = dict(zip(customers["customer_id"], features.to_dict("records")))
    # a churned on DAY: the order of DAY itself and the ones after it are the churn's future
    assert row["a"]["orders"] == 1 and row["a"]["revenue"] == 100.0
    assert row["a"]["days_since_order"] == 10
    assert row["a"]["complaints"] == 1 and row["a"]["tickets"] == 1
    # b and c are scored at the data's last day (2025-09-01): b's order of that day is not seen
    assert row["b"]["orders"] == 0
    assert list(label) == [1, 0, 0]


def test_kept_columns_become_features_and_the_churn_stage_does_not():
    _, features, _ = feature_table(frames(), "churn")
    assert features["plan_fee"].tolist() == [19.9, 29.9, 9.9]  # a German decimal comma kept as a number
    assert "lifecycle_stage" not in features  # "lost" is the churn itself
    assert str(features["segment"].dtype) == "category"
    assert features["tenure_days"].tolist() == [(DAY - pd.Timestamp("2024-01-01")).days,
                                                (pd.Timestamp("2025-09-01") - pd.Timestamp("2024-06-01")).days,
                                                (pd.Timestamp("2025-09-01") - pd.Timestamp("2024-03-01")).days]


def test_response_label_is_the_last_contact_and_its_own_answer_is_not_a_feature():
    data = frames()
    data["campaign_contacts"] = pd.DataFrame({
        "customer_id": ["a", "a", "b"], "channel": "email", "responded": [True, False, True],
        "contacted_at": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])})
    customers, features, label = feature_table(data, "response")
    assert customers["customer_id"].tolist() == ["a", "b"] and list(label) == [0, 1]
    assert features["contacts"].tolist() == [1, 0] and features["responses"].tolist() == [1, 0]


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
