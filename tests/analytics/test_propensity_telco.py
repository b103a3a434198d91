"""The real telco table's path: benchmarks/telco_manifest.yaml on a generated table of its shape."""
import json

import pandas as pd

from benchmarks import telco
from tests.analytics.test_propensity_cli import run


def test_the_real_manifest_scores_a_telco_shaped_table_well_above_chance(tmp_path, capsys):
    folder = tmp_path / "telco"
    folder.mkdir()
    table = telco.generate(1500, seed=5)
    table.to_csv(folder / "WA_Fn-UseC_-Telco-Customer-Churn.csv", index=False)
    manifest = telco.place_manifest(folder)
    out = tmp_path / "scores.csv"
    assert run(["predict", "churn", "--data", str(manifest), "--out", str(out)]) == 0
    quality = json.loads(capsys.readouterr().out)
    assert quality["customers"] == 1500 and quality["features"] == 19
    assert quality["scores_written"] == "out_of_fold"  # no churn dates: every customer, scored out of fold
    assert quality["positives"] == int((table["Churn"] == "Yes").sum())  # Yes/No through the manifest's values
    assert quality["auc"] > 0.72  # a pipeline that lost the labels or the columns sits near 0.5
    assert len(pd.read_csv(out)) == 1500
