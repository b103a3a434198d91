"""WorkbookBuilder: content-agnostic Excel building blocks on xlsxwriter.

Sheets with Excel tables (header row, filter, banded rows), frozen header, widths, number
formats per column kind, print setup, traffic-light conditional formats, native charts built
from the written ranges, a cover sheet and a hidden stamp sheet. Every text is a string cell; one
that could start a formula (``core.cells.is_risky``) gets Excel's quote prefix (``reports.cells``).
Nothing here knows what a KPI or a domain is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
import xlsxwriter

from core.cells import is_risky, risky_mask
from core.i18n import t
from reports.cells import excel_serial, plain, sheet_name, write_rows, write_text, write_value
from reports.columns import (STATUS_COLOURS, STATUSES, UNIT_KINDS, ChartKind, Column, Kind, auto_width,
                             number_format, status_label, unique_labels)

TABLE_STYLE = "Table Style Medium 2"


def _header_text(text: str) -> str:
    return str(text)[:80].replace("&", "&&")  # Excel: header/footer at most 255 characters


@dataclass(frozen=True)
class TableRange:
    """Where a table was written: used to build charts from its cells."""

    sheet: str
    header_row: int
    first_row: int  # first data row
    last_row: int  # last data row (== header_row when empty)
    first_col: int
    fields: tuple[str, ...]

    def col(self, field: str) -> int:
        return self.first_col + self.fields.index(field)

    @property
    def empty(self) -> bool:
        return self.last_row < self.first_row


class WorkbookBuilder:
    """Build one workbook. ``constant_memory`` streams rows to disk (for very large raw data);
    xlsxwriter cannot make Excel tables then, so tables fall back to a styled header with a filter."""

    def __init__(self, target: Any, lang: str = "de", client: str = "", title: str = "",
                 constant_memory: bool = False):
        self.lang = lang
        self.client = client
        self.title = title
        self.constant_memory = constant_memory
        self.wb = xlsxwriter.Workbook(target, {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "constant_memory": constant_memory, "default_date_format": number_format(Kind.DATE, lang),
        })
        self._sheets: dict[str, Any] = {}
        self._next_row: dict[str, int] = {}
        self._formats: dict[tuple, Any] = {}
        self._props: dict[int, tuple] = {}  # id(format) -> its properties, for the quoted twin
        self._tables = 0
        self._with_table: set[str] = set()
        self._widths: dict[tuple[str, int], float] = {}

    # -- formats -------------------------------------------------------------------------------
    def fmt(self, **props: Any):
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(props)
            self._props[id(self._formats[key])] = key
        return self._formats[key]

    def quoted(self, fmt=None):
        """``fmt`` plus Excel's quote prefix: the cell stays text even when a user edits it."""
        return self.fmt(**dict(self._props.get(id(fmt), ())), quote_prefix=True)

    def text(self, ws, row: int, col: int, text: str, fmt=None) -> None:  # quote prefix when risky
        write_text(ws, row, col, text, fmt, self.quoted(fmt))

    def kind_format(self, kind: Kind):
        code = number_format(kind, self.lang)
        return self.fmt(num_format=code, valign="top") if code else self.fmt(valign="top", text_wrap=True)

    # -- sheets --------------------------------------------------------------------------------
    def sheet(self, name: str, print_title: str = ""):
        """The sheet called ``name`` (sanitised), created with print setup on first use."""
        if name in self._sheets:
            return self._sheets[name]
        clean = sheet_name(name, list(self._sheets))
        ws = self.wb.add_worksheet(clean)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        head = _header_text(print_title or name)
        ws.set_header(f"&L{_header_text(self.client)}&R{head}")
        ws.set_footer("&L" + _header_text(self.title) + "&R" + t("report.page_footer", self.lang)
                      .replace("{page}", "&P").replace("{pages}", "&N"))
        self._sheets[name] = ws
        self._sheets.setdefault(clean, ws)
        self._next_row[name] = 0
        return ws

    # -- tables --------------------------------------------------------------------------------
    def add_table(self, name: str, frame: pd.DataFrame, columns: Sequence[Column],
                  title: str = "", freeze: bool = True) -> TableRange:
        """Write ``frame``'s ``columns`` as an Excel table below what the sheet holds already.

        The first table of a sheet gets the frozen header row and the print title rows.
        """
        ws = self.sheet(name)
        start = self._next_row[name]
        if title:
            self.text(ws, start, 0, title, self.fmt(bold=True, font_size=12))
            start += 1
        header = start
        first_table = name not in self._with_table
        self._with_table.add(name)
        n = len(frame)
        columns = list(columns)
        labels = unique_labels([c.title(self.lang) for c in columns])
        data_cols: list[list[Any]] = []
        writers = []
        for i, column in enumerate(columns):
            values, writer = self._column(ws, frame, column, header + 1)
            data_cols.append(values)
            writers.append(writer)
            width = max(column.width or auto_width(labels[i], values, column.kind), self._widths.get((name, i), 0))
            self._widths[(name, i)] = width  # stacked tables share the columns: the widest wins
            ws.set_column(i, i, width, None)
        last_row = header + n
        if columns and n and not self.constant_memory:
            self._tables += 1
            ws.add_table(header, 0, last_row, len(columns) - 1, {
                "name": f"T{self._tables}_{re.sub(r'[^A-Za-z0-9_]', '_', name)[:40]}",
                "style": TABLE_STYLE, "autofilter": True, "banded_rows": True,
                "columns": [{"header": label, "header_format": self.quoted()} if is_risky(label)
                            else {"header": label} for label in labels]})
        else:
            head_fmt = self.fmt(bold=True, bg_color="#1F4E78", font_color="#FFFFFF", border=1)
            for i, label in enumerate(labels):
                self.text(ws, header, i, label, head_fmt)
            if columns and n and first_table:  # one filter per sheet
                ws.autofilter(header, 0, last_row, len(columns) - 1)
        write_rows(ws, header + 1, 0, data_cols, writers)
        if first_table and freeze:
            ws.freeze_panes(header + 1, 0)
            ws.repeat_rows(header)
        for i, column in enumerate(columns):
            if column.kind == Kind.STATUS and n:
                self.status_colours(name, header + 1, i, last_row, i)
        self._next_row[name] = last_row + 3
        return TableRange(name, header, header + 1, last_row, 0, tuple(c.field for c in columns))

    def _column(self, ws, frame: pd.DataFrame, column: Column, first_row: int) -> tuple[list[Any], Any]:
        series = frame[column.field]
        kind = column.kind
        if kind == Kind.STATUS:
            labels = {s: status_label(s, self.lang) for s in STATUSES}
            values = plain(series.astype("string").replace(labels))
            fmt = self.fmt(align="center", valign="top")
            return values, lambda r, c, v: ws.write_string(r, c, str(v), fmt)  # our own labels
        if kind == Kind.TEXT:
            fmt = self.kind_format(kind)
            quoted = self.quoted(fmt)
            fmts = [quoted if risky else fmt for risky in risky_mask(series).tolist()]
            return plain(series), lambda r, c, v: ws.write_string(r, c, str(v), fmts[r - first_row])
        if kind == Kind.DATE:
            fmt = self.kind_format(kind)  # Excel serial days (vectorised), shown with the date format
            return plain(excel_serial(series)), lambda r, c, v: ws.write_number(r, c, v, fmt)
        numbers = pd.to_numeric(series, errors="coerce").astype("float64")
        numbers = numbers.where(np.isfinite(numbers))
        if kind == Kind.INTEGER:
            numbers = numbers.round()
        if column.unit_field and column.unit_field in frame.columns:
            units = frame[column.unit_field].astype("string").fillna("")
            by_unit = {u: self.kind_format(UNIT_KINDS.get(u, kind)) for u in units.unique()}
            fmts = units.map(by_unit).tolist()
            return plain(numbers), lambda r, c, v: ws.write_number(r, c, v, fmts[r - first_row])
        fmt = self.kind_format(kind)
        return plain(numbers), lambda r, c, v: ws.write_number(r, c, v, fmt)

    def status_colours(self, name: str, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        """Traffic-light cell colours by value (green/amber/red/grey in the report language)."""
        ws = self.sheet(name)
        for status in STATUSES:
            bg, fg = STATUS_COLOURS[status]
            label = status_label(status, self.lang).replace('"', '""')
            ws.conditional_format(first_row, first_col, last_row, last_col, {
                "type": "cell", "criteria": "==", "value": f'"{label}"',
                "format": self.fmt(bg_color=bg, font_color=fg)})

    def reserve(self, name: str, row: int) -> None:
        """Make the next table on sheet ``name`` start at ``row`` or below (room for a chart)."""
        self._next_row[name] = max(self._next_row.get(name, 0), row)

    # -- charts --------------------------------------------------------------------------------
    def add_chart(self, table: TableRange, kind: ChartKind | str, category: str, values: Sequence[str],
                  title: str = "", y_format: str | None = None, anchor: tuple[int, int] | None = None):
        """A native chart of ``values`` by ``category`` from a written table; returns it (or None if empty)."""
        if table.empty or not values:
            return None
        kind = ChartKind(kind)
        options = {"type": kind.value}
        if kind == ChartKind.RADAR:
            options["subtype"] = "with_markers"
        chart = self.wb.add_chart(options)
        ws = self.sheet(table.sheet)
        real = ws.name
        cat = table.col(category)
        for field in values:
            col = table.col(field)
            chart.add_series({
                "name": [real, table.header_row, col],
                "categories": [real, table.first_row, cat, table.last_row, cat],
                "values": [real, table.first_row, col, table.last_row, col],
                "marker": {"type": "circle"} if kind in (ChartKind.LINE, ChartKind.RADAR) else None,
            })
        chart.set_title({"name": title} if title else {"none": True})
        chart.set_legend({"position": "bottom"})
        if y_format:
            (chart.set_x_axis if kind == ChartKind.BAR else chart.set_y_axis)({"num_format": y_format})
        chart.set_size({"width": 640, "height": 380})
        row, col = anchor or (table.header_row, table.first_col + len(table.fields) + 1)
        ws.insert_chart(row, col, chart)
        return chart

    # -- cover and stamp -----------------------------------------------------------------------
    def add_cover(self, name: str, title: str, lines: Sequence[tuple[str, Any]],
                  figures: Sequence[tuple[str, Any, Kind]] = (), stamp_lines: Sequence[tuple[str, str]] = ()) -> None:
        ws = self.sheet(name)
        ws.hide_gridlines(2)
        ws.set_column(0, 0, 34)
        ws.set_column(1, 1, 48)
        self.text(ws, 0, 0, title, self.fmt(bold=True, font_size=20, font_color="#1F4E78"))
        row = 2
        label_fmt, left = self.fmt(bold=True), self.fmt(align="left")
        for label, value in lines:
            self.text(ws, row, 0, label, label_fmt)
            write_value(ws, row, 1, value, self.kind_format(Kind.DATE) if hasattr(value, "year") else None, left,
                        self.quoted(left))
            row += 1
        if figures:
            row += 1
            self.text(ws, row, 0, t("report.key_figures", self.lang), self.fmt(bold=True, font_size=13))
            row += 1
            for label, value, kind in figures:
                self.text(ws, row, 0, label, label_fmt)
                if kind == Kind.STATUS:
                    ws.write_string(row, 1, status_label(str(value), self.lang), left)
                    self.status_colours(name, row, 1, row, 1)
                else:
                    number = self.fmt(num_format=number_format(kind, self.lang) or "@", align="left")
                    write_value(ws, row, 1, value, number, left, self.quoted(left))
                row += 1
        if stamp_lines:
            row += 1
            small = self.fmt(font_color="#595959", font_size=9)
            for label, value in stamp_lines:
                self.text(ws, row, 0, label, small)
                self.text(ws, row, 1, str(value), small)
                row += 1
        self._next_row[name] = row + 1

    def add_stamp(self, stamp: Mapping[str, Any], created: datetime, hidden: bool = True) -> None:
        """A (hidden) ``stamp`` sheet of key/value lines and the same in the document properties."""
        ws = self.sheet("stamp")
        ws.set_column(0, 1, 40)
        for row, (key, value) in enumerate(stamp.items()):
            self.text(ws, row, 0, str(key))
            self.text(ws, row, 1, "" if value is None else str(value))
        if hidden:
            ws.hide()
        self.wb.set_properties({"title": self.title, "company": self.client, "author": "CRM-Cockpit",
                                "created": created, "comments": "; ".join(f"{k}={v}" for k, v in stamp.items())})
        for key, value in stamp.items():
            self.wb.set_custom_property(str(key)[:255], "" if value is None else str(value)[:255], "text")

    def close(self) -> None:
        self.wb.close()
