"""KPI explorer: a drill-down link (?kpi=churn_rate) opens the KPI; the page explains the value
with numerator and denominator exactly as computed directly; trend and breakdown render with data;
a channel filter changes the numbers the way the engine says it should."""
from __future__ import annotations

from tests.ui.apptest import open_page
from tests.ui.views_support import demo, figures, has_data


def _direct(kpi_id: str, filters=None):
    from kpis.engine import compute
    from services.analytics import current_dataset, source

    settings, engine, client = demo()
    table = compute(source(settings, current_dataset(engine, client.id)), [kpi_id], period="quarter",
                    filters=filters)
    return table[table["period"] == "2025-Q4"].iloc[0].to_dict()


def test_churn_rate_is_explained_with_numerator_and_denominator(demo_env):
    from core.formatting import number
    from kpis.catalogue import load_catalogue
    from kpis.results import explain

    at = open_page("kpi_page.py", lang="de", kpi="churn_rate")
    assert not at.exception
    assert at.subheader[0].value == "Abwanderungsquote"
    assert "numerator / denominator" in at.subheader[0].help  # the formula of ids: a tooltip (issue 14.8) ...
    assert not any("Formel" in m.value for m in at.markdown)  # ... not page text
    row = _direct("churn_rate")
    assert row["denominator"] > row["numerator"] > 0
    assert any(i.value == explain(load_catalogue().get("churn_rate"), row, "de") for i in at.info)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Zähler"] == number(row["numerator"], "de", 0)
    assert shown["Nenner"] == number(row["denominator"], "de", 0)
    charts = figures(at)
    assert len(charts) == 2 and all(has_data(f) for f in charts)
    breakdown = charts[1]["data"][0]
    assert "Telefon" in breakdown["x"] and "Web" in breakdown["x"]  # channels, translated


def test_channel_filter_narrows_the_numbers(demo_env):
    from core.formatting import number
    from core.query import Filters

    at = open_page("kpi_page.py", lang="de", kpi="campaign_response_rate")
    at.multiselect(key="kpi_channel").select("email").run()
    assert not at.exception
    everything, email = _direct("campaign_response_rate"), _direct(
        "campaign_response_rate", Filters.of(at.session_state["kpi_range"][0], None, channel=["email"]))
    shown = {m.label: m.value for m in at.metric}
    assert shown["Nenner"] == number(email["denominator"], "de", 0)
    assert email["denominator"] < everything["denominator"]
    assert at.query_params.get("kpi_channel") == "email"


def test_without_data_the_page_leads_to_the_import(empty_env):
    from core.settings import load_settings
    from storage.clients import create_client
    from storage.db import connect

    create_client(connect(load_settings().database_url), "Leer GmbH")
    at = open_page("kpi_page.py", lang="en")
    assert any("No data imported yet" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_the_trend_continues_as_a_forecast_that_says_how_it_did_in_the_backtest(demo_env):
    """Issue 11.2: the next 4 quarters after the last complete one, dashed with an 80 % band, equal to
    analytics.forecast on the same series; the caption names the method and both backtest errors."""
    from analytics.forecast import forecast_table
    from core.formatting import number
    from kpis.engine import compute
    from services.analytics import current_dataset, source

    at = open_page("kpi_page.py", lang="de", kpi="revenue")
    trend = figures(at)[0]["data"]
    dashed = next(tr for tr in trend if tr.get("line", {}).get("dash") == "dash")
    settings, engine, client = demo()
    table = compute(source(settings, current_dataset(engine, client.id)), ["revenue"], period="quarter")
    rows, fit = forecast_table(table[table["value"].notna()], "quarter", 4, last="2025-Q4")
    assert dashed["x"][0] == "2025-Q4" and list(dashed["x"][1:]) == rows["period"].tolist()  # joined to the actual
    assert dashed["y"][1:] == tuple(rows["value"]) or list(dashed["y"][1:]) == rows["value"].tolist()
    band = [tr for tr in trend if tr.get("fill") == "tonexty"]
    assert len(band) == 1 and all(lo <= v <= hi for lo, v, hi in zip(band[0]["y"][1:], rows["value"], rows["upper"]))
    caption = next(c.value for c in at.caption if c.value.startswith("Prognose gestrichelt"))
    assert fit.reason != "too_short" and fit.naive is not None  # 12 quarters: one backtest origin a year back
    assert "MASE" in caption and number(fit.naive.mase, "de", 2) in caption
    assert ("ETS" in caption) == (fit.method == "ets")
