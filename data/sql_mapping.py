"""A manifest entity's mapping compiled to SQL (issue 15): the bulk of an import in the database.

``compile_select`` gives one SELECT producing the canonical columns from a relation whose columns
are all text plus ``__row`` (the source line, header = line 1); ``compile_failures`` the failure
table (row, column, field, value, expected) of values that cannot be typed and of the plausibility
rules. Standard SQL except TRY_CAST and TRY_STRPTIME (DuckDB); ``sqlglot.transpile(sql,
read="duckdb", write="postgres")`` carries it to a live PostgreSQL table. Unpivot, per-column format
detection and duplicate keys stay in ``data.mapping`` / ``data.validation``.
"""
from __future__ import annotations

from typing import Any

from data.manifest import EntityMapping
from data.schema import EntitySchema, FieldSpec, FieldType, PlausibilityCheck
from data.typing import DATE_FORMATS, TYPE_WORD

SQL_TYPE = {FieldType.NUMBER: "DOUBLE", FieldType.INTEGER: "BIGINT", FieldType.DATE: "TIMESTAMP",
            FieldType.BOOLEAN: "BOOLEAN"}


def quote(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def literal(value: Any) -> str:
    if value is None:
        return "NULL"
    text = "true" if value is True else "false" if value is False else str(value)
    return "'" + text.replace("'", "''") + "'"


def _source(mapping: EntityMapping, f: FieldSpec, headers: list[str]) -> str | None:
    src = mapping.columns.get(f.name, f.name if f.name in headers else None)
    return src if src in headers else None


def text_expr(mapping: EntityMapping, f: FieldSpec, headers: list[str]) -> str:
    """The field's trimmed text after value translation (NULL for empty), before typing."""
    if f.name in mapping.constants:
        return literal(mapping.constants[f.name])
    src = _source(mapping, f, headers)
    if src is None:
        return "CAST(NULL AS VARCHAR)"
    cell = f"NULLIF(TRIM({quote(src)}), '')"
    table = {**mapping.values.get(f.name, {}), **{v: None for v in mapping.empty.get(f.name, ())}}
    if not table:
        return cell
    whens = " ".join(f"WHEN {literal(str(k).strip().lower())} THEN {literal(v)}" for k, v in table.items())
    return f"CASE LOWER({cell}) {whens} ELSE {cell} END"


def typed_expr(text: str, ftype: FieldType, mapping: EntityMapping, entity: EntitySchema) -> str:
    if ftype in (FieldType.NUMBER, FieldType.INTEGER):
        decimal = mapping.decimal or "."
        thousands = mapping.thousands if mapping.thousands is not None else ("." if decimal == "," else ",")
        s = text
        if thousands:
            s = f"REPLACE({s}, {literal(thousands)}, '')"
        if decimal == ",":
            s = f"REPLACE({s}, ',', '.')"
        number = f"TRY_CAST({s} AS DOUBLE)"
        if ftype is FieldType.INTEGER:
            return f"CASE WHEN {number} = FLOOR({number}) THEN CAST({number} AS BIGINT) END"
        return number
    if ftype is FieldType.DATE:
        formats = ((mapping.date_format,) if mapping.date_format else ()) + DATE_FORMATS
        return "COALESCE(" + ", ".join(f"TRY_STRPTIME({text}, {literal(fmt)})" for fmt in formats) + ")"
    if ftype is FieldType.BOOLEAN:
        words = entity.outcome_words
        yes = ", ".join(literal(w) for w in words.true_words) or "NULL"
        no = ", ".join(literal(w) for w in words.false_words) or "NULL"
        return f"CASE WHEN LOWER({text}) IN ({yes}) THEN TRUE WHEN LOWER({text}) IN ({no}) THEN FALSE END"
    return text


def field_expr(mapping: EntityMapping, f: FieldSpec, entity: EntitySchema, headers: list[str]) -> str:
    expr = typed_expr(text_expr(mapping, f, headers), f.type, mapping, entity)
    if f.default is not None:
        expr = f"COALESCE({expr}, {typed_expr(literal(f.default), f.type, mapping, entity)})"
    return expr


def compile_select(mapping: EntityMapping, entity: EntitySchema, relation: str, headers: list[str]) -> str:
    """SELECT __row, <canonical fields>, <kept columns> FROM relation."""
    cols = ["__row"] + [f"{field_expr(mapping, f, entity, headers)} AS {quote(f.name)}" for f in entity.fields]
    cols += [f"NULLIF(TRIM({quote(k)}), '') AS {quote(k)}" for k in mapping.keep if k in headers]
    return f"SELECT {', '.join(cols)} FROM {relation}"


def _failure(row: str, column: str, field: str, value: str, reason: str, source: str, where: str) -> str:
    return (f"SELECT {row} AS row, {literal(column)} AS {quote('column')}, {literal(field)} AS field, "
            f"CAST({value} AS VARCHAR) AS value, {literal(reason)} AS expected FROM {source} WHERE {where}")


def _rule_where(rule) -> str:
    first = quote(rule.columns[0])
    if rule.check is PlausibilityCheck.NOT_NEGATIVE:
        return f"{first} < 0"
    if rule.check is PlausibilityCheck.NOT_BEFORE:
        return f"{first} < {quote(rule.columns[1])}"
    if rule.check is PlausibilityCheck.BETWEEN:
        return f"({first} < {rule.minimum} OR {first} > {rule.maximum})"
    return f"{first} IS NOT NULL AND NOT COALESCE({quote(rule.columns[1])}, FALSE)"


def compile_failures(mapping: EntityMapping, entity: EntitySchema, relation: str, headers: list[str]) -> str:
    """The failure table: values that cannot be typed, required values left empty, broken rules."""
    parts = []
    for f in entity.fields:
        text = text_expr(mapping, f, headers)
        column = _source(mapping, f, headers) or f.name
        if f.type in SQL_TYPE and f.name not in mapping.constants:
            typed = typed_expr(text, f.type, mapping, entity)
            parts.append(_failure("__row", column, f.name, text, f"not a valid {TYPE_WORD[f.type]}", relation,
                                  f"{text} IS NOT NULL AND {typed} IS NULL"))
        if f.required and f.default is None:
            parts.append(_failure("__row", column, f.name, "NULL", f"required value {f.name!r} is empty", relation,
                                  f"{text} IS NULL"))
    typed_rel = f"({compile_select(mapping, entity, relation, headers)}) AS typed"
    for rule in entity.plausibility:
        parts.append(_failure("__row", rule.field, rule.field, quote(rule.field), rule.message.en, typed_rel,
                              _rule_where(rule)))
    if not parts:
        return "SELECT CAST(NULL AS BIGINT) AS row WHERE FALSE"
    return " UNION ALL ".join(parts) + " ORDER BY row"
