"""Forecast vs target on the scorecard and in the report (issue 11.2 / 11.4): what the first view
after an import costs, and what every later one costs (the cache).

``python -m benchmarks.outlook_bench [--customers N] [--out FILE.md]``: a SQLite installation in a
temporary folder with the demo client; times ``view_scorecard``, ``scorecard_forecast`` cold and
warm, the report's forecasts for the same quarter (warm: the same cache keys), the channel plan
cold and the whole Excel report once everything is kept.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    text = "\n".join(_table(args.customers)) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def _table(customers: int) -> list[str]:
    from core.settings import Settings
    from services.importing import load_demo_client
    from storage.db import connect, forget
    from usecases import analysis, propensity
    from usecases.reports import build_report
    from usecases.scorecard import actuals, view_scorecard
    from usecases.session import local_session

    root = Path(tempfile.mkdtemp(prefix="outlook_bench_"))
    settings = Settings(data_dir=root, database_url=f"sqlite:///{root / 'cockpit.db'}", demo=False,
                        team_mode=False, max_upload_mb=200)
    engine = connect(settings.database_url)
    try:
        client, info = load_demo_client(engine, settings.dataset_dir, customers=customers)
        session = local_session(engine, settings, client)
        view, t_view = _timed(lambda: view_scorecard(session))
        ahead, t_cold = _timed(lambda: analysis.scorecard_forecast(session, view))
        _, t_warm = _timed(lambda: analysis.scorecard_forecast(session, view))
        table = actuals(session, info, view.card)
        _, t_report_fc = _timed(lambda: analysis.card_forecasts(session, info, view.card, table, view.default_period))
        _, t_plan = _timed(lambda: propensity.channel_plan(session, info, "segment"))
        _, t_report = _timed(lambda: build_report(session, "xlsx", view.default_period, "de"))
    finally:
        forget(settings.database_url)
    methods = ahead[ahead["step"] == 1]["method"].value_counts().to_dict()
    return [f"demo client, {customers:,} customers, scorecard crm_default per quarter, last complete "
            f"{view.default_period}; {ahead['kpi'].nunique()} KPIs forecast "
            f"({', '.join(f'{k}: {v}' for k, v in sorted(methods.items()))})", "",
            "| step | s |", "|---|---|",
            f"| view_scorecard (scores, cached actuals) | {t_view:.2f} |",
            f"| scorecard_forecast, first view after the import (fits) | {t_cold:.2f} |",
            f"| scorecard_forecast, every later view (cache) | {t_warm:.3f} |",
            f"| the report's forecasts for the same quarter (same cache keys) | {t_report_fc:.3f} |",
            f"| channel plan per segment, first time | {t_plan:.2f} |",
            f"| whole Excel report after that (alerts fitted here the first time) | {t_report:.2f} |"]


if __name__ == "__main__":
    raise SystemExit(main())
