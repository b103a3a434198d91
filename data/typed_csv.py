"""A CSV export typed while pyarrow parses it (issue 15): the quick way for a file that is clean.

``data.reading`` reads every cell as text and ``data.mapping`` types it afterwards; for millions of
rows building the text columns and finding their distinct values costs more than the parse. Here
the same pyarrow read (same layout, same tokenizer, so the same rows and row numbers) gets a type
per column from the mapping: numbers as ``float64`` (decimal mark from the manifest or the first
rows), yes/no fields as ``bool`` (the entity's outcome words in lower, upper and title case),
dates and columns of few distinct values dictionary-encoded (the distinct texts typed once by
``data.typing.type_codes``, the pandas parsers themselves); ids of many distinct values, kept and
translated columns stay text and go through ``data.mapping`` as before.

It only answers for a file without a single problem: when pyarrow refuses a cell (``1.234,50``
where ``1234.50`` was expected, ``ja`` in a yes/no column, ``NaN``), when a value does not type or
a rule, a duplicate key or an empty required value rejects a row, ``read_entity`` returns None
and ``data.dataset`` reads the file the text way, which locates every problem (file, row, column,
value as written, expected) and writes the rejected rows. Measured in
``benchmarks/results/2026-12-04-import-duckdb.md``.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.errors import DataImportError
from data.encoding import first_nul
from data.manifest import EntityMapping
from data.mapping import _translations, apply_mapping, normalise, resolve_columns
from data.readbase import SUFFIXES, ReadOptions
from data.reading import CsvLayout, arrow_csv, arrow_frame, csv_layout, drop_blank_columns
from data.schema import EntitySchema, FieldType, outcome_words
from data.typing import clean_text, type_codes, whole_numbers
from data.validation import ValidationReport, validate

DICTIONARY = pa.dictionary(pa.int32(), pa.string())
FEW_DISTINCT = 0.5  # a text or date column whose first rows repeat values this much is dictionary-encoded
TYPED = (FieldType.NUMBER, FieldType.INTEGER, FieldType.BOOLEAN, FieldType.DATE, FieldType.CATEGORY, FieldType.ID,
         FieldType.TEXT)


def read_entity(path: Path, mapping: EntityMapping, entity: EntitySchema, options: ReadOptions
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, ValidationReport] | None:
    """(mapped frame, valid rows, rejected rows, report) of a clean CSV file, as the text way
    (``read_table`` + ``apply_mapping`` + ``validate``) gives them; None to take the text way."""
    if path.suffix.lower() not in SUFFIXES or path.suffix.lower() == ".xlsx" or mapping.unpivot is not None \
            or not path.is_file() or path.stat().st_size > options.max_bytes:
        return None
    try:
        layout = csv_layout(path, options)
    except DataImportError:
        return None
    header = layout.header
    if len({normalise(h) for h in header}) < len(header):  # which of two equal names a field takes: text way
        return None
    sample = head_rows(path, layout)
    plan = _plan(resolve_columns(header, mapping, entity), mapping, entity, sample, header)
    decimal = _decimal(plan, mapping, sample, header)
    types = {h: pa.string() for h in header}
    types.update({src: kind for src, (_, kind) in plan.items()})
    words = entity.outcome_words if entity.outcome_words is not None else outcome_words()
    if first_nul(path) is not None:  # before the parse: the mapped file's pages count to the peak memory
        return None
    try:
        table = arrow_csv(path, layout, types, lambda row: "error", decimal_point=decimal,
                          true_values=_variants(words.true_words), false_values=_variants(words.false_words))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    index = pd.RangeIndex(layout.header_idx + 2, layout.header_idx + 2 + table.num_rows, name="row")
    raw = arrow_frame(table.select([h for h in header if h not in plan]))
    raw.index = index
    columns = {src: table.column(src) for src in plan}
    del table  # each typed column's Arrow buffers go as soon as it is converted
    typed = _typed(columns, plan, mapping, index)
    if typed is None:
        return None
    raw = drop_blank_columns(raw)
    mapped, problems = apply_mapping(raw, mapping, entity, mapping.file, typed)
    if not problems.empty:
        return None
    shown = [h for h in header if h in plan or h in raw.columns]
    none = pd.DataFrame({h: pd.Series(dtype=pd.StringDtype()) for h in shown}, index=index[:0])
    valid, rejected, report = validate(entity, none, mapped, problems, mapping.file)
    return (mapped, valid, rejected, report) if report.ok else None


def _plan(columns: dict[str, str], mapping: EntityMapping, entity: EntitySchema, sample: list[list[str]],
          header: list[str]) -> dict[str, tuple[object, object]]:
    """source column -> (field, pyarrow type) of the columns typed while parsing: each mapped to one
    field only, without a value translation and not kept as it is."""
    full = [r for r in sample if len(r) == len(header)]
    by_column = dict(zip(header, zip(*full))) if full else {}
    used: dict[str, int] = {}
    for src in columns.values():
        used[src] = used.get(src, 0) + 1
    fields = {f.name: f for f in entity.fields}
    plan = {}
    for name, src in columns.items():
        f = fields.get(name)
        if f is None or src not in header or used[src] > 1 or src in mapping.keep \
                or _translations(mapping, name) is not None or f.type not in TYPED or name in mapping.constants:
            continue
        if f.type in (FieldType.NUMBER, FieldType.INTEGER):
            plan[src] = (f, pa.float64())
        elif f.type is FieldType.BOOLEAN:
            plan[src] = (f, pa.bool_())
        elif _few_distinct(by_column.get(src, ())):
            plan[src] = (f, DICTIONARY)
    return plan


def _few_distinct(values) -> bool:
    filled = [v for v in values if v]
    return len(set(filled)) <= FEW_DISTINCT * len(filled)


def _decimal(plan: dict, mapping: EntityMapping, sample: list[list[str]], header: list[str]) -> str:
    """The decimal mark pyarrow reads every number column with: the manifest's, else a comma when
    the first rows of a number column show one. pyarrow then refuses a value holding the other mark
    or a thousands separator (the text way takes over), and on values with only commas or only
    points the text way decides the same mark (``detect_number_format``)."""
    if mapping.decimal:
        return mapping.decimal
    numbers = [header.index(src) for src, (_, kind) in plan.items() if kind == pa.float64()]
    return "," if any("," in r[i] for r in sample if len(r) == len(header) for i in numbers) else "."


def _variants(words: tuple[str, ...]) -> list[str]:
    """The words as written, upper case and title case: the text way looks up ``strip().lower()``."""
    out = []
    for w in words:
        out += [v for v in dict.fromkeys((w, w.upper(), w.title(), w.capitalize())) if v.lower() == w]
    return out


def _typed(columns: dict[str, pa.ChunkedArray], plan: dict, mapping: EntityMapping,
           index: pd.RangeIndex) -> dict[str, pd.Series] | None:
    """The planned columns (taken out of ``columns``) as the fields' final values; None when one
    holds a value the text way would refuse (``NaN``, a fraction in a whole-number field, a non-date)."""
    out = {}
    for src, (f, kind) in plan.items():
        column = columns.pop(src)
        if kind == pa.float64():
            if pc.any(pc.is_nan(column)).as_py():
                return None
            values = pd.Series(column.to_numpy(), index=index, dtype="float64")
            if f.type is FieldType.INTEGER:
                whole = whole_numbers(values)
                if (whole.isna() & values.notna()).any():
                    return None
                values = whole
        elif kind == pa.bool_():
            values = pd.Series(pd.BooleanDtype().__from_arrow__(column), index=index)
        elif f.type is FieldType.DATE:
            codes, uniques, _ = _codes(column)
            typed, bad, _ = type_codes(codes, uniques, f.type, mapping, None)
            if bad.any():
                return None
            values = pd.Series(typed, index=index)
        else:  # text of few distinct values: each distinct text trimmed once, then looked up in Arrow
            _, uniques, chunks = _codes(column, codes=False)
            cleaned = clean_text(uniques).array.__arrow_array__().combine_chunks()  # a chunked take is slow
            decoded = pa.chunked_array([pc.take(cleaned, c.indices) for c in chunks], type=cleaned.type)
            values = pd.Series(pd.arrays.ArrowStringArray(decoded), index=index)
        out[src] = values
    return out


def _codes(column: pa.ChunkedArray, codes: bool = True) -> tuple[np.ndarray | None, pd.Series, list]:
    """(code per row, -1 for empty; the distinct texts; the chunks sharing them) of a
    dictionary-encoded column (the chunks' dictionaries unified, no chunk copied)."""
    chunks = column.unify_dictionaries().chunks
    if not chunks:
        return np.zeros(0, dtype=np.int32), pd.Series([], dtype=pd.StringDtype()), []
    uniques = pd.Series(chunks[0].dictionary.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get),
                        dtype=pd.StringDtype())
    if not codes:
        return None, uniques, chunks
    parts = [(pc.fill_null(c.indices, -1) if c.null_count else c.indices).to_numpy(zero_copy_only=False)
             for c in chunks]
    return np.concatenate(parts), uniques, chunks


def head_rows(path: Path, layout: CsvLayout, size: int = 64 * 1024) -> list[list[str]]:
    """The data rows in the first ``size`` bytes (the last, maybe cut, line left out): a sample."""
    with path.open("r", encoding=layout.encoding, errors="replace", newline="") as fh:
        text = fh.read(size)
    rows = list(csv.reader(text.splitlines()[:-1] if len(text) >= size else text.splitlines(),
                           delimiter=layout.delimiter))
    return rows[layout.header_idx + 1:]
