"""Per-KPI alert rules and ``settle`` (issue 11.1): a KPI's own sensitivity/slices/settle, what a
null means there, every bad value located by file, scorecard, KPI and key, and
``cli.py monitor --rules FILE``."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import cli
from analytics.alert_rules import Rules
from analytics.monitoring import alerts
from core.errors import ConfigError
from core.settings import CONFIG_DIR
from definitions import check, load_definitions, shipped
from scorecards.loader import parse_scorecard
from tests.analytics.test_monitoring import CARD, contacts


@pytest.fixture
def config(tmp_path: Path) -> Path:
    out = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, out, ignore=shutil.ignore_patterns("i18n"))
    return out


def _rules(config: Path, text: str):
    (config / "alerts.yaml").write_text(text, encoding="utf-8")
    return load_definitions(config).alert_rules.for_card("crm_default")


def test_the_shipped_card_lets_win_back_settle_and_watches_every_computed_kpi():
    rules = shipped().alert_rules.for_card("crm_default")
    assert rules.kpis is None          # every computed KPI of the card, win-back with its own settle
    assert rules.for_kpi("win_back_rate").settle == 3 and rules.for_kpi("revenue").settle == 0
    assert rules.for_kpi("win_back_rate").k == rules.k


def test_a_kpi_block_overrides_the_card_and_null_means_the_cards_value(config):
    card = _rules(config, "defaults: {sensitivity: 2.5, settle: 1}\nscorecards:\n  crm_default:\n"
                          "    min_history: 4\n    kpis:\n      revenue: null\n"
                          "      win_rate: {sensitivity: 4, slices: [], settle: null, window: null}\n")
    assert card.kpis is None                                # a mapping does not narrow what is watched
    assert card.for_kpi("revenue") == card                  # null: the card's rules
    win = card.for_kpi("win_rate")
    assert (win.k, win.slices, win.settle, win.window, win.min_history) == (4, (), 1, None, 4)


def test_kpi_overrides_in_defaults_follow_into_a_card_with_its_own_values(config):
    card = _rules(config, "defaults:\n  kpis: {win_back_rate: {settle: 2}, revenue: null}\n"
                          "scorecards:\n  crm_default: {sensitivity: 5}\n")
    assert card.for_kpi("win_back_rate").settle == 2 and card.for_kpi("win_back_rate").k == 5
    listed = _rules(config, "defaults:\n  kpis: {win_back_rate: {settle: 2}}\nscorecards:\n  crm_default:\n"
                            "    kpis: [win_back_rate, revenue]\n")
    assert listed.kpis == ("win_back_rate", "revenue") and listed.for_kpi("win_back_rate").settle == 2
    both = _rules(config, "defaults:\n  kpis: [win_rate, churn_rate]\nscorecards:\n  crm_default:\n"
                          "    kpis: {win_rate: {settle: 1}}\n")
    assert both.kpis == ("win_rate", "churn_rate") and both.for_kpi("win_rate").settle == 1


BROKEN = [
    ("scorecards:\n  crm_default:\n    kpis: {win_rate: {settle: -1}}\n",
     "alerts.yaml: scorecards.crm_default.kpis.win_rate.settle: expected a whole number of periods 0..24"),
    ("scorecards:\n  crm_default:\n    kpis: {win_rate: {sensitivity: 0}}\n",
     "alerts.yaml: scorecards.crm_default.kpis.win_rate.sensitivity"),
    ("scorecards:\n  crm_default:\n    kpis: {win_rate: {every: quarter}}\n",
     "alerts.yaml: scorecards.crm_default.kpis.win_rate.every: unknown key"),
    ("scorecards:\n  crm_default:\n    kpis: {win_rat: {settle: 2}}\n",
     "alerts.yaml: scorecards.crm_default.kpis.win_rat: 'win_rat' is not in the catalogue"),
    ("scorecards:\n  crm_default:\n    kpis: {win_rate: {slices: [chanel]}}\n",
     "alerts.yaml: scorecards.crm_default.kpis.win_rate.slices[0]: 'chanel' is no dimension"),
    ("scorecards:\n  crm_default:\n    kpis: {win_rate: 3}\n",
     "alerts.yaml: scorecards.crm_default.kpis.win_rate: expected a mapping"),
    ("defaults: {settle: true}\n", "alerts.yaml: defaults.settle: expected a whole number"),
]


@pytest.mark.parametrize("text, problem", BROKEN, ids=[b[1].split(": ", 2)[1] for b in BROKEN])
def test_a_broken_kpi_rule_is_located(config, text, problem):
    (config / "alerts.yaml").write_text(text, encoding="utf-8")
    found = [f"{p.where}: {p.message}" for p in check(config)]
    assert any(f.startswith(problem) for f in found), found
    with pytest.raises(ConfigError):
        load_definitions(config)


def test_settle_keeps_the_newest_periods_from_being_judged():
    card = parse_scorecard(CARD % 0.15)          # e-mail collapses in 2025-12: a trend break, overall red
    data = contacts("email")
    assert {a.kind for a in alerts(data, card, Rules(slices=("channel",)))} >= {"trend_break", "turned_red"}
    waiting = Rules(slices=("channel",), settle=1)
    assert [a for a in alerts(data, card, waiting) if a.period == "2025-12"] == []
    # the month is judged once it has settled: checking it later with one more month of data
    steady = contacts(None, months=13)["campaign_contacts"]
    january = steady[steady["contacted_at"] >= "2026-01-01"]               # a normal month after it
    later = {"campaign_contacts": pd.concat([data["campaign_contacts"], january], ignore_index=True)}
    found = alerts(later, card, waiting, period="2025-12")
    assert ("2025-12", {"channel": "email"}) in [(a.period, a.slice) for a in found if a.kind == "trend_break"]


def test_a_kpi_of_its_own_is_judged_by_its_own_rules():
    card = parse_scorecard(CARD % 0.1)
    own = Rules(slices=("channel",), overrides=(("campaign_response_rate", (("slices", ()),)),))
    assert [a.slice for a in alerts(contacts("email"), card, own) if a.kind == "trend_break"] == [{}]
    numb = Rules(slices=("channel",), overrides=(("campaign_response_rate", (("k", 50.0),)),))
    assert [a for a in alerts(contacts("email"), card, numb) if a.kind == "trend_break"] == []


def _monitor(args, capsys):
    code = cli.main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_monitor_rules_uses_another_file_and_locates_its_problems(tmp_path, capsys):
    from tests.analytics.synthetic import response_drop, write_canonical

    write_canonical(response_drop("email"), tmp_path / "export")
    base = ["monitor", "--data", str(tmp_path / "export")]
    code, out, _ = _monitor(base, capsys)
    assert code == 0 and any(r["slice"] == {"channel": "email"} for r in json.loads(out))
    quiet = tmp_path / "quiet.yaml"
    quiet.write_text("scorecards:\n  crm_default:\n    kpis:\n      campaign_response_rate: {slices: []}\n",
                     encoding="utf-8")
    code, out, _ = _monitor([*base, "--rules", str(quiet)], capsys)
    rows = json.loads(out)
    assert code == 0 and rows
    assert [r["slice"] for r in rows if r["kpi"] == "campaign_response_rate"] == [{}]  # total only
    bad = tmp_path / "bad.yaml"
    bad.write_text("scorecards:\n  crm_default:\n    kpis:\n      churn_rate: {settle: viel}\n", encoding="utf-8")
    code, out, err = _monitor([*base, "--rules", str(bad)], capsys)
    assert code == 2 and out == ""
    assert "bad.yaml: scorecards.crm_default.kpis.churn_rate.settle: expected a whole number" in err
    code, _, err = _monitor([*base, "--rules", str(tmp_path / "none.yaml")], capsys)
    assert code == 2 and "not found" in err


def _history(values, latest, denominator=None):
    periods = [f"2025-{m:02d}" for m in range(1, len(values) + 2)]
    return pd.DataFrame({"kpi": "churn_rate", "dim": "segment", "member": "corporate", "period": periods,
                         "value": [*values, latest], "denominator": denominator})


def test_a_rate_s_band_is_at_least_its_chance_scatter_on_the_month_s_count():
    from analytics.monitoring import trend_breaks

    lower_better, rules = {"churn_rate": False}, Rules()
    calm = [0.0] * 10 + [1 / 180]
    # three churned customers of 180 after a history of (almost) none: chance for a rate ...
    assert trend_breaks(_history(calm, 3 / 180, 180), lower_better, rules, ratios=frozenset({"churn_rate"})).empty
    # ... but a break for a mean-like KPI without a count, and 30 of 180 are a break for the rate too
    assert len(trend_breaks(_history(calm, 3 / 180, None), lower_better, rules)) == 1
    assert len(trend_breaks(_history(calm, 30 / 180, 180), lower_better, rules,
                                ratios=frozenset({"churn_rate"}))) == 1


def test_a_level_the_window_already_had_is_no_break():
    from analytics.monitoring import trend_breaks

    once = [0.20, 0.21, 0.19, 0.20, 0.05, 0.20, 0.21, 0.20, 0.19, 0.20]   # one bad month in May
    higher = {"churn_rate": True}
    assert trend_breaks(_history(once, 0.08, None), higher, Rules()).empty
    assert len(trend_breaks(_history(once, 0.04, None), higher, Rules())) == 1
