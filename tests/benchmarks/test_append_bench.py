"""The import-safety benchmark at a tiny size: it runs the page's path end to end and says so."""
from __future__ import annotations

import re


def test_a_tiny_append_run_adds_the_240_orders(tmp_path, capsys) -> None:
    from benchmarks import append_bench

    assert append_bench.main(["--size", "2k", "--data-dir", str(tmp_path / "data")]) == 0
    out = capsys.readouterr().out
    before = int(re.search(r"'orders': (\d+)", out).group(1))
    assert f"orders after append: {before + append_bench.ROWS:,}" in out
    assert "| restore v1 (new version + pre-aggregates) |" in out
