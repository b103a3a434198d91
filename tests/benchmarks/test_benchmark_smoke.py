"""The benchmark harness at a tiny size: the three KPI implementations agree and the results are written."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from benchmarks import kpi_bench
from benchmarks.prepare import parse_size, size_label
from benchmarks.run import main


@pytest.mark.parametrize(("text", "rows", "label"), [("2k", 2000, "2k"), ("100k", 100_000, "100k"),
                                                     ("1m", 1_000_000, "1m"), ("2500", 2500, "2500")])
def test_sizes_read_and_print_alike(text, rows, label) -> None:
    assert parse_size(text) == rows
    assert size_label(rows) == label


def test_a_tiny_run_agrees_and_writes_its_results(tmp_path) -> None:
    out = tmp_path / "results"
    assert main(["--sizes", "2k", "--repeat", "1", "--only", "kpi", "--data-dir", str(tmp_path / "data"),
                 "--out", str(out)]) == 0
    [js] = out.glob("*.json")
    rows = json.loads(js.read_text(encoding="utf-8"))["rows"]
    cold = next(r for r in rows if r["work"].startswith("full KPI catalogue"))
    assert set(cold["alternatives"]) == {"DuckDB hand-written SQL", "pandas"}
    assert cold["seconds"] > 0 and cold["passed"] in (True, False)
    assert any(r["group"] == "answer" for r in rows)
    md = js.with_suffix(".md").read_text(encoding="utf-8")
    assert "| 2k | full KPI catalogue by channel and month" in md and ("PASS" in md or "FAIL" in md)


def test_a_wrong_value_is_a_disagreement() -> None:
    table = pd.DataFrame({"kpi": ["revenue", "revenue"], "channel": ["web", "store"], "period": ["2024-01"] * 2,
                          "value": [100.0, 50.0]})
    kpi_bench.check_agree(table, table.iloc[::-1].copy(), "itself reordered")
    off = table.assign(value=[100.0, 50.0 * (1 + 1e-6)])
    with pytest.raises(kpi_bench.Disagreement, match="disagree"):
        kpi_bench.check_agree(table, off, "a wrong one")
    with pytest.raises(kpi_bench.Disagreement):
        kpi_bench.check_agree(table, table.head(1), "a missing row")
