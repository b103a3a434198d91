"""The churn model's cut-off as a setting (``--horizon-days``, the Prognosen page's field): the
time split moves with it, and a bad value is a located error before anything is written."""
from __future__ import annotations

import json

import pytest

import cli
from analytics.features import check_horizon
from analytics.propensity import predict
from core.errors import InputError
from data.demo import generate, write_csv


@pytest.fixture(scope="module")
def demo():
    return generate(customers=1500, seed=3)


def test_the_horizon_moves_the_cut_off(demo):
    short, long = predict(demo, "churn", horizon_days=90), predict(demo, "churn", horizon_days=365)
    assert (short.quality["horizon_days"], long.quality["horizon_days"]) == (90, 365)
    # a later cut-off keeps more customers (created before it) and asks about a shorter window
    assert short.quality["customers"] > long.quality["customers"]
    assert short.quality["base_rate"] < long.quality["base_rate"]
    assert predict(demo, "churn").quality["horizon_days"] == 180


@pytest.mark.parametrize("days, key", [(0, "analytics.horizon.positive"), (-30, "analytics.horizon.positive"),
                                       (True, "analytics.horizon.positive"), (2.5, "analytics.horizon.positive"),
                                       (1200, "analytics.horizon.span")])
def test_a_bad_horizon_is_a_located_error(days, key):
    with pytest.raises(InputError) as info:
        check_horizon(days, 1095)
    assert info.value.key == key and info.value.problems[0].where == "horizon_days"
    assert info.value.text("de").startswith("Vorhersagezeitraum") and "horizon" in info.value.text("en")


def test_predict_horizon_days_on_the_command_line(demo, tmp_path, capsys):
    write_csv(demo, tmp_path / "d")
    base = ["predict", "churn", "--data", str(tmp_path / "d")]
    out = tmp_path / "scores.csv"
    assert cli.main([*base, "--out", str(out), "--horizon-days", "90"]) == 0
    assert json.loads(capsys.readouterr().out)["horizon_days"] == 90 and out.is_file()
    for days, words in (("0", "above 0"), ("5000", "spans only")):
        bad = tmp_path / f"bad{days}.csv"
        assert cli.main([*base, "--out", str(bad), "--horizon-days", days]) == 2
        assert words in capsys.readouterr().err and not bad.exists()
