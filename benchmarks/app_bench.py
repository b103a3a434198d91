"""Page and start-up benchmarks: a filter change on the scorecard and lifecycle views at the largest
size (server-side: direct calls of what the pages call), and cold start-up times (subprocesses)."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.prepare import BenchData
from benchmarks.results import Row
from benchmarks.timing import interleaved

ROOT = Path(__file__).resolve().parent.parent
LIFECYCLE_VIEWS = ("funnel", "stages", "cohorts", "channels", "segments", "sales", "clv")
HEAVY = ("duckdb", "reportlab", "openpyxl", "xlsxwriter", "sqlalchemy", "pyarrow")


def views(data: BenchData, repeat: int, log=print) -> list[Row]:
    from core.query import Filters
    from kpis.cubes import FOLDER
    from kpis.engine import compute, compute_from_raw
    from lifecycle.views import compute_view
    from sources.source import StoredDataset
    from benchmarks.kpi_bench import computed_ids

    stored, raw = StoredDataset(data.paths(data.stored), data.stored / FOLDER), data.paths(data.raw)
    ids = computed_ids()
    flt = Filters.of(date(2025, 1, 1), date(2026, 1, 1), channel=["email", "web"])
    per_view: dict[str, list[float]] = {v: [] for v in LIFECYCLE_VIEWS}

    def lifecycle(source, record: bool = False):
        for view in LIFECYCLE_VIEWS:
            start = time.perf_counter()
            compute_view(source, view, flt, period="month")
            if record:
                per_view[view].append(time.perf_counter() - start)

    t = interleaved({"scorecard": lambda: compute(stored, ids, period="quarter"),
                     "scorecard_raw": lambda: compute_from_raw(raw, ids, period="quarter"),
                     "lifecycle": lambda: lifecycle(stored, record=True),
                     "lifecycle_raw": lambda: lifecycle(StoredDataset(raw))}, repeat, log=log)
    sc, sc_raw, lc, lc_raw = (t[k].median for k in ("scorecard", "scorecard_raw", "lifecycle", "lifecycle_raw"))
    rows = [Row("views", data.label, "scorecard page: switch to quarters (all engine KPIs)", "from aggregates", sc,
                {"recompute (raw)": sc_raw}, "<= 50 ms and >= 30x faster", sc <= 0.05 and sc_raw / sc >= 30,
                ratio_to=sc_raw),
            Row("views", data.label, "lifecycle page: filter change (channel email+web, 2025), 7 views",
                "lifecycle.compute_view (aggregates; funnel and cohorts raw)", lc, {"raw Parquet": lc_raw},
                "<= 50 ms", lc <= 0.05, ratio_to=lc_raw)]
    for view, seconds in per_view.items():  # where the page's time goes (the warm-up round included)
        rows.append(Row("views", data.label, f"lifecycle page: the {view} view alone", "compute_view",
                        statistics.median(seconds), {}, "", None))
    return rows


def _wall(args: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, env=env, capture_output=True, check=True)
    return time.perf_counter() - start


FIRST_PAGE = """
import sys, time, json
start = time.perf_counter()
sys.path.insert(0, {root!r})
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=120)
at.run()
took = time.perf_counter() - start
print(json.dumps({{"seconds": took, "errors": [str(e.value) for e in at.exception],
                   "heavy": [m for m in {heavy!r} if m in sys.modules]}}))
"""


def startup(repeat: int, log=print) -> list[Row]:
    py = sys.executable
    cli, imports = [], []
    for _ in range(repeat + 1):
        cli.append(_wall([py, "cli.py", "--help"]))
        imports.append(_wall([py, "-c", "import streamlit, pandas, plotly.express"]))
    cli_s, imp_s = statistics.median(cli[1:]), statistics.median(imports[1:])
    log(f"  cli --help {cli_s * 1000:.0f} ms, import streamlit+pandas+plotly {imp_s * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "COCKPIT_DATA_DIR": home}
        env.pop("DATABASE_URL", None)
        subprocess.run([py, "-c", "from core.settings import load_settings; from services.bootstrap import "
                        "ensure_ready; ensure_ready(load_settings())"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        code = FIRST_PAGE.format(root=str(ROOT), app=str(ROOT / "app.py"), heavy=HEAVY)
        runs = []
        for _ in range(max(2, min(repeat, 3))):
            out = subprocess.run([py, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    page_s = statistics.median(r["seconds"] for r in runs)
    heavy = runs[-1]["heavy"]
    log(f"  first page {page_s:.2f} s; heavy modules loaded: {heavy}; errors: {runs[-1]['errors']}")
    return [Row("startup", "-", "python cli.py --help (wall)", "cli", cli_s, {}, "< 0.5 s", cli_s < 0.5),
            Row("startup", "-", "import streamlit, pandas, plotly.express (wall, incl. interpreter)", "-", imp_s,
                {}, "", None),
            Row("startup", "-", "first page (overview) from a cold start: AppTest of app.py on the seeded demo"
                f" (heavy modules loaded: {', '.join(heavy) or 'none'})", "app", page_s, {}, "< 3 s",
                page_s < 3 and not runs[-1]["errors"])]
