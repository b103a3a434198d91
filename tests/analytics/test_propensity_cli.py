"""``cli.py predict`` and ``cli.py channels plan`` on files: scores CSV, metrics, plan rows, exit 2."""
import argparse
import json

import pandas as pd
import pytest

from benchmarks import telco
from cli import channels, predict
from core.errors import CockpitError
from tests.analytics.synthetic import channel_frames


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    predict.add_parser(sub)
    channels.add_parser(sub)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CockpitError as exc:
        return exc.exit_code


def test_predict_churn_on_a_telco_manifest_with_kept_columns(tmp_path, capsys):
    manifest = telco.write(tmp_path / "telco", 3000)
    out = tmp_path / "scores.csv"
    assert run(["predict", "churn", "--data", str(manifest), "--out", str(out)]) == 0
    quality = json.loads(capsys.readouterr().out)
    scores = pd.read_csv(out, dtype={"customer_id": str})
    source = pd.read_csv(tmp_path / "telco" / "telco.csv", dtype=str)
    assert list(scores.columns[:2]) == ["customer_id", "score"]
    assert sorted(scores["customer_id"]) == sorted(source["customerID"])
    assert quality["customers"] == 3000 and quality["auc"] >= 0.80
    assert {d["feature"] for d in quality["drivers"][:3]} & {"Contract", "tenure"}


def test_channels_plan_from_a_folder_with_a_cost_override(tmp_path, capsys):
    folder = tmp_path / "d"
    folder.mkdir()
    for name, frame in channel_frames().items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    assert run(["channels", "plan", "--data", str(folder), "--format", "csv"]) == 0
    rows = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    best = rows[rows["recommended"]].set_index("segment")["channel"]
    assert best.to_dict() == {"A": "phone", "B": "email"}
    assert list(rows.columns) == ["segment", *channels.COLUMNS]
    raised = rows.set_index(["segment", "channel"]).loc[("A", "phone"), "break_even_cost"] + 1
    assert run(["channels", "plan", "--data", str(folder), "--cost", f"phone={raised}"]) == 0
    plan = pd.DataFrame(json.loads(capsys.readouterr().out))
    assert plan[plan["recommended"]].set_index("segment")["channel"].to_dict() == {"A": "email", "B": "email"}


@pytest.mark.parametrize("argv", [
    ["channels", "plan", "--data", "{d}", "--cost", "phone"],
    ["channels", "plan", "--data", "{d}", "--cost", "phone=-3"],
    ["channels", "plan", "--data", "{d}", "--cost", "phone=nan"],
    ["channels", "plan", "--data", "{d}", "--by", "colour"],
    ["predict", "churn", "--data", "{d}", "--out", "{d}/x.csv"],  # no churned column
])
def test_bad_input_exits_2(tmp_path, argv):
    folder = tmp_path / "d"
    folder.mkdir()
    for name, frame in channel_frames(per_cell=40).items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    assert run([a.replace("{d}", str(folder)) for a in argv]) == 2
