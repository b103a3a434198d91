"""The xlsx import against fastexcel at 100k and 1M contacts x 7 columns (issue 15: <= 1.5x).

    .venv/bin/python -m benchmarks.xlsx_bench [--sizes 100k,1m] [--repeat 3] [--out FILE.md]

The workbook is written like ``benchmarks.prepare`` writes its xlsx (the demo's campaign
contacts, every column, ``contacted_at`` as ISO text, xlsxwriter) and cached under
``benchmarks/data/xlsx/<size>/campaign_contacts.xlsx``. Competitors run interleaved after a warm-up (``benchmarks.timing``):
``read_dataset`` (container checks + read + map + validate: what an import costs), ``read_table``
(checks + read into text columns), ``read_xlsx_cells`` (the cell-by-cell python-calamine path
the fast one replaced) and fastexcel's bare ``load_sheet(0).to_arrow()``. The 1M-row workbook
unpacks to about 330 MB, so ``COCKPIT_MAX_XLSX_UNPACKED_MB`` is raised to 1000 for the run. The load average
is recorded before and after, since the machine is shared.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FOLDER = ROOT / "benchmarks" / "data" / "xlsx"


def workbook(rows: int, log=print) -> Path:
    """A cached workbook of the first ``rows`` demo contacts (7 columns)."""
    from benchmarks.prepare import CONTACTS_PER_CUSTOMER, size_label

    path = FOLDER / size_label(rows) / "campaign_contacts.xlsx"  # named after the entity
    if path.exists():
        return path
    import xlsxwriter

    from data.demo import generate

    log(f"writing {path.name} ...")
    frame = generate(customers=int(rows / CONTACTS_PER_CUSTOMER) + 20, seed=11)["campaign_contacts"].head(rows)
    frame["contacted_at"] = frame["contacted_at"].dt.strftime("%Y-%m-%d")
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path.with_suffix(".tmp")), {"constant_memory": True})
    sheet = book.add_worksheet("campaign_contacts")
    sheet.write_row(0, 0, list(frame.columns))
    columns = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns]
    for i, row in enumerate(zip(*columns), start=1):
        sheet.write_row(i, 0, row)
    book.close()
    path.with_suffix(".tmp").rename(path)
    return path


def measure(rows: int, repeat: int, log=print) -> dict:
    import fastexcel

    from benchmarks.timing import interleaved
    from data.dataset import read_dataset
    from data.readbase import ReadOptions
    from data.reading import read_table
    from data.workbook import read_xlsx_cells

    path = workbook(rows, log)
    # the 1M-row workbook unpacks to ~330 MB, over the default limit of 300 MB: raised for the run
    os.environ.setdefault("COCKPIT_MAX_XLSX_UNPACKED_MB", "1000")

    def ours():
        result = read_dataset(path)
        assert result.ok and result.row_counts["campaign_contacts"] == rows, result.report.to_frame().head()

    competitors = {"read_dataset": ours, "read_table": lambda: read_table(path),
                   "fastexcel": lambda: fastexcel.read_excel(str(path)).load_sheet(0).to_arrow()}
    if rows <= 200_000:  # the old path takes seconds a round at 1M
        competitors["read_xlsx_cells"] = lambda: read_xlsx_cells(path, ReadOptions())
    load_before = os.getloadavg()
    log(f"{rows} rows: {path.stat().st_size / 2**20:.1f} MB, load {load_before[0]:.2f}")
    timings = interleaved(competitors, repeat, log=log)
    return {"rows": rows, "size_mb": path.stat().st_size / 2**20, "load": (load_before[0], os.getloadavg()[0]),
            "median": {name: t.median for name, t in timings.items()},
            "runs": {name: t.seconds for name, t in timings.items()}}


def markdown(results: list[dict], repeat: int) -> str:
    import platform

    import fastexcel
    import pandas as pd
    import pyarrow as pa

    lines = [f"# XLSX import vs fastexcel ({time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC)", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared with other work: load average given per "
             f"size); Python {platform.python_version()}, fastexcel {fastexcel.__version__}, pyarrow {pa.__version__}, "
             f"pandas {pd.__version__}. Medians of {repeat} interleaved runs after one warm-up "
             "(`python -m benchmarks.xlsx_bench`). Target (issue 15): xlsx import <= 1.5x fastexcel.", "",
             "| rows x 7 columns | file | load avg (before/after) | read_dataset (import) | read_table (read only) "
             "| old cell-by-cell read | fastexcel | import / fastexcel | read / fastexcel | result |",
             "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in results:
        m = r["median"]
        old = f"{m['read_xlsx_cells'] * 1000:.0f} ms" if "read_xlsx_cells" in m else "-"
        ratio = m["read_dataset"] / m["fastexcel"]
        lines.append(f"| {r['rows']:,} | {r['size_mb']:.1f} MB | {r['load'][0]:.2f} / {r['load'][1]:.2f} "
                     f"| {m['read_dataset'] * 1000:.0f} ms | {m['read_table'] * 1000:.0f} ms | {old} "
                     f"| {m['fastexcel'] * 1000:.0f} ms | {ratio:.2f}x | {m['read_table'] / m['fastexcel']:.2f}x "
                     f"| {'PASS' if ratio <= 1.5 else 'FAIL'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    from benchmarks.prepare import parse_size

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1m")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="write the markdown table here")
    args = parser.parse_args(argv)
    results = [measure(parse_size(s), args.repeat) for s in args.sizes.split(",")]
    text = markdown(results, args.repeat)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
