"""services.scorecard_view: the client's scorecard (default or edited copy), evaluation with
external and manual values, the default period, snapshots, the editor and manual values.
Small worked examples a CRM manager can check by hand."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import yaml

from core.errors import ConfigError, ConflictError, InputError
from services import scorecard_editing as edits
from services import scorecard_view as sv
from services.demo_scorecard import demo_periods, training_hours
from services.filter_choices import filter_choices

CARD = """
id: mini
name: {de: Mini, en: Mini}
granularity: quarter
perspectives:
  - {id: financial, name: {de: Finanzen, en: Financial}}
  - {id: learning_growth, name: {de: Lernen, en: Learning}}
manual_kpis:
  - {id: training_hours, name: {de: Schulung, en: Training}, unit: hours, direction: higher_is_better}
objectives:
  - id: grow
    name: {de: Wachsen, en: Grow}
    perspective: financial
    weight: 3
    kpis:
      - {kpi: revenue, target: 100, baseline: 80, thresholds: {green: 95, amber: 85}, weight: 3}
      - {kpi: churn_rate, target: 0.05, baseline: 0.08, thresholds: {green: 0.05, amber: 0.065}}
  - id: learn
    name: {de: Lernen, en: Learn}
    perspective: learning_growth
    kpis:
      - {kpi: training_hours, source: manual, target: 6, baseline: 2, thresholds: {green: 5.5, amber: 4}}
      - {kpi: maturity_index, target: 3.5, baseline: 2.5, thresholds: {green: 3.3, amber: 2.8}, weight: 2}
      - {kpi: data_completeness, target: 0.9, thresholds: {green: 0.88, amber: 0.8}}
"""

# period, revenue, churn, training hours, maturity, completeness -> expected lights (in card order)
EVALUATIONS = yaml.safe_load("""
- {period: 2024-Q1, revenue: 90, churn: 0.065, hours: 6, maturity: 3.0, completeness: 0.97,
   lights: [amber, amber, green, amber, green]}
- {period: 2024-Q2, revenue: 96, churn: 0.07, hours: 3.5, maturity: 2.0, completeness: 0.5,
   lights: [green, red, red, red, red]}
- {period: 2024-Q3, revenue: null, churn: 0.04, hours: null, maturity: null, completeness: null,
   lights: [grey, green, grey, grey, grey]}
""")


def _card():
    from scorecards.loader import parse_scorecard

    return parse_scorecard(CARD, "mini.yaml", sv.known_kpis())


def _actuals(case: dict) -> pd.DataFrame:
    rows = [("revenue", case["revenue"]), ("churn_rate", case["churn"])]
    return pd.DataFrame({"kpi": [k for k, v in rows if v is not None], "period": case["period"],
                         "value": [float(v) for _, v in rows if v is not None]})


@pytest.mark.parametrize("case", EVALUATIONS, ids=[c["period"] for c in EVALUATIONS])
def test_evaluation_joins_engine_manual_and_external_values(case):
    manual = pd.DataFrame({"kpi": ["training_hours"], "period": [case["period"]], "value": [case["hours"]]})
    external = pd.DataFrame({"kpi": pd.Series(["maturity_index", "data_completeness"], dtype="string"),
                             "period": pd.Series([pd.NA, pd.NA], dtype="string"),
                             "value": [case["maturity"], case["completeness"]]}).dropna(subset=["value"])
    result = sv.evaluate_view(_card(), _actuals(case), case["period"], manual.dropna(), external)
    assert [k.status.value for k in result.kpis] == case["lights"]


def test_external_frame_reads_completeness_and_maturity():
    class Info:
        quality = {"data_completeness": 0.9741}

    maturity = sv.Maturity(7, "Workshop", "crm_default", 2.67, 2, {"sales": 2.75})
    frame = sv.external_frame(Info(), maturity)
    assert dict(zip(frame["kpi"], frame["value"])) == {"data_completeness": 0.9741, "maturity_index": 2.67}
    assert frame["period"].isna().all()
    assert sv.external_frame(None, None).empty


# periods with data per KPI -> the default period (coverage at least half of the best one, ended already)
DEFAULTS = yaml.safe_load("""
- {coverage: {2024-Q3: 3, 2024-Q4: 3, 2025-Q1: 1}, expected: 2024-Q4}   # a straggler quarter is not current
- {coverage: {2024-Q3: 4, 2024-Q4: 2}, expected: 2024-Q4}                # half the KPIs is enough
- {coverage: {2024-Q2: 2}, expected: 2024-Q2}
""")


@pytest.mark.parametrize("case", DEFAULTS)
def test_default_period_skips_thin_new_periods(case):
    rows = [{"kpi": f"k{i}", "period": p, "value": 1.0} for p, n in case["coverage"].items() for i in range(n)]
    assert sv.default_period(pd.DataFrame(rows), "quarter") == case["expected"]


def test_default_period_without_data_is_none():
    assert sv.default_period(pd.DataFrame({"kpi": [], "period": [], "value": []}), "quarter") is None


def test_headline_kpis_are_the_weightiest_of_the_default_card():
    from scorecards.loader import SCORECARDS_DIR, load_scorecard

    default = load_scorecard(SCORECARDS_DIR / "crm_default.yaml", sv.known_kpis())
    weights = sv.effective_weights(default)
    assert sum(weights.values()) == pytest.approx(1.0)
    # financial 1/4 x grow_revenue 2/4 x revenue 2/3 = 1/12; learning 1/4 x 1/2 x 2/3 = 1/12 (maturity, external)
    assert weights["revenue"] == pytest.approx(1 / 12) and weights["maturity_index"] == pytest.approx(1 / 12)
    assert sv.headline_kpis(default) == ["revenue", "win_rate", "cost_per_response", "churn_rate",
                                         "complaint_resolution_hours", "first_contact_resolution_rate"]


def test_load_card_is_the_default_until_the_client_saves_a_copy(engine, client):
    loaded = sv.load_card(engine, client.id)
    assert loaded.version is None and loaded.card.id == "crm_default"
    edited = edits.editor_frame(loaded.card)
    edited.loc[edited["kpi"] == "revenue", ["target", "green"]] = [7_000_000.0, 6_500_000.0]
    assert edits.save_edits(engine, client.id, loaded, edited, actor="anna") == 1
    again = sv.load_card(engine, client.id)
    assert again.version == 1
    revenue = next(k for k in again.card.kpis if k.kpi == "revenue")
    assert (revenue.target, revenue.thresholds.green, revenue.thresholds.amber) == (7_000_000, 6_500_000, 4_800_000)
    with pytest.raises(ConflictError):  # the editor opened before the save is stale
        edits.save_edits(engine, client.id, loaded, edited, actor="ben")
    assert sv.load_card(engine, client.id).version == 1


def test_rates_are_edited_as_percentages_and_stored_as_fractions(engine, client):
    """Issue 14.9: the churn rate's target 5 % is '5' in the editor, not '0,05'; what is saved is 0.05."""
    loaded = sv.load_card(engine, client.id)
    frame = edits.editor_frame(loaded.card)
    churn = next(k for k in loaded.card.kpis if k.kpi == "churn_rate")
    row = frame[frame["kpi"] == "churn_rate"].iloc[0]
    assert row["unit"] == "%" and row["target"] == pytest.approx(churn.target * 100)
    assert frame.loc[frame["kpi"] == "revenue", "unit"].iloc[0] == ""  # currency stays as it is
    frame.loc[frame["kpi"] == "churn_rate", ["target", "green", "amber"]] = [4.0, 4.5, 6.5]
    edits.save_edits(engine, client.id, loaded, frame)
    saved = next(k for k in sv.load_card(engine, client.id).card.kpis if k.kpi == "churn_rate")
    assert (saved.target, saved.thresholds.green, saved.thresholds.amber) == (0.04, 0.045, 0.065)
    revenue = next(k for k in sv.load_card(engine, client.id).card.kpis if k.kpi == "revenue")
    assert revenue.target == next(k for k in loaded.card.kpis if k.kpi == "revenue").target


def test_broken_edits_are_located_and_nothing_is_saved(engine, client):
    loaded = sv.load_card(engine, client.id)
    blank = edits.editor_frame(loaded.card)
    blank.loc[1, "target"] = None
    with pytest.raises(InputError) as err:
        edits.save_edits(engine, client.id, loaded, blank)
    assert [p.where for p in err.value.problems] == ["row 2 (average_deal_size).target"]
    wrong_side = edits.editor_frame(loaded.card)
    wrong_side.loc[wrong_side["kpi"] == "churn_rate", ["green", "amber"]] = [7.0, 5.0]  # %, lower is better
    with pytest.raises(ConfigError) as err:
        edits.save_edits(engine, client.id, loaded, wrong_side)
    assert any("thresholds" in p.where for p in err.value.problems)
    assert sv.load_card(engine, client.id).version is None


def test_freeze_keeps_the_board_view_and_compare_shows_the_change(engine, client):
    card = _card()
    first = sv.evaluate_view(card, _actuals(EVALUATIONS[0]), "2024-Q1", None, None)
    later = sv.evaluate_view(card, _actuals(EVALUATIONS[0]).assign(value=[96.0, 0.04]), "2024-Q1", None, None)
    maturity = sv.Maturity(3, "Workshop 2024", "crm_default", 2.5, 2, {"sales": 3.0})
    a = sv.freeze(engine, client.id, first, "Beirat", 4, maturity, actor="anna")
    b = sv.freeze(engine, client.id, later, "Korrektur", 5, None, actor="anna")
    diff = sv.compare(engine, client.id, a, b).set_index("kpi")
    assert diff.loc["revenue", "actual_delta"] == pytest.approx(6.0)
    assert (diff.loc["revenue", "status_a"], diff.loc["revenue", "status_b"]) == ("amber", "green")
    from storage.scorecards import get_snapshot

    frozen = get_snapshot(engine, client.id, a)
    assert frozen.info.round_id == 3 and frozen.payload["assessment"]["maturity_index"] == 2.5
    with pytest.raises(InputError):
        sv.compare(engine, client.id, a, 9999)


def test_manual_grid_writes_only_changed_cells(engine, client):
    from storage.scorecards import manual_frame, set_manual_value

    card = _card()
    set_manual_value(engine, client.id, "training_hours", "2024-Q1", 4.0)
    set_manual_value(engine, client.id, "training_hours", "2024-Q2", 5.0)
    before = edits.manual_table(card, manual_frame(engine, client.id), ["2024-Q1", "2024-Q2", "2024-Q3"])
    assert before["period"].tolist() == ["2024-Q3", "2024-Q2", "2024-Q1"]  # newest first
    after = before.copy()
    after.loc[after["period"] == "2024-Q3", "training_hours"] = 6.5   # new
    after.loc[after["period"] == "2024-Q2", "training_hours"] = None  # cleared
    assert edits.save_manual(engine, client.id, before, after, actor="anna") == 2
    stored = manual_frame(engine, client.id).set_index("period")["value"].to_dict()
    assert stored == {"2024-Q1": 4.0, "2024-Q3": 6.5}


def test_demo_training_hours_rise_and_cover_every_period():
    labels = demo_periods(date(2023, 1, 2), date(2025, 12, 31), "quarter")
    assert labels[0] == "2023-Q1" and labels[-1] == "2025-Q4" and len(labels) == 12
    hours = training_hours(len(labels))
    assert hours == training_hours(12)  # the same on every installation
    assert hours[0] == 2.5 and hours[-1] == pytest.approx(6.0 + 0.4, abs=0.05) and hours[-1] > hours[0]


def test_filter_choices_list_values_and_dates():
    source = {
        "customers": pd.DataFrame({"customer_id": ["1", "2"], "segment": ["private", "corporate"],
                                   "region": ["Nord", None], "acquisition_channel": ["web", "store"],
                                   "created_at": pd.to_datetime(["2024-01-05", "2024-02-01"])}),
        "orders": pd.DataFrame({"order_id": ["o1"], "customer_id": ["1"], "channel": ["shop"],
                                "order_date": pd.to_datetime(["2024-03-31"]), "revenue": [10.0]}),
        "campaigns": pd.DataFrame({"campaign_id": ["K1"], "name": ["Frühjahr"]}),
    }
    choices = filter_choices(source)
    assert choices.of("segment") == ("corporate", "private")
    assert choices.of("region") == ("Nord",)
    assert choices.of("channel") == ("shop", "store", "web")
    assert choices.campaign_names == {"K1": "Frühjahr"}
    assert (choices.first_day, choices.last_day) == (date(2024, 1, 5), date(2024, 3, 31))
