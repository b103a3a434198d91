"""The forecast benchmark at a tiny size: it runs the backtest end to end on the demo client."""
from __future__ import annotations


def test_a_tiny_forecast_bench_reports_every_kpi(capsys) -> None:
    from benchmarks import forecast_bench

    assert forecast_bench.main(["--customers", "300", "--horizon", "1"]) == 0
    out = capsys.readouterr().out
    for kpi in forecast_bench.KPIS:
        assert out.count(f"| {kpi} |") == 2  # month and quarter
    assert "| ets |" in out or "| seasonal_naive |" in out
