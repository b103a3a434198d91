"""Excel report benchmark: ``reports.workbook.build_workbook`` with a 100k-row raw data sheet, 5
summary sheets and 2 charts, against a bare xlsxwriter write of the same sheets; and without the
raw data sheet."""
from __future__ import annotations

import io

import pandas as pd

from benchmarks.prepare import XLSX_ROWS, BenchData
from benchmarks.results import Row
from benchmarks.timing import interleaved

SUMMARY = ("revenue", "campaign_response_rate", "win_rate", "churn_rate", "nps")


def summaries(data: BenchData) -> list[tuple[str, pd.DataFrame]]:
    """Five KPI tables by month (channel columns where the KPI has channels)."""
    from kpis.engine import compute

    table = compute(data.paths(data.raw), list(SUMMARY), by=("channel",), period="month")
    out = []
    for kpi in SUMMARY:
        rows = table[table["kpi"] == kpi]
        wide = rows.pivot_table(index="period", columns="channel", values="value", dropna=False) \
            if rows["channel"].notna().any() else rows.set_index("period")[["value"]]
        wide.columns = [str(c) for c in wide.columns]
        out.append((kpi, wide.reset_index()))
    return out


def content(data: BenchData, raw: pd.DataFrame | None):
    from reports.columns import ChartKind
    from reports.content import Figure, ReportContent

    figures = tuple(Figure(kpi, frame, chart=ChartKind.LINE if i < 2 else None, category="period")
                    for i, (kpi, frame) in enumerate(summaries(data)))
    created = pd.Timestamp("2026-01-01").to_pydatetime()
    return ReportContent(client="Benchmark", period="2025", lang="de", created_at=created, kpis=figures,
                         raw=(("Kontakte", raw),) if raw is not None else ())


def bare_xlsxwriter(target, sheets: list[tuple[str, pd.DataFrame]], raw: pd.DataFrame) -> None:
    """The same sheets written directly: header row, values row by row, 2 line charts."""
    import xlsxwriter

    book = xlsxwriter.Workbook(target, {"in_memory": True})
    for i, (name, frame) in enumerate(sheets):
        ws = book.add_worksheet(name[:31])
        ws.write_row(0, 0, list(frame.columns))
        values = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
        for r, row in enumerate(values, start=1):
            ws.write_row(r, 0, row)
        if i < 2:
            chart = book.add_chart({"type": "line"})
            for c in range(1, frame.shape[1]):
                chart.add_series({"categories": [ws.name, 1, 0, len(frame), 0],
                                  "values": [ws.name, 1, c, len(frame), c], "name": str(frame.columns[c])})
            ws.insert_chart(1, frame.shape[1] + 1, chart)
    ws = book.add_worksheet("Rohdaten")
    ws.write_row(0, 0, list(raw.columns))
    values = raw.astype(object).where(raw.notna(), None).to_numpy().tolist()
    for r, row in enumerate(values, start=1):
        ws.write_row(r, 0, row)
    book.close()


def run(data: BenchData, repeat: int, log=print) -> list[Row]:
    from reports.workbook import build_workbook

    import pyarrow.parquet as pq

    raw = pq.read_table(data.raw / "campaign_contacts.parquet").slice(0, XLSX_ROWS).to_pandas()
    full, bare = content(data, raw), content(data, None)
    sheets = summaries(data)
    t = interleaved({"build_workbook": lambda: build_workbook(full, io.BytesIO()),
                     "xlsxwriter": lambda: bare_xlsxwriter(io.BytesIO(), sheets, raw),
                     "no_raw": lambda: build_workbook(bare, io.BytesIO())}, max(1, min(repeat, 3)), log=log)
    ours, base, small = t["build_workbook"].median, t["xlsxwriter"].median, t["no_raw"].median
    work = "Excel report: 100k-row raw sheet + 5 summary sheets + 2 charts"
    return [Row("report", data.label, work, "build_workbook",
                ours, {"bare xlsxwriter": base}, "<= 1.2x bare xlsxwriter", ours <= 1.2 * base, ratio_to=base),
            Row("report", "-", "Excel report without raw data (5 summary sheets + 2 charts)", "build_workbook",
                small, {}, "< 1 s", small < 1.0)]
