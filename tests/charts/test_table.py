"""The numbers table beside each chart: German and English number formats, translated headers."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from charts.line import line
from charts.table import table, unit_of

FUNNEL = pd.DataFrame({"step": ["prospects", "leads"], "count": [1234.0, 617.0], "conversion": [math.nan, 0.5],
                       "conversion_change": [math.nan, -0.0333]})
ECONOMICS = pd.DataFrame({"channel": ["mail"], "contacts": [1500.0], "cost": [1234.5], "cost_per_response": [12.5],
                          "response_rate": [0.1169], "revenue_per_contact": [math.nan]})


@pytest.mark.parametrize("lang, expect", [
    ("de", {"Stufe": ["Interessenten", "Leads"], "Anzahl": ["1.234", "617"], "Konversion": ["–", "50,0 %"],
            "Veränderung (Prozentpunkte)": ["–", "-3,3 Pp."]}),
    ("en", {"Step": ["Prospects", "Leads"], "Count": ["1,234", "617"], "Conversion": ["–", "50.0%"],
            "Change (percentage points)": ["–", "-3.3 pp"]}),
])
def test_funnel_table(lang, expect):
    shown = table(FUNNEL, lang)
    assert {c: shown[c].tolist() for c in shown.columns} == expect


def test_economics_table_in_german():
    shown = table(ECONOMICS, "de").iloc[0].to_dict()
    assert shown == {"Kanal": "mail", "Kontakte": "1.500", "Kosten": "1.234,50 €", "Kosten je Reaktion": "12,50 €",
                     "Response-Quote": "11,7 %", "Umsatz je Kontakt": "–"}


def test_declared_units_win_over_names():
    frame = pd.DataFrame({"kpi": ["churn_rate"], "value": [0.25]})
    assert table(frame, "de", units={"value": "ratio"}).iloc[0].tolist() == ["Abwanderungsquote", "25,0 %"]
    assert table(frame, "en").iloc[0].tolist() == ["Churn rate", "0.2"]  # no unit given: one decimal


@pytest.mark.parametrize("column, dtype, unit", [
    ("win_rate", "float64", "ratio"), ("retention", "float64", "ratio"), ("median", "float64", "currency"),
    ("cost_per_contact", "float64", "currency"), ("cohort_size", "int64", "count"), ("segment", "string", None),
])
def test_unit_of(column, dtype, unit):
    assert unit_of(column, pd.Series([], dtype=dtype)) == unit


def test_monthly_line_gets_one_tick_per_month():
    frame = pd.DataFrame({"kpi": ["nps"] * 3, "period": ["2024-01", "2024-02", "2024-03"], "value": [1.0, 2.0, 3.0]})
    assert line(frame, "de").layout.xaxis.dtick == "M1"
    long = pd.DataFrame({"kpi": ["nps"] * 30, "period": [f"{2022 + i // 12}-{i % 12 + 1:02d}" for i in range(30)],
                         "value": [1.0] * 30})
    assert line(long, "de").layout.xaxis.dtick == "M3"
