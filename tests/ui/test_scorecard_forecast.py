"""Issue 11.2 on the scorecard page: beside each KPI with enough history the next quarter's forecast
against the target with its light, equal to ``analytics.forecast`` on the same actuals; the drill-down
trend continues dashed with the 80 % band; the forecasts are fitted once per dataset version."""
from __future__ import annotations

import pytest

from analytics.forecast import forecast_table
from scorecards.rules import traffic_lights
from tests.ui.apptest import open_page
from tests.ui.views_support import demo, figures
from ui.scorecard_widgets import value_text
from usecases import analysis
from usecases.scorecard import actuals, view_scorecard
from usecases.session import local_session

ICONS = {"green": "🟢", "amber": "🟡", "red": "🔴"}
WORDS = {"green": "grün", "amber": "gelb", "red": "rot"}


def _expected(kpi_id: str):
    """The KPI's forecast fitted by analytics.forecast up to the last complete quarter, and its light."""
    settings, engine, client = demo()
    session = local_session(engine, settings, client)
    view = view_scorecard(session)
    k = next(k for k in view.card.kpis if k.kpi == kpi_id)
    table = actuals(session, view.dataset, view.card)
    series = table[(table["kpi"] == kpi_id) & (table["period"] <= view.default_period)]
    rows, fit = forecast_table(series, "quarter", 4, last=view.default_period,
                               ratio=view.labels[kpi_id].unit == "ratio")
    light = traffic_lights(rows["value"], [k.thresholds.green] * 4, [k.thresholds.amber] * 4, [k.direction.higher] * 4)
    return view, k, rows, fit, light


def _cells(at) -> dict[str, str]:
    tables = [d.value for d in at.dataframe if "forecast" in d.value.columns]
    return {kpi: cell for frame in tables for kpi, cell in zip(frame["kpi"], frame["forecast"])}


@pytest.mark.parametrize("kpi_id", ["revenue", "campaign_response_rate", "new_customers"])
def test_the_kpi_table_shows_the_next_quarter_against_the_target(demo_env, kpi_id):
    at = open_page("scorecard_page.py", lang="de")
    assert not at.exception
    view, k, rows, _fit, light = _expected(kpi_id)
    unit = view.labels[kpi_id].unit
    cell = _cells(at)[view.labels[kpi_id].name.de]
    assert cell == f"{ICONS[light[0]]} {rows['period'].iloc[0]}: {value_text(rows['value'].iloc[0], unit, 'de')} · " \
                   f"{WORDS[light[0]]}"
    frame = next(d.value for d in at.dataframe if view.labels[kpi_id].name.de in set(d.value.get("kpi", [])))
    assert list(frame.columns).index("forecast") == list(frame.columns).index("target") + 1  # beside the target
    assert frame.set_index("kpi")["target"][view.labels[kpi_id].name.de] == value_text(k.target, unit, "de")


def test_the_trend_chart_continues_with_the_forecast_and_its_band(demo_env):
    at = open_page("scorecard_page.py", lang="de")
    at.selectbox(key="sc_drill").set_value("revenue").run()
    assert not at.exception
    view, _k, rows, fit, _light = _expected("revenue")
    (chart,) = [f for f in figures(at) if "Verlauf und Prognose" in (f["layout"].get("title") or {}).get("text", "")]
    dashed = next(tr for tr in chart["data"] if (tr.get("line") or {}).get("dash") == "dash")
    assert dashed["name"] == "Prognose" and dashed["x"][1:] == rows["period"].tolist()
    assert dashed["y"][1:] == pytest.approx(rows["value"].tolist())
    band = next(tr for tr in chart["data"] if tr.get("fill") == "tonexty")
    assert band["y"][1:] == pytest.approx(rows["lower"].tolist())
    caption = next(c.value for c in at.caption if c.value.startswith("Prognose gestrichelt"))
    words = "exponentielle Glättung" if fit.method == "ets" else "saisonal-naiv"
    assert words in caption


def test_forecasts_are_fitted_once_per_dataset_version(demo_env):
    open_page("scorecard_page.py", lang="de")
    misses = analysis._FORECASTS.misses
    at = open_page("scorecard_page.py", lang="en")
    assert not at.exception and analysis._FORECASTS.misses == misses
    assert any(c.startswith(("🟢", "🟡", "🔴")) for c in _cells(at).values())


def test_an_older_period_shows_the_history_and_says_where_the_forecast_starts(demo_env):
    at = open_page("scorecard_page.py", lang="en")
    at.selectbox(key="period").set_value("2024-Q2").run()
    assert not at.exception
    settings, engine, client = demo()
    last = view_scorecard(local_session(engine, settings, client)).default_period
    assert last == "2025-Q4"
    assert not [f for f in figures(at) if any((tr.get("line") or {}).get("dash") == "dash" for tr in f["data"])]
    assert any(f"after the last complete period ({last})" in c.value for c in at.caption)
