"""Propensity: scores out of fold, quality measured on held-out rows only, drivers by permutation."""
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from analytics.propensity import out_of_fold, predict, reliability
from core.errors import InputError
from tests.analytics.synthetic import churn_frames


@pytest.fixture(scope="module")
def churn():
    return predict(churn_frames(), "churn")


def test_every_customer_gets_one_out_of_fold_score_and_the_auc_is_theirs(churn):
    scores = churn.scores
    assert len(scores) == 600 and scores["customer_id"].is_unique
    assert scores["score"].between(0, 1).all()
    assert churn.quality["auc"] == pytest.approx(roc_auc_score(scores["label"], scores["score"]))
    assert 0.65 < churn.quality["auc"] < 0.98  # the generated relation is real but noisy
    assert churn.quality["brier"] < churn.quality["brier_base"]  # better than saying the base rate to all


def test_drivers_name_the_causes_first(churn):
    top = churn.drivers["feature"].head(2).tolist()
    assert "days_since_order" in top and ({"complaints_per_month", "tickets_per_month"} & set(top))  # every ticket is a complaint
    noise = churn.drivers.set_index("feature").loc[["contract", "segment"], "importance"]
    assert (noise < churn.drivers["importance"].iloc[1] / 3).all()


def test_risk_by_segment_and_reliability_add_up(churn):
    seg = churn.risk["segment"]
    assert seg["customers"].sum() == 600 and seg["positives"].sum() == churn.quality["positives"]
    rel = churn.reliability
    assert len(rel) == 10 and rel["customers"].sum() == 600
    assert rel["observed_rate"].iloc[-1] > rel["observed_rate"].iloc[0]  # higher scores, more churn


def test_out_of_fold_scores_are_not_training_fits():
    # labels of pure noise: a model scoring its own training rows would look good, out of fold it cannot
    rng = np.random.default_rng(5)
    features = pd.DataFrame({"x": rng.normal(size=800), "y": rng.normal(size=800)})
    label = (rng.random(800) < 0.3).astype(int)
    scores, _ = out_of_fold(features, label)
    assert abs(roc_auc_score(label, scores) - 0.5) < 0.08


def test_reliability_of_perfectly_calibrated_scores_matches_the_observed_rate():
    rng = np.random.default_rng(2)
    scores = rng.random(20000)
    label = (rng.random(20000) < scores).astype(int)
    rel = reliability(label, scores)
    assert np.allclose(rel["mean_score"], rel["observed_rate"], atol=0.03)


def test_top_lists_the_highest_scores_first(churn):
    top = churn.top(20)
    assert len(top) == 20 and top["score"].is_monotonic_decreasing
    assert top["score"].iloc[-1] >= churn.scores["score"].quantile(0.96)


def test_too_few_churners_to_cross_validate_is_a_clear_error():
    data = churn_frames(60)
    data["customers"]["churned"] = [True] * 3 + [False] * 57
    with pytest.raises(InputError, match="too few"):
        predict(data, "churn")


def test_with_churn_dates_the_list_to_act_on_is_todays_customers():
    data = churn_frames()
    customers = data["customers"]
    last = data["orders"]["order_date"].max()
    customers["churned_at"] = customers["churned_at"].mask(customers["churned"], last - pd.Timedelta(days=30))
    result = predict(data, "churn")
    staying = set(customers.loc[~customers["churned"], "customer_id"])
    assert result.current is not None and set(result.current["customer_id"]) == staying
    assert set(result.top(50)["customer_id"]) <= staying and result.current["score"].between(0, 1).all()
    assert len(result.scores) == len(customers)  # quality still from the out-of-fold scores at the cut-off
