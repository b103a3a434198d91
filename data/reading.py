"""Reading CSV, TSV and XLSX exports into frames of text.

Every column is read as text (``string`` dtype, empty cells are ``<NA>``): typing is the
mapper's job, so ids and postcodes keep their leading zeros and ``31.12.2024`` stays a date.
The frame's index is the 1-based source line as the user sees it in Excel (header included),
so every later problem can name its row.

CSV: encoding (UTF-8 with/without BOM, else cp1252), delimiter (``; , tab |``) and the header
row (title lines above it are skipped) are detected; pyarrow parses, pandas is the fallback for
files pyarrow refuses. XLSX: ``data.workbook``. Every failure is a ``DataImportError`` naming
the file (and the line when known).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import DataImportError, Problem
from data.encoding import byte_at, first_bad_utf8, first_nul, guess_encoding, line_at, utf8_text_at
from data.readbase import (DEFAULT_MAX_BYTES, DELIMITERS, MAX_COLUMNS, SNIFF_LINES, SUFFIXES, ReadOptions,  # noqa: F401
                           clean_headers, fail)
from data.workbook import read_xlsx


def read_table(path: str | Path, options: ReadOptions = ReadOptions()) -> pd.DataFrame:
    """The table in ``path`` as text columns, indexed by source line (header line + 1 onwards)."""
    path = Path(path)
    if not path.is_file():
        raise fail(path, "file not found", hint="check the file name and folder", key="import.read.not_found",
                   hint_key="import.read.not_found_hint")
    suffix = path.suffix.lower()
    if suffix in (".xlsm", ".xltm"):
        raise fail(path, "macro-enabled workbooks (.xlsm) are refused", hint="save the sheet as .xlsx or .csv",
                   key="import.read.macro", hint_key="import.read.save_plain")
    if suffix == ".xls":
        raise fail(path, "old Excel format .xls is not supported", hint="save it as .xlsx or .csv",
                   key="import.read.xls", hint_key="import.read.save_plain")
    if suffix not in SUFFIXES:
        raise fail(path, f"unsupported file type {suffix or '(none)'}; expected one of {list(SUFFIXES)}",
                   key="import.read.suffix", values={"suffix": suffix or "-", "expected": ", ".join(SUFFIXES)})
    size = path.stat().st_size
    if size > options.max_bytes:
        raise fail(path, f"file has {size / 1e6:.1f} MB, more than the limit of {options.max_bytes / 1e6:.0f} MB",
                   hint="split the export or raise COCKPIT_MAX_UPLOAD_MB", key="import.read.too_big",
                   values={"mb": f"{size / 1e6:.1f}", "limit": f"{options.max_bytes / 1e6:.0f}"},
                   hint_key="import.read.too_big_hint")
    if suffix == ".xlsx":
        frame = read_xlsx(path, options)
    else:
        frame = _read_csv(path, options)
    if frame.shape[1] > MAX_COLUMNS:
        raise _too_wide(path, frame.shape[1])
    return drop_blank_columns(frame)


def drop_blank_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns without a header and without any value (trailing delimiters, an empty column A)."""
    blank = [c for c in frame.columns if re.fullmatch(r"column_\d+", str(c)) and frame[c].isna().all()]
    return frame.drop(columns=blank) if blank else frame


# --- CSV ---------------------------------------------------------------------------------

def _head_lines(path: Path, encoding: str) -> list[str]:
    with path.open("r", encoding=encoding, errors="replace", newline="") as fh:
        text = fh.read(256 * 1024)
    lines = text.splitlines()
    return lines[:SNIFF_LINES] if len(lines) > 1 else lines


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def detect_layout(lines: list[str], delimiter: str | None = None) -> tuple[str, int]:
    """(delimiter, 0-based header line index) from the first lines of a file.

    The delimiter is the candidate giving the most lines with the same field count (> 1);
    the header is the first line with that modal count (title lines above it are skipped)."""
    candidates = (delimiter,) if delimiter else DELIMITERS
    best: tuple[int, int, str, int] = (-1, 0, candidates[0], 0)
    sample = [ln for ln in lines if ln.strip()]
    for d in candidates:
        counts = [len(_split(ln, d)) for ln in sample]
        if not counts:
            continue
        values, freq = np.unique(counts, return_counts=True)
        order = np.lexsort((values, freq))  # most frequent, ties: most fields
        mode, n = int(values[order[-1]]), int(freq[order[-1]])
        score = n if mode > 1 else 0
        if (score, mode) > best[:2]:
            best = (score, mode, d, mode)
    _, _, d, mode = best
    header = 0
    for i, ln in enumerate(lines):
        if ln.strip() and len(_split(ln, d)) >= mode:
            header = i
            break
    return d, header



@dataclass(frozen=True)
class CsvLayout:
    """How a CSV file is laid out: what ``_read_csv`` detects from its first lines."""

    encoding: str
    delimiter: str
    header_idx: int  # 0-based line of the header (title lines above it are skipped)
    header: list[str]
    quoted: bool  # a quote in the first lines: values may hold newlines


def csv_layout(path: Path, options: ReadOptions, encoding: str | None = None) -> CsvLayout:
    """Encoding, delimiter and header of a CSV file (``DataImportError`` when it has none)."""
    encoding = options.encoding or encoding or decide_encoding(path)
    default_delim = "\t" if path.suffix.lower() == ".tsv" and not options.delimiter else options.delimiter
    try:
        lines = _head_lines(path, encoding)
    except LookupError:
        raise fail(path, f"unknown encoding {encoding!r}", hint="use utf-8 or cp1252", key="import.read.encoding",
                   values={"encoding": encoding}, hint_key="import.read.encoding_hint") from None
    if not lines:
        raise fail(path, "the file is empty", key="import.read.empty")
    delimiter, header_idx = detect_layout(lines, default_delim)
    header = clean_headers(_split(lines[header_idx], delimiter))
    if len(header) > MAX_COLUMNS:
        raise _too_wide(path, len(header))
    return CsvLayout(encoding, delimiter, header_idx, header, any('"' in ln for ln in lines))


def _read_csv(path: Path, options: ReadOptions, encoding: str | None = None) -> pd.DataFrame:
    """The encoding is decided on the whole file (``decide_encoding``); a file that is neither
    UTF-8 nor cp1252 throughout is refused at its first offending byte, never re-decoded."""
    layout = csv_layout(path, options, encoding)
    encoding, header_idx = layout.encoding, layout.header_idx
    nul = first_nul(path)  # before the parse: the mapped file's pages count to the peak memory
    frame = _read_csv_arrow(path, layout)
    if frame is None and encoding.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig"):
        bad = first_bad_utf8(path)  # pyarrow checks every cell: find where the file stops being UTF-8
        if bad is not None:
            if options.encoding is None and encoding == "utf-8" and utf8_text_at(path) is None:
                return _read_csv(path, options, "cp1252")  # plain ASCII up to a cp1252 byte: cp1252 throughout
            raise _not_utf8(path, bad, explicit=options.encoding is not None)
    if frame is None:
        frame = _read_csv_pandas(path, encoding, layout.delimiter, header_idx, layout.header)
    frame.index = pd.RangeIndex(header_idx + 2, header_idx + 2 + len(frame), name="row")
    if nul is not None:
        refuse_nul(path, frame, header_idx + 1)
    return frame


def decide_encoding(path: Path) -> str:
    """``utf-8-sig`` / ``utf-8`` / ``cp1252`` for the whole file. UTF-8 from the head stays a guess
    until pyarrow has checked every cell (``_read_csv``); cp1252 is taken only when the file holds
    no UTF-8 text anywhere, else the file mixes encodings and is refused with both places named."""
    encoding = guess_encoding(path)
    if encoding == "utf-16":
        raise fail(path, "the file is UTF-16 encoded", 1, hint="save it as 'CSV UTF-8' (Excel) or UTF-8 text",
                   key="import.read.utf16", hint_key="import.read.utf16_hint")
    if encoding == "cp1252" and (utf8 := utf8_text_at(path)) is not None:
        bad = first_bad_utf8(path) or 0
        raise _mixed(path, bad, utf8)
    return encoding


def _not_utf8(path: Path, bad: int, explicit: bool) -> DataImportError:
    if not explicit and (utf8 := utf8_text_at(path)) is not None:
        return _mixed(path, bad, utf8)
    return fail(path, f"byte 0x{byte_at(path, bad):02X} at offset {bad} is not UTF-8", line_at(path, bad),
                hint="save the file as UTF-8, or set encoding: cp1252 for this file in the manifest",
                key="import.read.not_utf8", values={"byte": f"0x{byte_at(path, bad):02X}", "offset": bad},
                hint_key="import.read.not_utf8_hint")


def _mixed(path: Path, bad: int, utf8: int) -> DataImportError:
    return fail(path, f"mixed encodings: byte 0x{byte_at(path, bad):02X} at offset {bad} is not UTF-8, but line "
                f"{line_at(path, utf8)} (offset {utf8}) is UTF-8 text; reading it all as cp1252 would garble "
                "every UTF-8 character", line_at(path, bad),
                hint="fix that line or save the whole file again as UTF-8 ('CSV UTF-8' in Excel)",
                key="import.read.mixed", values={"byte": f"0x{byte_at(path, bad):02X}", "offset": bad,
                                                 "utf8_line": line_at(path, utf8), "utf8_offset": utf8},
                hint_key="import.read.mixed_hint")


def refuse_nul(path: Path, frame: pd.DataFrame, header_line: int = 1, limit: int = 20) -> None:
    """Refuse a file holding NUL characters (a damaged or binary export), naming row and column."""
    at = first_nul(path)
    if at is None:
        return
    name = path.name
    problems = [Problem(f"{name}: row {header_line}, column {c!r}", "NUL character (\\x00) in the header",
                        key="import.read.nul_header") for c in frame.columns if "\x00" in str(c)]
    found = []  # (row, column position, column) of the first cells holding a NUL
    for i, column in enumerate(frame.columns):
        cells = frame.iloc[:, i]
        hits = cells.index[cells.str.contains("\x00", regex=False, na=False).to_numpy(dtype=bool)]
        found += [(r, i, column) for r in hits[:limit]]
    problems += [Problem(f"{name}: row {r}, column {c!r}", "NUL character (\\x00) in the value",
                         key="import.read.nul_value") for r, _, c in sorted(found)]
    problems = problems[:limit] or [Problem(f"{name}: line {line_at(path, at)}",
                                            f"NUL character (\\x00) at offset {at}", key="import.read.nul_at",
                                            values=(("offset", at),))]
    raise DataImportError(f"{name}: NUL characters (\\x00) in the file, first at {problems[0].where}",
                          problems, hint="the export is damaged or not plain text: remove the NUL characters "
                          "or export the file again", key="import.read.nul", values={"file": name,
                                                                                     "where": problems[0].where},
                          hint_key="import.read.nul_hint")


def _too_wide(path: Path, count: int):
    return fail(path, f"{count} columns, more than {MAX_COLUMNS}", hint="export only the needed columns",
                key="import.read.columns", values={"count": count, "limit": MAX_COLUMNS},
                hint_key="import.read.columns_hint")


def arrow_csv(path: Path, layout: CsvLayout, column_types: dict, on_invalid=None, **convert):
    """The pyarrow read of ``path`` as ``layout`` says, columns typed as ``column_types`` (every
    cell as text in ``_read_csv``; ``data.typed_csv`` types some while parsing). Raises pyarrow's errors."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=layout.encoding.replace("utf-8-sig", "utf8"),
                                       skip_rows=layout.header_idx + 1, column_names=layout.header,
                                       block_size=_block_size(path)),
        parse_options=pacsv.ParseOptions(delimiter=layout.delimiter, newlines_in_values=layout.quoted,
                                         invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(column_types=column_types, null_values=[""], strings_can_be_null=True,
                                             quoted_strings_can_be_null=True, **convert))


def arrow_frame(table) -> pd.DataFrame:
    """A pyarrow table of text columns as a frame of ``string`` columns (Arrow buffers kept)."""
    import pyarrow as pa

    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get)


def _read_csv_arrow(path: Path, layout: CsvLayout):
    import pyarrow as pa

    bad: list[object] = []

    def on_invalid(row):
        bad.append(row)
        return "error"

    try:
        table = arrow_csv(path, layout, {h: pa.large_string() for h in layout.header}, on_invalid)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        if bad:  # a row with the wrong field count
            row = bad[0]
            line = _find_line(path, layout.encoding, row.text, layout.header_idx)
            raise fail(path, f"expected {row.expected_columns} fields, found {row.actual_columns}", line,
                       hint="check the delimiter and quotes in that line", key="import.read.fields",
                       values={"expected": row.expected_columns, "found": row.actual_columns},
                       hint_key="import.read.fields_hint") from None
        return None  # e.g. a byte the encoding lacks: let pandas try and name the problem
    # cells are trimmed by the mapper; whitespace-only cells count as empty there
    return arrow_frame(table)


def _block_size(path: Path) -> int:
    """About 16 blocks per file (pyarrow parses blocks in parallel), between 1 and 8 MB."""
    return int(min(8 << 20, max(1 << 20, path.stat().st_size // 16)))


def _find_line(path: Path, encoding: str, text: str, after: int) -> int | None:
    """The 1-based line holding ``text`` (error path only: pyarrow does not report it)."""
    with path.open("r", encoding=encoding, errors="replace", newline="") as fh:
        for number, line in enumerate(fh, start=1):
            if number > after + 1 and line.rstrip("\r\n") == text:
                return number
    return None


def _read_csv_pandas(path: Path, encoding: str, delimiter: str, header_idx: int, header: list[str]) -> pd.DataFrame:
    """The slow path, for files pyarrow refuses (e.g. a byte undefined in cp1252: it becomes U+FFFD)."""
    try:
        return pd.read_csv(path, sep=delimiter, encoding=encoding, encoding_errors="replace", skiprows=header_idx + 1,
                           header=None, names=header, dtype="string", keep_default_na=False, na_values=[""],
                           engine="python")
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        detail = str(exc).splitlines()[0][:200]
        raise fail(path, f"cannot be read as CSV: {detail}", hint="check the encoding, delimiter and quotes",
                   key="import.read.parser", values={"detail": detail}, hint_key="import.read.parser_hint") from None
