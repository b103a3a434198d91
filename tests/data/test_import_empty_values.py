"""A value translated to YAML ``null``, or listed under ``empty:``, means "empty" (issue 15.1).

The pipeline export in ``cases/pipeline`` has one stage column feeding ``stage`` and ``won``;
its open stages are neither won nor lost. Before, ``null`` was stored as the text ``'None'`` and
every open deal was rejected; now the open deals are kept with an empty ``won`` and the win rate
(won / (won + lost)) leaves them out, end to end through the command line.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from core.errors import DataImportError
from data.dataset import read_dataset
from data.manifest import load_manifest, parse_manifest

ROOT = Path(__file__).resolve().parents[2]
CASE = Path(__file__).parent / "cases" / "pipeline"
MANIFEST = (CASE / "manifest.yaml").read_text(encoding="utf-8")
WITHOUT_NULLS = MANIFEST.replace(', "Engaging": null, "Prospecting": null', "")
WITH_EMPTY = WITHOUT_NULLS + "  empty: {won: [engaging, Prospecting]}\n"


def _copy(tmp_path: Path, manifest: str) -> Path:
    (tmp_path / "pipeline.csv").write_bytes((CASE / "pipeline.csv").read_bytes())
    (tmp_path / "manifest.yaml").write_text(manifest, encoding="utf-8")
    return tmp_path / "manifest.yaml"


def _win_rate(manifest: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "kpi", "compute", "--data", str(manifest),
                           "--kpi", "win_rate"], capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("manifest", [MANIFEST, WITH_EMPTY], ids=["null", "empty-key"])
def test_open_stages_are_kept_with_an_empty_won(tmp_path, manifest):
    result = read_dataset(_copy(tmp_path, manifest))
    assert result.report.ok, result.report.describe()
    deals = result.frames["opportunities"].set_index("opportunity_id")
    assert deals["won"].tolist() == [True, False, pd.NA, pd.NA, True, pd.NA]
    assert deals.loc["OPP-3", "stage"] == "Engaging"  # the stage itself is untouched


@pytest.mark.parametrize("manifest", [MANIFEST, WITH_EMPTY], ids=["null", "empty-key"])
def test_win_rate_from_the_command_line_excludes_open_deals(tmp_path, manifest):
    done = _win_rate(_copy(tmp_path, manifest))
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)
    assert (row["kpi"], row["numerator"], row["denominator"]) == ("win_rate", 2.0, 3.0)  # 2 won, 1 lost, 3 open
    assert row["value"] == pytest.approx(2 / 3)


def test_without_a_translation_open_stages_are_rejected_with_a_hint_at_empty(tmp_path):
    done = _win_rate(_copy(tmp_path, WITHOUT_NULLS))
    assert done.returncode == 2
    assert "3 rejected" in done.stderr
    assert "row 4, column 'Deal Stage': value 'Engaging': not a valid yes/no value" in done.stderr
    assert "goes under empty:" in done.stderr
    assert "Traceback" not in done.stderr


def test_empty_key_round_trips_and_is_checked(tmp_path):
    manifest = load_manifest(_copy(tmp_path, WITH_EMPTY))
    assert manifest.entities["opportunities"].empty == {"won": ("engaging", "Prospecting")}
    again = parse_manifest(manifest.to_yaml(), tmp_path)
    assert again.entities["opportunities"].empty == manifest.entities["opportunities"].empty

    broken = WITHOUT_NULLS + "  empty: {won: [Won], colour: [x], amount: {a: b}}\n"
    with pytest.raises(DataImportError) as caught:
        parse_manifest(broken, tmp_path)
    text = caught.value.describe()
    assert "opportunities.empty.won: ['won'] also translated under values.won" in text
    assert "opportunities.empty.colour" in text
    assert "opportunities.empty.amount: expected a list of source values" in text
