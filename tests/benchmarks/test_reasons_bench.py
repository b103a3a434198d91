"""The reason-key benchmark at a tiny size: both German readings run and agree on every row."""
from __future__ import annotations


def test_a_tiny_reasons_run_reads_the_same_german_both_ways(capsys) -> None:
    from benchmarks import reasons_bench

    assert reasons_bench.main(["--rows", "3000", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "2500 problems of 3000 rows, 1501 distinct reasons" in out
    assert "readings agree: True" in out and "| keys (reasons_in) |" in out
