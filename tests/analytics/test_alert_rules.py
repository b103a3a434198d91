"""config/alerts.yaml through the definitions registry: the shipped file loads, what null means,
and every broken rule is reported with file and path (KPI ids checked against the catalogue)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analytics.alert_rules import Rules
from core.errors import ConfigError
from core.settings import CONFIG_DIR
from definitions import check, load_definitions, shipped


@pytest.fixture
def config(tmp_path: Path) -> Path:
    out = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, out, ignore=shutil.ignore_patterns("i18n"))
    return out


def _write(config: Path, text: str) -> None:
    (config / "alerts.yaml").write_text(text, encoding="utf-8")


def test_the_shipped_rules_watch_every_computed_kpi_of_the_default_card():
    rules = shipped().alert_rules.for_card("crm_default")
    assert rules == Rules(k=3.0, min_history=6, window=12, slices=("channel", "segment"), kpis=None,
                          every="month", forecast_periods=2, settle=0,
                          overrides=(("win_back_rate", (("settle", 3),)),))
    assert shipped().alert_rules.for_card("no_such_card") == shipped().alert_rules.defaults


def test_null_means_what_the_file_says(config):
    _write(config, "defaults: {sensitivity: 2.5, window: 24, slices: [channel]}\n"
                   "scorecards:\n  crm_default: {sensitivity: null, window: null, kpis: null, min_history: 4,"
                   " slices: []}\n")
    rules = load_definitions(config).alert_rules
    card = rules.for_card("crm_default")
    assert rules.defaults.k == 2.5 and rules.defaults.window == 24
    assert card.k == 2.5            # null: the defaults' value
    assert card.window is None      # null: no limit
    assert card.kpis is None        # null: every computed KPI
    assert card.min_history == 4 and card.slices == ()


def test_a_missing_file_is_the_built_in_defaults(config):
    (config / "alerts.yaml").unlink()
    assert load_definitions(config).alert_rules.for_card("crm_default") == Rules()


BROKEN = [
    ("scorecards:\n  crm_default: {kpis: [win_rat]}\n",
     "alerts.yaml: scorecards.crm_default.kpis[0]: 'win_rat' is not in the catalogue", "did you mean 'win_rate'?"),
    ("scorecards:\n  crm_default: {kpis: [maturity_index]}\n",
     "alerts.yaml: scorecards.crm_default.kpis[0]: 'maturity_index' is not computed from the data", None),
    ("scorecards:\n  crm_defalt: {}\n",
     "alerts.yaml: scorecards.crm_defalt: 'crm_defalt' is not a scorecard", "did you mean 'crm_default'?"),
    ("defaults: {slices: [chanel]}\n",
     "alerts.yaml: defaults.slices[0]: 'chanel' is no dimension of any catalogue KPI", "did you mean 'channel'?"),
    ("defaults: {sensitivity: hoch}\n", "alerts.yaml: defaults.sensitivity: expected a number", None),
    ("defaults: {min_history: 1}\n", "alerts.yaml: defaults.min_history: expected a whole number of periods >= 2",
     None),
    ("defaults: {every: week}\n", "alerts.yaml: defaults.every: 'week' is not one of ['month', 'quarter']", None),
    ("defaults: {sensitivty: 2}\n", "alerts.yaml: defaults.sensitivty: unknown key", None),
    ("defaults: {forecast_periods: 20}\n", "alerts.yaml: defaults.forecast_periods: expected a whole number 0..12",
     None),
]


@pytest.mark.parametrize("text, problem, hint", BROKEN, ids=[b[1].split(": ", 2)[1] for b in BROKEN])
def test_a_broken_rule_is_located(config, text, problem, hint):
    _write(config, text)
    found = [f"{p.where}: {p.message}" for p in check(config)]
    assert any(f.startswith(problem) for f in found), found
    if hint:
        assert hint in [p.hint for p in check(config)]
    with pytest.raises(ConfigError):
        load_definitions(config)


def test_every_problem_of_the_file_comes_at_once(config):
    _write(config, "defaults: {slices: [chanel], every: week}\nscorecards:\n  crm_default: {kpis: [win_rat]}\n")
    assert len([p for p in check(config) if p.where.startswith("alerts.yaml")]) == 3
