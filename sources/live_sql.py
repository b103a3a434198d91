"""A manifest entity's mapping as SQL over a live table or query (issue 12): the canonical relation.

Two layers, DuckDB-dialect text over the placeholder relation ``__source__`` (``sources.live``
puts the table or the user's query there, and ``sources.dialect`` writes it for the database):

- ``raw``: the source columns the mapping uses; a column of a native type (number, timestamp,
  boolean) that must be read as text (a text field, or one with value translations) cast to text;
- the canonical relation: text columns go through the import's own SQL typing
  (``data.sql_mapping.field_expr``: trimming, value translations, ``empty:``, constants, decimal
  comma, the date formats, yes/no words, defaults); a native column of the field's kind is CAST.

``probe_sql`` is the one counting query per entity that validation, data completeness and the
snapshot marker read (row count, values that cannot be typed, required values left empty, broken
plausibility rules, duplicate keys, filled optional fields, max timestamps): one row comes back.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

from data.manifest import EntityMapping
from data.mapping import normalise
from data.schema import EntitySchema, FieldSpec, FieldType
from data.sql_mapping import _rule_where, field_expr, literal, text_expr, typed_expr  # one typing for both paths
from data.typing import TYPE_WORD
from sources.connection import SQL_TYPES, quote
from sources.errors import LiveSourceError

SOURCE = "__source__"
TEXT_MARKS = ("char", "text", "string", "clob", "str", "json", "uuid", "enum")
TYPED = (FieldType.NUMBER, FieldType.INTEGER, FieldType.DATE, FieldType.BOOLEAN)


def is_text(type_name: str) -> bool:
    """Whether the driver's type name is a text type (unknown names are treated as native)."""
    return any(m in str(type_name).lower() for m in TEXT_MARKS)


@dataclass(frozen=True)
class Compiled:
    """One entity on the source: its canonical SELECT and the probe's columns."""

    entity: str
    select: str            # canonical fields + kept columns over SOURCE
    probe: str             # one row of counts (see the module docstring)
    checks: tuple[tuple[str, str, str, str], ...]  # (probe column, field, source column, reason) of rejections
    samples: dict[str, str]  # probe column -> SELECT of up to 5 (key, value) rows breaking it
    columns: tuple[str, ...]  # canonical fields + kept columns


def resolve_columns(mapping: EntityMapping, entity: EntitySchema, types: dict[str, str], where: str
                    ) -> dict[str, str]:
    """canonical field -> source column; a mapped or kept column the source lacks is a located error."""
    names = list(types)
    by_norm = {normalise(n): n for n in reversed(names)}
    folded = {}
    for n in names:  # a database may fold case (Snowflake: upper, PostgreSQL: lower): one match is it
        folded.setdefault(n.lower(), []).append(n)
    out = {}
    for f in entity.fields:
        src = mapping.columns.get(f.name)
        if src is not None and src not in types and len(folded.get(src.lower(), [])) == 1:
            src = folded[src.lower()][0]
        if src is not None and src not in types:
            _no_column(f"{where}.columns.{f.name}", src, names)
        if src is None and f.name not in mapping.constants:
            src = f.name if f.name in types else by_norm.get(normalise(f.name))
        if src is not None:
            out[f.name] = src
        elif f.required and f.default is None and f.name not in mapping.constants:
            _no_column(f"{where}.columns.{f.name}", f.name, names)
    for i, k in enumerate(mapping.keep):
        if k not in types:
            _no_column(f"{where}.keep[{i}]", k, names)
    return out


def _no_column(where: str, column: str, names: list[str]) -> None:
    near = difflib.get_close_matches(column, names, n=1)
    hint = (f"did you mean {near[0]!r}? " if near else "") + f"the source has: {', '.join(names[:40])}"
    raise LiveSourceError(f"{where}: column {column!r} does not exist in the source", where,
                          key="sources.no_column", values={"column": column, "near": near[0] if near else "-"},
                          hint=hint, hint_key="sources.no_column_hint")


def compile_entity(mapping: EntityMapping, entity: EntitySchema, types: dict[str, str], where: str) -> Compiled:
    columns = resolve_columns(mapping, entity, types, where)
    eff = replace(mapping, columns=columns)
    translated = set(mapping.values) | set(mapping.empty)
    as_text = {src for fld, src in columns.items()
               if not is_text(types[src]) and (entity.field(fld).type not in TYPED or fld in translated)}
    as_text |= {k for k in mapping.keep if not is_text(types[k])}
    used = list(dict.fromkeys([*columns.values(), *mapping.keep]))
    raw_cols = [f"CAST({quote(c)} AS VARCHAR) AS {quote(c)}" if c in as_text else quote(c) for c in used]
    raw = f"SELECT {', '.join(raw_cols) or '1 AS _one'} FROM {SOURCE}"
    text_cols = {c for c in used if c in as_text or is_text(types[c])}
    fields, probe_cols, checks, conds = [], ["count(*) AS n"], [], []
    extra = []  # the probe's own columns: text and typed-without-default of the text-path fields
    for f in entity.fields:
        src = columns.get(f.name)
        text_path = src is None or src in text_cols or f.name in mapping.constants
        expr = field_expr(eff, f, entity, list(used)) if text_path else _native(f, src)
        fields.append(f"{expr} AS {quote(f.name)}")
        if text_path and f.type in TYPED and src is not None and f.name not in mapping.constants:
            text = text_expr(eff, f, list(used))
            extra += [f"{text} AS {quote('_t_' + f.name)}", f"{typed_expr(text, f.type, eff, entity)} AS "
                      f"{quote('_y_' + f.name)}"]
            checks.append((f"bad_{f.name}", f.name, src, f"not a valid {TYPE_WORD[f.type]}"))
            conds.append(f"{quote('_t_' + f.name)} IS NOT NULL AND {quote('_y_' + f.name)} IS NULL")
            probe_cols.append(f"count(*) FILTER (WHERE {conds[-1]}) AS {quote('bad_' + f.name)}")
        if f.required and f.default is None:
            checks.append((f"empty_{f.name}", f.name, src or f.name, f"required value {f.name!r} is empty"))
            typed_text = extra and extra[-1].endswith(quote("_y_" + f.name))  # a bad value is reported once
            conds.append(f"{quote(('_t_' if typed_text else '') + f.name)} IS NULL")
            probe_cols.append(f"count(*) FILTER (WHERE {conds[-1]}) AS {quote('empty_' + f.name)}")
        if f.name in entity.optional:
            probe_cols.append(f"count({quote(f.name)}) AS {quote('filled_' + f.name)}")
        if f.type is FieldType.DATE:
            probe_cols.append(f"max({quote(f.name)}) AS {quote('max_' + f.name)}")
    for i, rule in enumerate(entity.plausibility):
        checks.append((f"rule_{i}", rule.field, columns.get(rule.field, rule.field), rule.message.en))
        conds.append(_rule_where(rule))
        probe_cols.append(f"count(*) FILTER (WHERE {conds[-1]}) AS {quote(f'rule_{i}')}")
    probe_cols.append(f"count(*) FILTER (WHERE {' OR '.join(f'({c})' for c in conds) or 'FALSE'}) AS rejected")
    if entity.key:
        checks.append(("dup_key", entity.key, columns.get(entity.key, entity.key), f"duplicate {entity.key}"))
        probe_cols.append(f"count({quote(entity.key)}) - count(DISTINCT {quote(entity.key)}) AS dup_key")
    kept = [f"NULLIF(TRIM({quote(k)}), '') AS {quote(k)}" for k in mapping.keep]
    select = f"SELECT {', '.join(fields + kept)} FROM ({raw}) r"
    wide = f"SELECT {', '.join(fields + extra)} FROM ({raw}) r"
    probe = f"SELECT {', '.join(probe_cols)} FROM ({wide}) m"
    return Compiled(entity.name, select, probe, tuple(checks), _samples(entity, checks, wide),
                    tuple([f.name for f in entity.fields] + list(mapping.keep)))


def _native(f: FieldSpec, src: str) -> str:
    sql_type = SQL_TYPES[f.type]
    expr = f"CAST({quote(src)} AS {sql_type})"
    if f.default is not None:
        expr = f"COALESCE({expr}, CAST({literal(f.default)} AS {sql_type}))"
    return expr


def _samples(entity: EntitySchema, checks: list, wide: str) -> dict[str, str]:
    """probe column -> up to 5 (key, value) rows that break it: what the error shows."""
    key = quote(entity.key) if entity.key else "CAST(NULL AS VARCHAR)"
    out = {}
    for column, fld, _, _ in checks:
        if column.startswith("bad_"):
            cond, value = f"{quote('_t_' + fld)} IS NOT NULL AND {quote('_y_' + fld)} IS NULL", quote("_t_" + fld)
        elif column.startswith("empty_"):
            cond, value = f"{quote(fld)} IS NULL", "CAST(NULL AS VARCHAR)"
        elif column.startswith("rule_"):
            cond, value = _rule_where(entity.plausibility[int(column[5:])]), quote(fld)
        else:
            out[column] = (f"SELECT {key} AS k, count(*) AS value FROM ({wide}) m WHERE {key} IS NOT NULL "
                           f"GROUP BY {key} HAVING count(*) > 1 ORDER BY 1 LIMIT 5")
            continue
        out[column] = (f"SELECT CAST({key} AS VARCHAR) AS k, CAST({value} AS VARCHAR) AS value FROM ({wide}) m "
                       f"WHERE {cond} LIMIT 5")
    return out


def empty_select(entity: EntitySchema) -> str:
    """An entity the manifest does not map: no rows, the canonical columns typed."""
    cols = ", ".join(f"CAST(NULL AS {SQL_TYPES[f.type]}) AS {quote(f.name)}" for f in entity.fields)
    return f"SELECT {cols} WHERE FALSE"
