"""Data-quality summary: completeness, duplicates, implausible values; the KPI input."""
from __future__ import annotations

import json

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from data.quality import quality_summary


def _surveys(scores, kinds, customers):
    return pd.DataFrame({"score": pd.Series(scores, dtype="float64"),
                         "customer_id": pd.Series(customers, dtype="string"),
                         "answered_at": pd.Series([pd.NaT] * len(scores), dtype="datetime64[us]"),
                         "kind": pd.Series(kinds, dtype="string")})


def test_worked_example():
    # 4 survey rows, optional fields customer_id, answered_at, kind:
    # customer_id 3 of 4 filled, answered_at 0 of 4, kind 4 of 4 -> 7 / 12 = 0.5833
    frame = _surveys([9, 11, 3, 7], ["nps"] * 4, ["1", "2", None, "4"])
    orders = pd.DataFrame({"order_id": pd.Series(["A1", "A1", "A2"], dtype="string"),
                           "quantity": [1.0, -2.0, 1.0], "revenue": [10.0, 5.0, None]})
    q = quality_summary({"surveys": frame, "orders": orders})
    assert q["entities"]["surveys"]["completeness"] == 0.5833
    assert q["entities"]["surveys"]["implausible"] == 1  # score 11
    assert q["entities"]["orders"]["duplicate_keys"] == 1
    assert q["entities"]["orders"]["implausible"] == 1  # quantity -2
    json.dumps(q)  # JSON-serialisable


def test_empty_entities_do_not_count():
    q = quality_summary({"surveys": _surveys([], [], [])})
    assert q == {"entities": {"surveys": {"rows": 0, "completeness": 0.0, "field_completeness": {},
                                          "duplicate_keys": 0, "implausible": 0}}, "data_completeness": 0.0}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=30))
def test_completeness_stays_in_unit_interval(cells):
    frame = _surveys([5.0] * len(cells), [("nps" if k else None) for _, k in cells],
                     [("1" if c else None) for c, _ in cells])
    value = quality_summary({"surveys": frame})["data_completeness"]
    assert 0.0 <= value <= 1.0
