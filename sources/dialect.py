"""DuckDB-dialect SQL of the engine carried to another database (issue 12): the one place that knows
what ``sqlglot.transpile(sql, read="duckdb", write=<dialect>)`` leaves wrong, and fixes it.

- ``$name`` parameters are inlined as literals (sqlglot quotes them), so no driver's own placeholder
  syntax (``%(name)s``, ``?``, ``@name``) and no ``%`` escaping is needed;
- ``SELECT * EXCLUDE (c)`` over a subquery whose columns are named is expanded to those columns;
- ``TRY_CAST(x AS DOUBLE)`` and ``TRY_STRPTIME(x, fmt)`` (the import mapping, ``data.sql_mapping``)
  become a regular-expression guard around a plain cast on PostgreSQL, which has no ``TRY_``;
- ``quarter(ts)`` becomes ``EXTRACT(QUARTER FROM ts)``; on PostgreSQL ``any_value`` becomes ``min`` and
  ``unnest(range(a, b))`` a set-returning ``generate_series`` (the lifecycle views);
- on the warehouses ``TRY_STRPTIME`` becomes TRY(DATE_PARSE) (Trino), TRY_TO_TIMESTAMP (Snowflake,
  Spark), SAFE_CAST ... FORMAT (BigQuery), and ``TRY_CAST`` stays a TRY_CAST on Snowflake.

``to_dialect`` raises ``UnsupportedSQL`` naming the construct when something cannot be carried.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError, UnsupportedError

NUMBER_RE = r"^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$"
_STRF_RE = {"%Y": r"[0-9]{4}", "%y": r"[0-9]{2}", "%m": r"[0-9]{1,2}", "%d": r"[0-9]{1,2}", "%H": r"[0-9]{1,2}",
            "%M": r"[0-9]{2}", "%S": r"[0-9]{2}", "%I": r"[0-9]{1,2}", "%p": r"(AM|PM|am|pm)"}
_STRF_PG = {"%Y": "YYYY", "%y": "YY", "%m": "MM", "%d": "DD", "%H": "HH24", "%M": "MI", "%S": "SS", "%I": "HH12",
            "%p": "AM"}


class UnsupportedSQL(ValueError):
    """The engine's SQL uses something the target dialect cannot express (the message names it)."""


def to_dialect(sql: str, params: Mapping[str, object] | None, dialect: str) -> str:
    """``sql`` (DuckDB dialect, ``$name`` parameters) as SQL text of ``dialect`` with the values inlined."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except SqlglotError as exc:
        raise UnsupportedSQL(f"cannot parse the query: {exc}") from None
    return from_tree(tree, params, dialect)


def from_tree(tree: exp.Expression, params: Mapping[str, object] | None, dialect: str) -> str:
    values = dict(params or {})
    tree = tree.transform(lambda node: _rewrite(node, values, dialect))
    tree = tree.transform(lambda node: _expand_exclude(node) if isinstance(node, exp.Select) else node)
    try:
        return tree.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE)
    except UnsupportedError as exc:
        raise UnsupportedSQL(f"{dialect}: {exc}") from None


def _rewrite(node: exp.Expression, values: dict, dialect: str) -> exp.Expression:
    if isinstance(node, (exp.Placeholder, exp.Parameter)):
        name = str(node.this) if isinstance(node, exp.Placeholder) else node.this.name
        if name not in values:
            raise UnsupportedSQL(f"no value for the parameter ${name}")
        return literal(values[name])
    if dialect == "duckdb":
        return node
    if isinstance(node, exp.Quarter):
        return exp.cast(exp.Extract(this=exp.var("QUARTER"), expression=node.this), "INT")
    if dialect != "postgres":
        return _warehouse(node, dialect)
    inner = node.this if isinstance(node, exp.IgnoreNulls) else node
    if isinstance(inner, exp.AnyValue):  # PostgreSQL 15 has no any_value: min is one of the values
        return exp.Min(this=inner.this.transform(lambda n: _rewrite(n, values, dialect)))
    if isinstance(node, exp.Explode) and isinstance(node.this, exp.GenerateSeries):
        return node.this.transform(lambda n: _rewrite(n, values, dialect))  # a set-returning generate_series
    if isinstance(node, exp.TryCast) and node.to.is_type("double", "bigint", "int", "float"):
        text = exp.cast(node.this, "TEXT")
        guard = exp.RegexpLike(this=text, expression=exp.Literal.string(NUMBER_RE))
        return exp.Case(ifs=[exp.If(this=guard, true=exp.Cast(this=text, to=node.to))])
    if isinstance(node, exp.Anonymous) and node.name.lower() == "try_strptime":
        return _try_strptime(*node.expressions)
    return node


def _warehouse(node: exp.Expression, dialect: str) -> exp.Expression:
    """Trino, Snowflake, BigQuery, Spark: the import mapping's TRY_ functions as each has them."""
    if isinstance(node, exp.TryCast):
        node.set("requires_string", True)  # Snowflake: TRY_CAST (only from text), not a plain CAST
        return node
    if not (isinstance(node, exp.Anonymous) and node.name.lower() == "try_strptime"):
        return node
    text, fmt = node.expressions
    parsed = exp.StrToTime(this=text, format=fmt, safe=True)  # TRY_TO_TIMESTAMP / SAFE_CAST ... FORMAT
    if dialect == "trino":
        return exp.Anonymous(this="TRY", expressions=[parsed])
    if dialect in ("spark", "databricks"):
        spark_fmt = re.findall(r"'((?:[^']|'')*)'", parsed.sql(dialect))[-1]
        return exp.Anonymous(this="TRY_TO_TIMESTAMP", expressions=[text, exp.Literal.string(spark_fmt)])
    return parsed


def _try_strptime(text: exp.Expression, fmt: exp.Expression) -> exp.Expression:
    """PostgreSQL: TO_TIMESTAMP only where the text has exactly the format's shape."""
    if not isinstance(fmt, exp.Literal):
        raise UnsupportedSQL("TRY_STRPTIME with a format that is not a literal")
    pattern, pg_format = "^", ""
    for token in re.findall(r"%.|[^%]+", fmt.this):
        pattern += _STRF_RE.get(token, re.escape(token))
        pg_format += _STRF_PG.get(token, token)
        if token.startswith("%") and token not in _STRF_RE:
            raise UnsupportedSQL(f"date format {fmt.this!r}: {token} has no PostgreSQL equivalent")
    guard = exp.RegexpLike(this=text.copy(), expression=exp.Literal.string(pattern + "$"))
    parsed = exp.Anonymous(this="TO_TIMESTAMP", expressions=[text.copy(), exp.Literal.string(pg_format)])
    return exp.Case(ifs=[exp.If(this=guard, true=exp.cast(parsed, "TIMESTAMP"))])


def _expand_exclude(select: exp.Select) -> exp.Select:
    """``SELECT * EXCLUDE (a), ...`` from one subquery with named columns -> those columns but ``a``."""
    stars = [e for e in select.expressions if isinstance(e, exp.Star) and e.args.get("except_")]
    if not stars:
        return select
    source = select.args.get("from_") or select.args.get("from")
    inner = source.this if source is not None else None
    if not isinstance(inner, exp.Subquery) or select.args.get("joins"):
        raise UnsupportedSQL("SELECT * EXCLUDE over something other than one subquery")
    names = [e.alias_or_name for e in inner.this.selects]
    if not names or "*" in names:
        raise UnsupportedSQL("SELECT * EXCLUDE over a subquery without named columns")
    star = stars[0]
    dropped = {c.name for c in star.args["except_"]}
    columns = [exp.column(n, quoted=True) for n in names if n not in dropped]
    out = []
    for e in select.expressions:
        out.extend(columns if e is star else [e])
    return select.select(*out, append=False)


def literal(value: object) -> exp.Expression:
    """A value as a SQL literal expression (the only way values enter a query sent elsewhere)."""
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if isinstance(value, (int, float)):
        return exp.Literal.number(repr(value))
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "TIMESTAMP")
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    return exp.Literal.string(str(value))
