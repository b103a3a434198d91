"""Import benchmarks: our importer (read + mapping + validation) against the raw readers.

CSV: ``data.dataset.read_dataset`` on the contacts CSV vs ``pyarrow.csv.read_csv`` (and pandas), typed
while parsed (``data.typed_csv``) and the text way it replaces for clean files; the same contacts
with mostly distinct values (timestamps to the second, amounts with decimal comma, ``;``), both
ways (issue 15); the whole user path, a
``cli.py kpi compute`` process on a folder holding the contacts CSV, vs a process running one
DuckDB ``read_csv`` + ``group by``. XLSX (100k contacts, at the first size only): vs fastexcel
(else python-calamine) and, once, pandas + openpyxl.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from benchmarks.prepare import XLSX_ROWS, BenchData
from benchmarks.results import Row
from benchmarks.timing import interleaved


ROOT = Path(__file__).resolve().parent.parent
NO_LIMIT = 1 << 40  # the upload limit (500 MB) is the product's; the distinct contacts at 10M are 600 MB
DUCKDB_ONE_LINER = ("import duckdb, sys; duckdb.sql(\"SELECT channel, date_trunc('month', contacted_at) AS m, "
                    "avg(CASE WHEN responded THEN 1.0 ELSE 0 END) FROM read_csv('\" + sys.argv[1] + \"') "
                    "GROUP BY ALL ORDER BY ALL\").fetchall()")


def run(data: BenchData, repeat: int, first: bool, log=print) -> list[Row]:
    rows = [_csv(data, repeat, log), _csv_distinct(data, repeat, log), _user_path(data, repeat, log)]
    if first:
        rows += _xlsx(data, repeat, log)
    return rows


def _csv(data: BenchData, repeat: int, log) -> Row:
    import pandas as pd
    from pyarrow import csv as pacsv

    from data.dataset import read_dataset

    path = data.csv / "campaign_contacts.csv"

    def ours(typed: bool):
        def go():
            result = read_dataset(path, max_bytes=NO_LIMIT, typed_read=typed)
            assert result.ok, result.report.to_frame().head()
        return go

    t = interleaved({"importer": ours(True), "text way": ours(False), "pyarrow": lambda: pacsv.read_csv(path),
                     "pandas": lambda: pd.read_csv(path)}, repeat, log=log)
    return Row("import", data.label, "CSV import, contacts (read_dataset: read + map + validate)",
               "importer (typed while parsed)", t["importer"].median,
               {"pyarrow.csv.read_csv": t["pyarrow"].median, "importer, text way (before)": t["text way"].median,
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


def _contacts_only(data: BenchData) -> Path:
    """A folder holding only the contacts CSV (hard link), the ``--data`` of the user path."""
    import os

    folder = data.folder / "contacts_only"
    target = folder / "campaign_contacts.csv"
    if not target.exists():
        folder.mkdir(exist_ok=True)
        os.link(data.csv / "campaign_contacts.csv", target)
    return folder


def _distinct_csv(data: BenchData) -> Path:
    """The contacts with a time of day on every contact and a cost in cents, German style (``;``,
    decimal comma): 2 of 7 columns with mostly distinct values, as CRM exports have them."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    path = data.folder / "contacts_distinct" / "campaign_contacts.csv"
    if path.exists():
        return path
    table = pacsv.read_csv(data.csv / "campaign_contacts.csv")
    rng = np.random.default_rng(3)
    seconds = pa.array(rng.integers(0, 86400, table.num_rows)).cast(pa.duration("s"))
    stamps = pc.add(pc.cast(table["contacted_at"], pa.timestamp("s")), seconds)
    cost = np.round(rng.gamma(2.0, 3.0, table.num_rows), 2)
    table = table.set_column(table.column_names.index("contacted_at"), "contacted_at",
                             pc.strftime(stamps, format="%d.%m.%Y %H:%M:%S"))
    table = table.set_column(table.column_names.index("cost"), "cost",
                             pc.replace_substring(pc.cast(pa.array(cost), pa.string()), ".", ","))
    path.parent.mkdir(exist_ok=True)
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(delimiter=";", quoting_style="none"))
    return path


def _csv_distinct(data: BenchData, repeat: int, log) -> Row:
    from pyarrow import csv as pacsv

    from data import sql_typing
    from data.dataset import read_dataset

    path = _distinct_csv(data)

    def ours(threshold: int, typed: bool = True):
        def go():
            before, sql_typing.SQL_MIN_VALUES = sql_typing.SQL_MIN_VALUES, threshold
            try:
                result = read_dataset(path, max_bytes=NO_LIMIT, typed_read=typed)
            finally:
                sql_typing.SQL_MIN_VALUES = before
            assert result.ok, result.report.to_frame().head()
        return go

    t = interleaved({"importer": ours(sql_typing.SQL_MIN_VALUES), "text way": ours(sql_typing.SQL_MIN_VALUES, False),
                     "pyarrow": lambda: pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=";"))},
                    repeat, log=log)
    return Row("import", data.label, "CSV import, contacts with timestamps and amounts (mostly distinct values)",
               "importer (typed while parsed)", t["importer"].median,
               {"pyarrow.csv.read_csv": t["pyarrow"].median,
                "importer, text way + DuckDB typing (before)": t["text way"].median},
               "<= 1.3x pyarrow", t["importer"].median <= 1.3 * t["pyarrow"].median, ratio_to=t["pyarrow"].median)


def _user_path(data: BenchData, repeat: int, log) -> Row:
    folder = _contacts_only(data)
    kpi = [sys.executable, str(ROOT / "cli.py"), "kpi", "compute", "--data", str(folder), "--kpi",
           "campaign_response_rate", "--by", "channel", "--period", "month"]
    duck = [sys.executable, "-c", DUCKDB_ONE_LINER, str(folder / "campaign_contacts.csv")]

    def process(argv):
        return lambda: subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)

    t = interleaved({"cli": process(kpi), "duckdb": process(duck)}, repeat, log=log)
    return Row("import", data.label, "raw CSV -> response rate by channel and month, whole process "
               "(cli.py kpi compute --data DIR)", "cli", t["cli"].median,
               {"python -c DuckDB read_csv + group by": t["duckdb"].median}, "<= 1.0x DuckDB one-liner",
               t["cli"].median <= t["duckdb"].median, ratio_to=t["duckdb"].median)
