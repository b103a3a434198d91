"""``python cli.py monitor``: the alerts of generated data as JSON/CSV, exit 1 with --fail-on-alert, 2 on bad input."""
from __future__ import annotations

import json

import pytest

import cli
from tests.analytics.test_monitoring import CARD, contacts


@pytest.fixture
def setup(tmp_path):
    frame = contacts("email")["campaign_contacts"]
    frame.assign(contacted_at=frame["contacted_at"].dt.strftime("%Y-%m-%d")).to_csv(
        tmp_path / "campaign_contacts.csv", index=False)
    (tmp_path / "card.yaml").write_text(CARD % 0.1, encoding="utf-8")
    return tmp_path


def run(args, capsys):
    code = cli.main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_monitor_reports_the_broken_channel_as_json_and_fails_on_alert(setup, capsys):
    base = ["monitor", "--data", str(setup), "--scorecard", str(setup / "card.yaml")]
    code, out, _ = run(base, capsys)
    rows = json.loads(out)
    assert code == 0
    assert set(rows[0]) == {"kpi", "period", "kind", "slice", "value", "expected", "lower", "upper"}
    sliced = [(r["kpi"], r["period"], r["slice"]) for r in rows if r["kind"] == "trend_break" and r["slice"]]
    assert sliced == [("campaign_response_rate", "2025-12", {"channel": "email"})]
    assert run([*base, "--fail-on-alert"], capsys)[0] == 1
    code, out, _ = run([*base, "--period", "2025-11", "--fail-on-alert"], capsys)
    assert (code, json.loads(out)) == (0, [])
    code, out, _ = run([*base, "--format", "csv"], capsys)
    assert out.splitlines()[0] == "kpi,period,kind,slice,value,expected,lower,upper"
    assert "channel=email" in out


def test_bad_period_and_unknown_scorecard_exit_2(setup, capsys):
    base = ["monitor", "--data", str(setup)]
    assert run([*base, "--scorecard", str(setup / "card.yaml"), "--period", "Dezember"], capsys)[0] == 2
    assert run([*base, "--scorecard", str(setup / "card.yaml"), "--period", "2019-01"], capsys)[0] == 2
    assert run([*base, "--scorecard", "no_such_card"], capsys)[0] == 2


def test_must_show_the_default_scorecard_flags_the_broken_channel_only(tmp_path, capsys):
    """Issue 11 must-show 1 with the shipped scorecard and config/alerts.yaml: the trend break of
    campaign_response_rate in 2025-12 for e-mail, none for phone or letter."""
    from tests.analytics.synthetic import response_drop, write_canonical

    write_canonical(response_drop("email"), tmp_path / "export")
    code, out, _ = run(["monitor", "--data", str(tmp_path / "export"), "--fail-on-alert"], capsys)
    rows = json.loads(out)
    channels = [(r["kpi"], r["period"], r["slice"]) for r in rows
                if r["kind"] == "trend_break" and "channel" in r["slice"]]
    assert code == 1 and channels == [("campaign_response_rate", "2025-12", {"channel": "email"})]
    email = next(r for r in rows if r["slice"] == {"channel": "email"})
    assert email["value"] < email["lower"] < email["expected"] < email["upper"]
