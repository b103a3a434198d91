"""The demo's churn follows behaviour and nothing falls off at the data's end (issue 11): the
churn model finds something real out of fold, and new customers and win-backs in the last months
are what the months before make one expect."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.propensity import predict
from data.demo import generate
from data.demo_profile import END


@pytest.fixture(scope="module")
def demo():
    return generate(customers=5000, seed=7)


def _by_month(dates: pd.Series) -> pd.Series:
    return dates.dt.to_period("M").value_counts().sort_index()


def test_new_customers_do_not_fall_off_in_the_last_month(demo):
    months = _by_month(demo["customers"]["created_at"])
    assert str(months.index[-1]) == str(pd.Period(END - np.timedelta64(1, "D"), "M"))
    # December is a strong month of the season; it is at least the median of the year before
    assert months.iloc[-1] >= months.iloc[-13:-1].median()
    assert demo["customers"]["created_at"].max() >= pd.Timestamp(END) - pd.Timedelta(days=3)


def test_win_backs_keep_coming_to_the_data_s_end(demo):
    cust, orders = demo["customers"], demo["orders"]
    churned = cust.loc[cust["churned"].fillna(False).astype(bool), ["customer_id", "churned_at"]]
    later = orders.merge(churned, on="customer_id")
    back = later[later["order_date"] > later["churned_at"]]
    per_month = _by_month(back.groupby("customer_id")["order_date"].min())   # month a customer came back
    assert per_month.iloc[-1] >= 0.5 * per_month.iloc[-13:-1].median() > 0
    delay = (back.groupby("customer_id")["order_date"].min() - churned.set_index("customer_id")["churned_at"]).dropna()
    assert delay.dt.days.min() >= 7 and 20 < delay.dt.days.median() < 90   # a win-back takes weeks


def test_the_discontent_complain_score_low_and_churn(demo):
    cust, tickets, surveys = demo["customers"], demo["service_tickets"], demo["surveys"]
    churned = cust.set_index("customer_id")["churned"].fillna(False).astype(bool)
    complaints = tickets[tickets["type"] == "complaint"].groupby("customer_id").size()
    rate = churned.groupby(churned.index.isin(complaints[complaints >= 1].index)).mean()
    assert rate[True] > 1.3 * rate[False]
    score = surveys[surveys["kind"] == "nps"].groupby("customer_id")["score"].mean()
    joined = pd.concat([score.rename("score"), churned.rename("churned")], axis=1, join="inner")
    assert joined.groupby("churned")["score"].mean()[True] < joined.groupby("churned")["score"].mean()[False] - 0.5


def test_the_churn_model_finds_it_out_of_fold(demo):
    """Honest quality (out of fold at the 180-day cut-off): clearly above a coin, from behaviour."""
    result = predict(demo, "churn")
    assert result.quality["auc"] > 0.65
    top = set(result.drivers.head(8)["feature"])
    assert top & {"orders_per_month", "orders_last_year_per_month", "days_since_order", "complaints_per_month",
                  "tickets_per_month", "ticket_satisfaction", "survey_mean", "survey_last"}
