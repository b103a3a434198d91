"""The funnel is nested: on any data each step counts at most the customers of the step before."""
from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.query import Filters
from lifecycle.funnel import STEPS, funnel
from tests.lifecycle.examples import frames

IDS = st.sampled_from(["a", "b", "c", "d", "e"])
DAY = st.dates(date(2024, 1, 1), date(2024, 6, 30))

contact = st.fixed_dictionaries({"customer_id": IDS, "channel": st.sampled_from(["mail", "web"]),
                                 "contacted_at": DAY, "responded": st.booleans()})
opportunity = st.fixed_dictionaries({"customer_id": IDS, "stage": st.just("x"), "created_at": DAY,
                                     "won": st.sampled_from([True, False, None]),
                                     "source_channel": st.sampled_from(["mail", "web"])})
customer = st.fixed_dictionaries({"customer_id": IDS, "created_at": DAY, "segment": st.sampled_from(["A", "B"])})
order = st.fixed_dictionaries({"customer_id": IDS, "channel": st.just("web"), "product": st.just("P"),
                               "order_date": DAY})
period = st.sampled_from([Filters(), Filters.of(date(2024, 3, 1), date(2024, 5, 1)),
                          Filters.of(date(2024, 2, 1), date(2024, 7, 1), channel=["web"])])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(contact, min_size=1, max_size=10), st.lists(opportunity, max_size=8),
       st.lists(customer, max_size=5, unique_by=lambda r: r["customer_id"]), st.lists(order, max_size=8), period)
def test_each_step_is_at_most_the_step_before(contacts, opps, customers, orders, filters):
    for i, row in enumerate(opps):
        row["opportunity_id"] = f"o{i}"
    source = frames({"campaign_contacts": contacts, "opportunities": opps, "customers": customers, "orders": orders})
    steps = funnel(source, filters)
    counts = steps["count"].tolist()
    assert steps["step"].tolist() == list(STEPS)
    assert all(later <= earlier for earlier, later in zip(counts, counts[1:])), steps
    assert steps["conversion"].dropna().between(0, 1).all()
    assert steps["previous_conversion"].dropna().between(0, 1).all()
