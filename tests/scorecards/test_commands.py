"""``python cli.py scorecard`` on the demo data, and the plain-text table."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

import cli
from cli.scorecard import render_table
from data.demo import generate, write_csv
from scorecards.evaluation import evaluate
from scorecards.loader import parse_scorecard
from scorecards.model import Direction, Thresholds
from scorecards.rules import traffic_light

ROLLUP = yaml.safe_load((Path(__file__).parent / "cases" / "rollup.yaml").read_text(encoding="utf-8"))
CARD = parse_scorecard(ROLLUP["scorecard"], "rollup.yaml")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    write_csv(generate(2000, 7), out)
    (out / "manual.csv").write_text("kpi;period;value\ntraining_hours;2025-Q3;4,5\ntraining_hours;2025-Q4;5\n",
                                    encoding="utf-8")
    return out


def test_json_on_demo_data_every_kpi_has_a_value_and_lights_follow_thresholds(demo_dir, capsys):
    code = cli.main(["scorecard", "--data", str(demo_dir), "--scorecard", "crm_default", "--period", "2025-Q4",
                     "--maturity-index", "2.9", "--manual", str(demo_dir / "manual.csv"), "--format", "json"])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["period"] == "2025-Q4" and len(payload["kpis"]) == 20
    assert [k["kpi"] for k in payload["kpis"] if k["actual"] is None] == []
    for k in payload["kpis"]:
        light = traffic_light(k["actual"], k["target"], Thresholds(**k["thresholds"]), Direction(k["direction"]))
        assert k["status"] == light.value, k["kpi"]
    hours = next(k for k in payload["kpis"] if k["kpi"] == "training_hours")
    assert (hours["actual"], hours["previous"], hours["trend"]) == (5.0, 4.5, "up")
    assert next(k for k in payload["kpis"] if k["kpi"] == "maturity_index")["achievement"] == pytest.approx(0.4)
    assert {p["id"] for p in payload["perspectives"]} == {"financial", "customer", "internal_process",
                                                          "learning_growth"}
    assert payload["status"] in ("green", "amber", "red") and 0 <= payload["score"] <= 1


def test_table_on_demo_data(demo_dir, capsys):
    assert cli.main(["scorecard", "--data", str(demo_dir), "--period", "2025-Q4", "--lang", "de"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("CRM Balanced Scorecard (Standard) - 2025-Q4: Gesamt ")
    assert "Perspektive Lernen und Entwicklung" in out and "grau (keine Daten)" in out  # no maturity index given


def test_a_month_for_a_quarterly_scorecard_is_refused(demo_dir, capsys):
    assert cli.main(["scorecard", "--data", str(demo_dir), "--period", "2025-03"]) == 2
    assert "period '2025-03' is a month, but scorecard 'crm_default' is set per quarter" in capsys.readouterr().err


def test_a_period_outside_the_data_is_refused_not_shown_grey(demo_dir, capsys):
    assert cli.main(["scorecard", "--data", str(demo_dir), "--period", "2031-Q1"]) == 2
    err = capsys.readouterr().err
    assert "no KPI of the scorecard has data for 2031-Q1" in err and "(2023-Q1 .. 2025-Q4)" in err


def test_unknown_scorecard_and_bad_period(capsys):
    assert cli.main(["scorecard", "--data", ".", "--scorecard", "nope", "--period", "2024-Q1"]) == 2
    assert "no scorecard 'nope'" in capsys.readouterr().err
    assert cli.main(["scorecard", "--data", ".", "--period", "Q1/2024"]) == 2
    assert "'Q1/2024' is not a period" in capsys.readouterr().err


def test_render_table_lists_perspectives_objectives_and_kpis():
    actuals = pd.DataFrame({"kpi": ["revenue", "revenue", "churn_rate"], "period": ["2023-Q4", "2024-Q1", "2024-Q1"],
                            "value": [95.0, 90.0, 0.065]})
    result = evaluate(CARD, actuals, "2024-Q1")
    text = render_table(result, {"revenue": "currency", "churn_rate": "ratio", "training_hours": "hours"}, {}, "en")
    lines = text.splitlines()
    assert lines[0] == "Mini - 2024-Q1: Overall 50% red"
    assert "Perspective Financial: 50% red" in lines
    assert "  Objective Grow: 50% red (1/2)" in lines
    revenue = next(line for line in lines if line.strip().startswith("Revenue"))  # the catalogue's name
    assert revenue.split() == ["Revenue", "€90.00", "€100.00", "50%", "amber", "down", "(worse)"]
    hours = next(line for line in lines if "Training hours" in line)
    assert hours.split()[2:] == ["–", "6.0", "h", "–", "grey", "(no", "data)", "–"]


@pytest.mark.parametrize("command", [["scorecard", "--period", "2025-Q4"], ["lifecycle", "--view", "funnel"]],
                         ids=["scorecard", "lifecycle"])
def test_data_that_fails_validation_is_refused_with_its_rows_not_half_used(demo_dir, tmp_path, command, capsys):
    """Every order's revenue is text: the file commands refuse the data (exit 2) and name file, row and
    column, as ``kpi compute`` does, instead of computing the card on the other entities."""
    bad = tmp_path / "bad"
    bad.mkdir()
    for path in demo_dir.glob("*.csv"):
        (bad / path.name).write_bytes(path.read_bytes())
    orders = pd.read_csv(bad / "orders.csv", dtype=str, keep_default_na=False)
    orders["revenue"] = "viel"
    orders.to_csv(bad / "orders.csv", index=False)
    assert cli.main([*command, "--data", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "did not pass validation" in err and "orders.csv" in err and "revenue" in err and "'viel'" in err
