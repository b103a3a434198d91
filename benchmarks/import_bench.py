"""Import benchmarks: our importer (read + mapping + validation) against the raw readers.

CSV: ``data.dataset.read_dataset`` on the contacts CSV vs ``pyarrow.csv.read_csv`` (and pandas).
XLSX (100k contacts, at the first size only): vs fastexcel (else python-calamine) and, once,
pandas + openpyxl.
"""
from __future__ import annotations

import time

from benchmarks.prepare import XLSX_ROWS, BenchData
from benchmarks.results import Row
from benchmarks.timing import interleaved


def run(data: BenchData, repeat: int, first: bool, log=print) -> list[Row]:
    rows = [_csv(data, repeat, log)]
    if first:
        rows += _xlsx(data, repeat, log)
    return rows


def _csv(data: BenchData, repeat: int, log) -> Row:
    import pandas as pd
    from pyarrow import csv as pacsv

    from data.dataset import read_dataset

    path = data.csv / "campaign_contacts.csv"

    def ours():
        result = read_dataset(path)
        assert result.ok, result.report.to_frame().head()

    t = interleaved({"importer": ours, "pyarrow": lambda: pacsv.read_csv(path),
                     "pandas": lambda: pd.read_csv(path)}, repeat, log=log)
    return Row("import", data.label, "CSV import, contacts (read_dataset: read + map + validate)", "importer",
               t["importer"].median, {"pyarrow.csv.read_csv": t["pyarrow"].median,
                                      "pandas.read_csv": t["pandas"].median},
               "<= 1.3x pyarrow", t["importer"].median <= 1.3 * t["pyarrow"].median,
               ratio_to=t["pyarrow"].median)


def _xlsx(data: BenchData, repeat: int, log) -> list[Row]:
    import pandas as pd

    from data.dataset import read_dataset

    path = data.xlsx
    readers = {}
    try:
        import fastexcel

        readers["fastexcel"] = lambda: fastexcel.read_excel(str(path)).load_sheet(0).to_arrow()
        best = "fastexcel"
    except ImportError:
        best = "calamine"
    from python_calamine import CalamineWorkbook

    readers["calamine"] = lambda: CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

    def ours():
        result = read_dataset(path)
        assert result.ok, result.report.to_frame().head()

    t = interleaved({"importer": ours, **readers}, repeat, log=log)
    start = time.perf_counter()
    pd.read_excel(path, engine="openpyxl")  # once: it takes seconds
    openpyxl_s = time.perf_counter() - start
    log(f"  pandas+openpyxl {openpyxl_s:.2f} s (one run)")
    ours_s, best_s = t["importer"].median, t[best].median
    alts = {f"{n}": t[n].median for n in readers}
    work = f"XLSX import, first {XLSX_ROWS // 1000}k contacts x 7 columns"
    return [Row("import", data.label, work, "importer", ours_s,
                {**alts, "pandas+openpyxl (1 run)": openpyxl_s}, f"<= 1.5x {best}", ours_s <= 1.5 * best_s,
                ratio_to=best_s),
            Row("import", data.label, "XLSX import vs pandas+openpyxl", "importer", ours_s,
                {"pandas+openpyxl (1 run)": openpyxl_s}, ">= 15x faster than openpyxl (ratio <= 0.067)",
                openpyxl_s / ours_s >= 15, ratio_to=openpyxl_s)]
