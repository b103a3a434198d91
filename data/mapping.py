"""Mapping raw text columns onto a canonical entity, typed and vectorised.

``suggest_columns`` proposes source columns from the synonyms in ``config/entities.yaml``;
``apply_mapping`` renames, translates values, adds constants and defaults, unpivots wide
layouts and types every field (numbers with decimal comma or point, German and ISO dates,
yes/no words). Values that cannot be typed become problems (row, column, value, reason - a key
with its values and the English text, ``data.reasons``), never exceptions; the frame keeps the
source line as its index.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from data import reasons as why
from data.manifest import EntityMapping
from data.schema import EntitySchema
from data.typing import (CODED, DATE_FORMATS, TYPE_WORD, clean_text, detect_number_format,  # noqa: F401 (re-exported)
                         fill_default, normalise_value, parse_booleans, parse_dates, parse_numbers, type_coded,
                         type_text)

PROBLEM_COLUMNS = ["entity", "file", "row", "column", "field", "value", "reason", "reason_key", "reason_values"]
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalise(name: str) -> str:
    """``Kunden-Nr.`` -> ``kundennr``; ``Bestellmenge (Stück)`` -> ``bestellmengestueck``."""
    text = str(name).strip().lower().translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text)


def suggest_columns(headers: list[str], entity: EntitySchema) -> dict[str, str]:
    """field -> header, each header used at most once. The canonical name beats a synonym;
    earlier synonyms beat later ones; required fields choose first."""
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalise(h), h)
    for h in headers:  # second chance without units: "Umsatz (EUR)", "Menge [Stk]"
        by_norm.setdefault(normalise(re.sub(r"\(.*?\)|\[.*?\]", "", str(h))), h)
    taken: set[str] = set()
    out: dict[str, str] = {}
    order = sorted(entity.fields, key=lambda f: not f.required)
    for rank in range(2):  # first exact canonical names for all fields, then synonyms
        for f in order:
            if f.name in out:
                continue
            names = (f.name,) if rank == 0 else f.synonyms
            for cand in names:
                header = by_norm.get(normalise(cand))
                if header is not None and header not in taken:
                    out[f.name] = header
                    taken.add(header)
                    break
    return {f.name: out[f.name] for f in entity.fields if f.name in out}


def _translate(raw: pd.Series, table: dict[str, Any]) -> pd.Series:
    """Replace source values (case-insensitive, trimmed) by their canonical value, as text; a value
    translated to ``None`` (YAML ``null``, or listed under ``empty:``) becomes empty (``<NA>``)."""
    keys = {normalise_value(k): (None if v is None else "true" if v is True else "false" if v is False else str(v))
            for k, v in table.items()}
    norm = raw.astype("string").str.strip().str.lower()
    hit = norm.isin(list(keys)).to_numpy(dtype=bool)
    mapped = norm.map(keys, na_action="ignore").astype("string")
    return raw.astype("string").mask(hit, mapped)


def _translations(mapping: EntityMapping, name: str) -> dict[str, Any] | None:
    """The value translation of field ``name``: ``values:`` plus ``empty:`` (as ``None``), or None."""
    if name not in mapping.values and name not in mapping.empty:
        return None
    return {**mapping.values.get(name, {}), **{v: None for v in mapping.empty.get(name, ())}}


# --- apply -------------------------------------------------------------------------------

def resolve_columns(headers: list[str], mapping: EntityMapping, entity: EntitySchema) -> dict[str, str]:
    """field -> source column: the manifest's ``columns``, and for a field it leaves open (no
    constant, not unpivoted) a column with the field's canonical name."""
    columns = dict(mapping.columns)
    unpivot_fields = {mapping.unpivot.into, mapping.unpivot.value} if mapping.unpivot else set()
    by_norm = {normalise(h): h for h in reversed(headers)}  # the first of equal names wins
    for f in entity.fields:
        if f.name in columns or f.name in mapping.constants or f.name in unpivot_fields:
            continue
        header = by_norm.get(normalise(f.name))
        if header is not None and header not in columns.values():
            columns[f.name] = header
    return columns


def apply_mapping(raw: pd.DataFrame, mapping: EntityMapping, entity: EntitySchema,
                  source_name: str, pretyped: dict[str, pd.Series] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(canonical frame, problems). The frame has every field of the entity (dtypes per the
    schema) plus the kept columns, indexed by source line; problems list unparsable values
    and missing required columns (columns ``PROBLEM_COLUMNS``). ``pretyped``: source columns typed
    while parsing (``data.typed_csv``), each already the field's final values, valid throughout."""
    problems: list[pd.DataFrame] = []
    pretyped = pretyped or {}
    headers = list(raw.columns) + [c for c in pretyped if c not in raw.columns]
    columns = resolve_columns(headers, mapping, entity)
    base = raw
    unpivoted: dict[str, pd.Series] = {}
    if mapping.unpivot is not None:
        base, unpivoted = _unpivot(raw, mapping, source_name, problems, entity.name)
    out: dict[str, pd.Series] = {}
    missing = {fld: src for fld, src in columns.items()
               if src not in base.columns and src not in pretyped and fld not in unpivoted}
    for fld, src in missing.items():
        problems.append(problem_frame(entity.name, source_name, [None], src, [None], why.COLUMN_NOT_FOUND, fld,
                                      {"column": src, "columns": ", ".join(map(str, headers[:30]))}))
    for f in entity.fields:
        if f.name in unpivoted:
            text = unpivoted[f.name]
        elif f.name in mapping.constants:
            value = mapping.constants[f.name]
            text = pd.Series("true" if value is True else "false" if value is False else str(value),
                             index=base.index, dtype="string")
        elif f.name in columns and columns[f.name] in pretyped:
            out[f.name] = fill_default(pretyped[columns[f.name]], f, mapping, entity.outcome_words)
            continue
        elif f.name in columns and columns[f.name] in base.columns:
            if f.type in CODED and _translations(mapping, f.name) is None:  # type each distinct value once
                typed, bad, values = type_coded(base[columns[f.name]], f.type, mapping, entity.outcome_words)
                if len(values):
                    problems.append(problem_frame(entity.name, source_name, base.index[bad], columns[f.name], values,
                                                  why.INVALID[f.type], f.name))
                out[f.name] = fill_default(typed, f, mapping, entity.outcome_words)
                continue
            text = clean_text(base[columns[f.name]])
        else:
            text = pd.Series(pd.NA, index=base.index, dtype="string")
            if f.required and f.name not in missing:
                problems.append(problem_frame(entity.name, source_name, [None], f.name, [None], why.REQUIRED_COLUMN,
                                              f.name, {"field": f.name}))
        if (table := _translations(mapping, f.name)) is not None:
            text = _translate(text, table)
        typed = type_text(text, f.type, mapping, entity.outcome_words)
        bad = text.notna() & typed.isna()
        if bad.any():
            src = columns.get(f.name, f.name)
            problems.append(problem_frame(entity.name, source_name, text.index[bad], src, text[bad],
                                          why.INVALID[f.type], f.name))
        out[f.name] = fill_default(typed, f, mapping, entity.outcome_words)
    for k in mapping.keep:
        if k in base.columns:
            out[k] = clean_text(base[k])
        else:
            problems.append(problem_frame(entity.name, source_name, [None], k, [None], why.KEPT_MISSING,
                                          reason_values={"column": k}))
    frame = pd.DataFrame(out, index=base.index)
    frame.attrs["sources"] = {f.name: columns[f.name] for f in entity.fields
                              if f.name in columns and f.name not in missing}
    report = pd.concat(problems, ignore_index=True) if problems else empty_problems()
    return frame, report


def _unpivot(raw: pd.DataFrame, mapping: EntityMapping, source: str, problems: list, entity: str):
    spec = mapping.unpivot
    present = [c for c in spec.columns if c in raw.columns]
    for c in spec.columns:
        if c not in raw.columns:
            problems.append(problem_frame(entity, source, [None], c, [None], why.UNPIVOT_MISSING,
                                          reason_values={"column": c}))
    if not present:
        return raw.iloc[0:0], {spec.into: pd.Series(dtype="string"), spec.value: pd.Series(dtype="string")}
    parts, intos, values = [], [], []
    rest = raw.drop(columns=present)
    for c in present:  # a loop over the few wide columns, not over rows
        cells = clean_text(raw[c])
        filled = cells.notna()
        parts.append(rest[filled])
        intos.append(pd.Series(str(spec.columns[c]), index=rest.index[filled], dtype="string"))
        values.append(cells[filled])
    base = pd.concat(parts)
    into = pd.concat(intos)
    value = pd.concat(values)
    order = np.argsort(base.index.to_numpy(), kind="stable")
    return base.iloc[order], {spec.into: into.iloc[order], spec.value: value.iloc[order]}


def empty_problems() -> pd.DataFrame:
    """An empty failure table (a copy of one built once: building it costs more than copying)."""
    return _EMPTY.copy()


_EMPTY = pd.DataFrame({c: pd.Series(dtype="Int64" if c == "row" else "string") for c in PROBLEM_COLUMNS})


def problem_frame(entity: str, file: str, rows, column: str, values, key: str, field: str = "",
                  reason_values: dict | None = None, english: str | None = None) -> pd.DataFrame:
    """Problems as rows: one per (row, value); ``rows=[None]`` for a problem of the whole column.
    The reason is ``key`` filled from ``reason_values`` (``data.reasons``), the same for every row of
    the frame; ``english``: its English text where the translation table has none (a rule's message)."""
    rows = list(rows)
    n = len(rows)
    reason_values = reason_values or {}
    reason = english if english is not None else why.reason_text(key, reason_values, "en") or key
    return pd.DataFrame({
        "entity": pd.Series([entity] * n, dtype="string"),
        "file": pd.Series([file] * n, dtype="string"),
        "row": pd.array(rows, dtype="Int64"),
        "column": pd.Series([column] * n, dtype="string"),
        "field": pd.Series([field] * n, dtype="string"),
        "value": pd.array(list(values), dtype="string"),
        "reason": pd.Series([reason] * n, dtype="string"),
        "reason_key": pd.Series([key] * n, dtype="string"),
        "reason_values": pd.Series([why.encode(reason_values)] * n, dtype="string"),
    })
