"""Mapping raw text columns onto a canonical entity, typed and vectorised.

``suggest_columns`` proposes source columns from the synonyms in ``config/entities.yaml``;
``apply_mapping`` renames, translates values, adds constants and defaults, unpivots wide
layouts and types every field (numbers with decimal comma or point, German and ISO dates,
yes/no words). Values that cannot be typed become problems (row, column, value, reason),
never exceptions; the frame keeps the source line as its index.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from data.manifest import EntityMapping
from data.schema import EntitySchema, FieldType, OutcomeWords, outcome_words

PROBLEM_COLUMNS = ["entity", "file", "row", "column", "field", "value", "reason"]
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M",
                "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%y", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y", "%Y%m%d")
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


# --- typing ------------------------------------------------------------------------------

def parse_numbers(text: pd.Series, decimal: str | None = None, thousands: str | None = None) -> pd.Series:
    """Text -> float64 (NaN where empty or unparsable). Detects decimal comma vs point per column.

    Each distinct value is parsed once (exports repeat few values); the format is detected
    from the values in row order, as if the whole column were parsed."""
    codes, uniques = _factorize(text)
    return pd.Series(_expand(_number_values(uniques, codes, decimal, thousands), codes, np.nan), index=text.index,
                     dtype="float64")


def _number_values(s: pd.Series, codes: np.ndarray, decimal: str | None, thousands: str | None) -> np.ndarray:
    """float64 per entry of ``s`` (distinct texts); ``codes`` maps rows to entries, for format detection."""
    s = s.str.replace("[ \t\u00a0\u202f€$%]|EUR|CHF", "", regex=True)  # RE2-safe: no \\s
    if decimal is None:
        decimal, thousands = detect_number_format(_in_row_order(s, codes, s.str.contains(r"[.,]", regex=True)),
                                                  thousands)
    if thousands is None:
        thousands = "." if decimal == "," else ","
    if thousands:
        s = s.str.replace(thousands, "", regex=False)
    if decimal == ",":
        s = s.str.replace(",", ".", regex=False)
    trailing = s.str.endswith("-").fillna(False)
    if trailing.any():  # trailing minus (SAP exports): "12,50-"
        s = s.mask(trailing, "-" + s.str.slice(0, -1))
    return pd.to_numeric(s.mask(s == ""), errors="coerce").astype("float64").to_numpy()


def _factorize(text: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes per row, -1 for empty; the distinct values as text, in order of appearance)."""
    codes, uniques = pd.factorize(text.astype("string"), use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype="string")


def _expand(values: np.ndarray, codes: np.ndarray, missing) -> np.ndarray:
    """Per-distinct-value results back onto the rows (code -1 -> ``missing``)."""
    return np.append(values, np.array([missing], dtype=values.dtype))[codes]


def _in_row_order(uniques: pd.Series, codes: np.ndarray, flags: pd.Series, limit: int = 5000) -> pd.Series:
    """The first ``limit`` rows whose distinct value is flagged, as the rows would list them."""
    flag = flags.fillna(False).to_numpy(dtype=bool)
    if not flag.any():
        return uniques.iloc[0:0]
    rows = np.flatnonzero(np.append(flag, False)[codes])[:limit]
    return uniques.iloc[codes[rows]].reset_index(drop=True)


def detect_number_format(s: pd.Series, thousands: str | None = None) -> tuple[str, str | None]:
    """(decimal, thousands) from the values present: the last separator of ``1.234,56`` is the
    decimal; a lone comma is a decimal comma unless it groups thousands (``1,234,567``)."""
    sample = s.dropna()
    sample = sample[sample.str.contains(r"[.,]", regex=True)].head(5000)
    if sample.empty:
        return ".", thousands
    both = sample[sample.str.contains(",", regex=False) & sample.str.contains(".", regex=False)]
    if not both.empty:
        comma_last = (both.str.rfind(",") > both.str.rfind(".")).mean() >= 0.5
        return (",", ".") if comma_last else (".", ",")
    if sample.str.contains(",", regex=False).any():
        if sample.str.fullmatch(r"-?\d{1,3}(,\d{3}){2,}").any() and sample.str.fullmatch(r"-?\d{1,3}(,\d{3})+").all():
            return ".", ","
        return ",", "."
    if sample.str.fullmatch(r"-?\d{1,3}(\.\d{3}){2,}").any() and sample.str.fullmatch(r"-?\d{1,3}(\.\d{3})+").all():
        return ",", "."
    return ".", ","


def parse_dates(text: pd.Series, date_format: str | None = None) -> pd.Series:
    """Text -> datetime64[us] (NaT where empty or unparsable). Tries the given format, then
    ISO and German formats, each on the values still unparsed (each distinct value once)."""
    codes, uniques = _factorize(text)
    return pd.Series(_expand(_date_values(uniques, codes, date_format), codes, np.datetime64("NaT")),
                     index=text.index, dtype="datetime64[us]")


def _date_values(s: pd.Series, codes: np.ndarray, date_format: str | None) -> np.ndarray:
    """datetime64[us] per entry of ``s`` (distinct texts); ``codes`` maps rows to entries (US detection)."""
    s = s.str.strip().str.replace(r"(Z|[+-]\d\d:?\d\d)$", "", regex=True)
    s = s.str.replace(r"(:\d\d)\.\d+$", r"\1", regex=True)  # fractional seconds
    values = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[us]")
    todo = (s.notna() & (s != "")).fillna(False).to_numpy(dtype=bool)
    formats = ((date_format,) if date_format else ()) + DATE_FORMATS
    if not date_format and _us_dates(_in_row_order(s, codes, s.str.contains("/", regex=False))):
        formats = ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p") + formats
    for fmt in formats:
        idx = np.flatnonzero(todo)
        if not len(idx):
            break
        parsed = pd.to_datetime(s.iloc[idx], format=fmt, errors="coerce")
        ok = parsed.notna().to_numpy()
        if ok.any():
            values[idx[ok]] = parsed.to_numpy(dtype="datetime64[us]")[ok]
            todo[idx[ok]] = False
    return values


def _us_dates(s: pd.Series) -> bool:
    """True when slash dates in this column read as month/day (some day part exceeds 12, no month part does)."""
    slash = s[s.str.contains("/", regex=False).fillna(False)].head(5000)
    if slash.empty:
        return False
    parts = slash.str.extract(r"^(\d{1,2})/(\d{1,2})/")
    first, second = pd.to_numeric(parts[0], errors="coerce"), pd.to_numeric(parts[1], errors="coerce")
    return bool((second > 12).any() and not (first > 12).any())


def parse_booleans(text: pd.Series, words: OutcomeWords | None = None) -> pd.Series:
    """Text -> boolean (NA where empty or not a yes/no word). ``words``: the entity's
    ``outcome_words`` (default: those of the shipped ``config/entities.yaml``)."""
    lookup = (words if words is not None else outcome_words()).lookup()
    codes, uniques = pd.factorize(text.astype("string"), use_na_sentinel=True)
    words = pd.Series(uniques, dtype="string").str.strip().str.lower().map(lookup)
    table = pd.array(list(words) + [pd.NA], dtype="boolean")  # code -1 (empty) -> NA
    return pd.Series(table[codes], index=text.index, dtype="boolean")


def _translate(raw: pd.Series, table: dict[str, Any]) -> pd.Series:
    """Replace source values (case-insensitive, trimmed) by their canonical value, as text."""
    keys = {normalise_value(k): ("true" if v is True else "false" if v is False else str(v)) for k, v in table.items()}
    norm = raw.astype("string").str.strip().str.lower()
    mapped = norm.map(keys, na_action="ignore")
    return mapped.astype("string").fillna(raw.astype("string"))


def clean_text(raw: pd.Series) -> pd.Series:
    """Trimmed text; empty and whitespace-only cells become <NA>. A column with nothing to trim
    keeps its original (Arrow) buffers: no copy of millions of strings."""
    raw = raw.astype("string")
    s = raw.str.strip()
    size = _total_bytes(raw)
    if size is not None and _total_bytes(s) == size:  # trimming only removes characters: none removed
        s = raw
    empty = s == ""
    return s.mask(empty) if empty.any() else s


def _total_bytes(s: pd.Series) -> int | None:
    """UTF-8 bytes over all cells of an Arrow-backed text column (None for other storage)."""
    if getattr(s.dtype, "storage", None) != "pyarrow":
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.sum(pc.binary_length(pa.array(s.array))).as_py() or 0


def normalise_value(value: Any) -> str:
    return str(value).strip().lower()


# --- apply -------------------------------------------------------------------------------

def apply_mapping(raw: pd.DataFrame, mapping: EntityMapping, entity: EntitySchema,
                  source_name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(canonical frame, problems). The frame has every field of the entity (dtypes per the
    schema) plus the kept columns, indexed by source line; problems list unparsable values
    and missing required columns (columns ``PROBLEM_COLUMNS``)."""
    problems: list[pd.DataFrame] = []
    columns = dict(mapping.columns)
    headers = list(raw.columns)
    unpivot_fields = {mapping.unpivot.into, mapping.unpivot.value} if mapping.unpivot else set()
    by_norm = {normalise(h): h for h in reversed(headers)}  # the first of equal names wins
    for f in entity.fields:  # fields the manifest leaves open: take a column with the canonical name
        if f.name in columns or f.name in mapping.constants or f.name in unpivot_fields:
            continue
        header = by_norm.get(normalise(f.name))
        if header is not None and header not in columns.values():
            columns[f.name] = header
    base = raw
    unpivoted: dict[str, pd.Series] = {}
    if mapping.unpivot is not None:
        base, unpivoted = _unpivot(raw, mapping, source_name, problems, entity.name)
    out: dict[str, pd.Series] = {}
    missing = {fld: src for fld, src in columns.items() if src not in base.columns and fld not in unpivoted}
    for fld, src in missing.items():
        problems.append(problem_frame(entity.name, source_name, [None], src, [None],
                                      f"column {src!r} not found in the file (columns: {', '.join(headers[:30])})",
                                      fld))
    for f in entity.fields:
        if f.name in unpivoted:
            text = unpivoted[f.name]
        elif f.name in mapping.constants:
            value = mapping.constants[f.name]
            text = pd.Series("true" if value is True else "false" if value is False else str(value),
                             index=base.index, dtype="string")
        elif f.name in columns and columns[f.name] in base.columns:
            if f.type in _CODED and f.name not in mapping.values:  # type each distinct value once
                typed, bad, values = _type_coded(base[columns[f.name]], f.type, mapping, entity.outcome_words)
                if len(values):
                    problems.append(problem_frame(entity.name, source_name, base.index[bad], columns[f.name], values,
                                                  f"not a valid {_TYPE_WORD[f.type]}", f.name))
                out[f.name] = _fill_default(typed, f, mapping, entity.outcome_words)
                continue
            text = clean_text(base[columns[f.name]])
        else:
            text = pd.Series(pd.NA, index=base.index, dtype="string")
            if f.required and f.name not in missing:
                problems.append(problem_frame(entity.name, source_name, [None], f.name, [None],
                                              f"required column {f.name!r} is missing", f.name))
        if f.name in mapping.values:
            text = _translate(text, mapping.values[f.name])
        typed = _type(text, f.type, mapping, entity.outcome_words)
        bad = text.notna() & typed.isna()
        if bad.any():
            src = columns.get(f.name, f.name)
            problems.append(problem_frame(entity.name, source_name, text.index[bad], src, text[bad],
                                          f"not a valid {_TYPE_WORD[f.type]}", f.name))
        out[f.name] = _fill_default(typed, f, mapping, entity.outcome_words)
    for k in mapping.keep:
        if k in base.columns:
            out[k] = clean_text(base[k])
        else:
            problems.append(problem_frame(entity.name, source_name, [None], k, [None],
                                          f"kept column {k!r} not found in the file"))
    frame = pd.DataFrame(out, index=base.index)
    frame.attrs["sources"] = {f.name: columns[f.name] for f in entity.fields
                              if f.name in columns and f.name not in missing}
    report = pd.concat(problems, ignore_index=True) if problems else empty_problems()
    return frame, report


_TYPE_WORD = {FieldType.NUMBER: "number", FieldType.INTEGER: "whole number", FieldType.DATE: "date",
              FieldType.BOOLEAN: "yes/no value", FieldType.ID: "id", FieldType.TEXT: "text",
              FieldType.CATEGORY: "value"}


_CODED = (FieldType.NUMBER, FieldType.INTEGER, FieldType.DATE, FieldType.BOOLEAN)


def _fill_default(typed: pd.Series, f, mapping: EntityMapping, words: OutcomeWords | None = None) -> pd.Series:
    if f.default is None:
        return typed
    return typed.fillna(_type(pd.Series([str(f.default)], dtype="string"), f.type, mapping, words).iloc[0])


def _type_coded(column: pd.Series, ftype: FieldType, mapping: EntityMapping,
                words: OutcomeWords | None = None) -> tuple[pd.Series, np.ndarray, pd.Series]:
    """(typed column, mask of rows whose text is not a valid value, their trimmed texts), the same as
    ``_type(clean_text(column))`` but trimming and parsing each distinct cell once."""
    codes, uniques = _factorize(column)
    text = clean_text(uniques)
    if ftype is FieldType.BOOLEAN:
        typed = parse_booleans(text, words)
    elif ftype is FieldType.DATE:
        typed = pd.Series(_date_values(text, codes, mapping.date_format), dtype="datetime64[us]")
    else:
        typed = pd.Series(_number_values(text, codes, mapping.decimal, mapping.thousands), dtype="float64")
        if ftype is FieldType.INTEGER:
            typed = typed.where(typed == np.floor(typed)).astype("Int64")
    bad = np.append((text.notna() & typed.isna()).to_numpy(dtype=bool), False)[codes]
    rows = pd.api.extensions.take(typed.array, codes, allow_fill=True)
    return pd.Series(rows, index=column.index), bad, text.iloc[codes[bad]].reset_index(drop=True)


def _type(text: pd.Series, ftype: FieldType, mapping: EntityMapping, words: OutcomeWords | None = None) -> pd.Series:
    if ftype is FieldType.NUMBER:
        return parse_numbers(text, mapping.decimal, mapping.thousands)
    if ftype is FieldType.INTEGER:
        num = parse_numbers(text, mapping.decimal, mapping.thousands)
        return num.where(num == np.floor(num)).astype("Int64")
    if ftype is FieldType.DATE:
        return parse_dates(text, mapping.date_format)
    if ftype is FieldType.BOOLEAN:
        return parse_booleans(text, words)
    return text.astype("string")


def _unpivot(raw: pd.DataFrame, mapping: EntityMapping, source: str, problems: list, entity: str):
    spec = mapping.unpivot
    present = [c for c in spec.columns if c in raw.columns]
    for c in spec.columns:
        if c not in raw.columns:
            problems.append(problem_frame(entity, source, [None], c, [None], f"unpivot column {c!r} not found"))
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
    return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "row" else "string") for c in PROBLEM_COLUMNS})


def problem_frame(entity: str, file: str, rows, column: str, values, reason: str, field: str = "") -> pd.DataFrame:
    """Problems as rows: one per (row, value); ``rows=[None]`` for a problem of the whole column."""
    rows = list(rows)
    n = len(rows)
    return pd.DataFrame({
        "entity": pd.Series([entity] * n, dtype="string"),
        "file": pd.Series([file] * n, dtype="string"),
        "row": pd.array(rows, dtype="Int64"),
        "column": pd.Series([column] * n, dtype="string"),
        "field": pd.Series([field] * n, dtype="string"),
        "value": pd.array(list(values), dtype="string"),
        "reason": pd.Series([reason] * n, dtype="string"),
    })
