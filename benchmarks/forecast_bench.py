"""Forecast benchmark: rolling-origin backtest on the demo client, ETS (statsmodels) beside seasonal-naive.

``python -m benchmarks.forecast_bench [--customers N] [--out FILE.md]``: per KPI and granularity the
MASE and MAPE of both over the last six origins at the given horizon, the method the cockpit would
choose, and the seconds one forecast (with its backtest) takes.
"""
from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

KPIS = ("revenue", "new_customers", "campaign_response_rate")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--horizon", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    lines = _table(args.customers, args.horizon)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


def _table(customers: int, horizon: int) -> list[str]:
    from analytics.forecast import forecast
    from data.demo import generate
    from kpis.catalogue import load_catalogue
    from kpis.engine import compute

    frames = generate(customers=customers, seed=7)
    catalogue = load_catalogue()
    lines = [f"demo client, {customers:,} customers, horizon {horizon}, last 6 origins", "",
             "| KPI | period | n | ETS MASE | naive MASE | ETS MAPE | naive MAPE | chosen | s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for period in ("month", "quarter"):
        table = compute(frames, list(KPIS), period=period)
        for kpi in KPIS:
            values = table[table["kpi"] == kpi].sort_values("period")["value"].dropna().tolist()
            ratio = catalogue.get(kpi).is_ratio
            start = time.perf_counter()
            f = forecast(values, period, horizon, bounds=(0.0, 1.0 if ratio else None))
            secs = time.perf_counter() - start
            m, n = f.model, f.naive
            lines.append(f"| {kpi} | {period} | {len(values)} | {_fmt(m and m.mase)} | {_fmt(n and n.mase)} | "
                         f"{_fmt(m and m.mape)} | {_fmt(n and n.mape)} | {f.method} | {secs:.2f} |")
    return lines


def _fmt(v) -> str:
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.2f}"


if __name__ == "__main__":
    raise SystemExit(main())
