"""Compile KPI parts to DuckDB SQL: one GROUP BY per entity and grouping, every part a column.

A *scan* is one query over one entity with one grouping (dimensions, period) and one set of
filters; every part of every requested KPI that fits that scan becomes one aggregate column
(``count(*) FILTER (WHERE ...)``). Parts counted ``per`` key (repeat purchase) get a two-level
scan, parts ``active_at_period_start`` (churn) a running count over period events. Identifiers
are validated names, always quoted; every literal is a bound parameter. Compiled SQL is cached.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from core.query import period_sql
from data.schema import CUSTOMER_DIMENSIONS
from kpis.definitions import Agg, Condition, Part
from sources.connection import quote

_OPS = {"eq": "=", "gte": ">=", "gt": ">", "lte": "<=", "lt": "<"}
_AGG = {Agg.COUNT: "count({x})", Agg.COUNT_DISTINCT: "count(DISTINCT {x})", Agg.SUM: "sum({x})",
        Agg.MEAN: "avg({x})", Agg.MEDIAN: "median({x})", Agg.MIN: "min({x})", Agg.MAX: "max({x})"}


@dataclass(frozen=True)
class Scan:
    """What one query groups and filters by; the parts are compiled into its columns."""

    entity: str
    kind: str  # plain | per | active
    per: str | None
    dims: tuple[tuple[str, str], ...]  # (output alias d0.., column of the entity or a customer dimension)
    date_field: str | None  # rows are sliced by it (period and/or date range)
    granularity: str | None
    has_start: bool
    has_end: bool
    filters: tuple[tuple[str, str, int], ...]  # (filter name, column, number of values): bound as $f<i>_<j>
    join_customers: bool


@lru_cache(maxsize=512)
def compile_scan(scan: Scan, parts: tuple[Part, ...]) -> tuple[str, tuple[tuple[str, object], ...]]:
    """The SQL of ``scan`` with one column ``p<i>`` per part, and its constant parameters.

    Result columns: d0.. (dimensions), ``period`` (label, when a granularity is set), p0.. (parts).
    Filter values and the date range are bound at run time as $f<i>_<j>, $start, $end.
    """
    params: dict[str, object] = {}
    exists = [p.exists for p in parts if p.exists]
    base = _base(scan, parts, params, exists)
    if scan.kind == "active":
        return _active(scan, parts[0], base, params), tuple(params.items())
    keys = [f"d{i}" for i in range(len(scan.dims))] + (["_p"] if scan.granularity else [])
    if scan.kind == "per":
        aggs: dict[str, str] = {}  # expression -> alias: each distinct aggregate computed once
        outer_cols = []
        for i, part in enumerate(parts):
            cond = _where(part, params, exists)
            rows = aggs.setdefault(_filtered("count(*)", cond), f"i{len(aggs)}")
            if part.agg is Agg.COUNT_DISTINCT and part.field and part.having in ((("gte", 2.0),), (("gt", 1.0),)):
                # "two or more distinct values" is min <> max: far cheaper than a distinct count per key
                low = aggs.setdefault(_filtered(f"min({quote(part.field)})", cond), f"i{len(aggs)}")
                high = aggs.setdefault(_filtered(f"max({quote(part.field)})", cond), f"i{len(aggs)}")
                tests = [f"{low} <> {high}"]
            else:
                value = aggs.setdefault(_agg(part, cond), f"i{len(aggs)}")
                tests = [f"{value} {_OPS[op]} {_bind(params, v)}" for op, v in part.having]
            having = " AND ".join(["_k IS NOT NULL", f"{rows} > 0", *tests])
            outer_cols.append(f"count(*) FILTER (WHERE {having}) AS p{i}")
        inner_cols = [f"{expr} AS {alias}" for expr, alias in aggs.items()]
        inner = (f"SELECT {_list(keys + ['_k'] + inner_cols)} FROM ({base}) b "
                 f"GROUP BY {_list(keys + ['_k'])}")
        body = f"SELECT {_list(keys + outer_cols)} FROM ({inner}) i" + (f" GROUP BY {_list(keys)}" if keys else "")
    else:
        cols = [f"{_agg(part, _where(part, params, exists))} AS p{i}" for i, part in enumerate(parts)]
        body = f"SELECT {_list(keys + cols)} FROM ({base}) b" + (f" GROUP BY {_list(keys)}" if keys else "")
    return _label(scan, body), tuple(params.items())


def _base(scan: Scan, parts: tuple[Part, ...], params: dict, exists: list) -> str:
    """The scanned rows: needed columns only, customer dimensions joined, filters applied."""
    def col(name: str) -> str:
        return f"c.{quote(name)}" if scan.join_customers and name in CUSTOMER_DIMENSIONS else f"t.{quote(name)}"

    needed = dict.fromkeys(f for p in parts for f in p.fields)
    cols = [f"{col(c)} AS d{i}" for i, (_, c) in enumerate(scan.dims)]
    cols += [f"t.{quote(f)} AS {quote(f)}" for f in needed]
    if scan.granularity and scan.kind != "active":
        cols.append(f"date_trunc('{scan.granularity}', t.{quote(scan.date_field)}) AS _p")
    if scan.per:
        cols.append(f"t.{quote(scan.per)} AS _k")
    joins = ""
    if scan.join_customers:
        dims = ", ".join(f"min({quote(d)}) AS {quote(d)}" for d in CUSTOMER_DIMENSIONS)
        joins += (f" LEFT JOIN (SELECT customer_id, {dims} FROM customers GROUP BY customer_id) c"
                  " ON t.customer_id = c.customer_id")
    for i, e in enumerate(exists):
        joins += (f" LEFT JOIN (SELECT {quote(e.key)} AS k, max({quote(e.field)}) AS x FROM {quote(e.entity)}"
                  f" GROUP BY 1) e{i} ON t.{quote(e.key)} = e{i}.k")
        cols.append(f"e{i}.x AS _x{i}")
    conds = [f"CAST({col(c)} AS VARCHAR) IN ({', '.join(f'$f{i}_{j}' for j in range(n))})"
             for i, (_, c, n) in enumerate(scan.filters)]
    if scan.date_field and scan.kind != "active":
        d = f"t.{quote(scan.date_field)}"
        conds.append(f"{d} IS NOT NULL")
        conds += [f"{d} >= $start"] if scan.has_start else []
        conds += [f"{d} < $end"] if scan.has_end else []
    where = f" WHERE {' AND '.join(conds)}" if conds else ""
    return f"SELECT {_list(cols) or '1 AS _one'} FROM {quote(scan.entity)} t{joins}{where}"


def _active(scan: Scan, part: Part, base: str, params: dict) -> str:
    """Rows active at each period's start: a running sum of +1 at ``from`` and -1 at ``to``."""
    dims = [f"d{i}" for i in range(len(scan.dims))]
    cond = _where(part, params, [])
    f, t = quote(part.active.start), quote(part.active.end)
    if not scan.granularity:
        span = (f"({f} IS NULL OR {f} < $start) AND ({t} IS NULL OR {t} >= $start)" if scan.has_start else "")
        both = " AND ".join(c for c in (cond, span) if c)
        return (f"SELECT {_list(dims + [_filtered('count(*)', both) + ' AS p0'])} FROM ({base}) b"
                + (f" GROUP BY {_list(dims)}" if dims else ""))
    g = scan.granularity
    rows = f"SELECT * FROM ({base}) b" + (f" WHERE {cond}" if cond else "")
    grp = f" GROUP BY {_list(dims + ['_p'])}"
    last = f"CASE WHEN {f} IS NULL OR {t} >= {f} THEN {t} ELSE {f} END"
    part_by = f"PARTITION BY {_list(dims)} " if dims else ""
    window = f"sum(n) OVER ({part_by}ORDER BY _p NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
    keep = ["_p IS NOT NULL"] + (["_p >= date_trunc('%s', $start)" % g] if scan.has_start else []) \
        + (["_p < $end"] if scan.has_end else [])
    body = (f"WITH r AS ({rows}), ev AS ("
            f"SELECT {_list(dims)}{', ' if dims else ''}date_trunc('{g}', {f}) AS _p, count(*) AS n FROM r{grp} "
            f"UNION ALL SELECT {_list(dims)}{', ' if dims else ''}date_trunc('{g}', {last}) AS _p, -count(*) AS n "
            f"FROM r WHERE {t} IS NOT NULL{grp}), "
            f"a AS (SELECT {_list(dims + ['_p'])}, sum(n) AS n FROM ev{grp}), "
            f"w AS (SELECT {_list(dims + ['_p'])}, coalesce({window}, 0) AS p0 FROM a) "
            f"SELECT {_list(dims + ['_p', 'p0'])} FROM w WHERE {' AND '.join(keep)}")
    return _label(scan, body)


def _label(scan: Scan, body: str) -> str:
    if not scan.granularity:
        return body
    return f"SELECT * EXCLUDE (_p), {period_sql('_p', scan.granularity)} AS period FROM ({body}) q"


def _agg(part: Part, cond: str) -> str:
    if part.duration:
        seconds = 86400.0 if part.duration.unit == "days" else 3600.0
        x = f"(epoch({quote(part.duration.end)}) - epoch({quote(part.duration.start)})) / {seconds}"
    else:
        x = quote(part.field) if part.field else "*"
    expr = _filtered(_AGG[part.agg].format(x=x), cond)
    return f"coalesce({expr}, 0)" if part.agg is Agg.SUM else expr


def _filtered(expr: str, cond: str) -> str:
    return f"{expr} FILTER (WHERE {cond})" if cond else expr


def _where(part: Part, params: dict, exists: list) -> str:
    conds = [condition(c, params) for c in part.where]
    if part.exists:
        conds.append(f"_x{exists.index(part.exists)} > {quote(part.exists.than)}")
    return " AND ".join(conds)


def condition(c: Condition, params: dict) -> str:
    col = quote(c.field)
    if c.op == "is_null":
        return f"{col} IS {'' if c.value else 'NOT '}NULL"
    if c.op == "in":
        return f"{col} IN ({', '.join(_bind(params, v) for v in c.value)})" if c.value else "FALSE"
    return f"{col} {_OPS[c.op]} {_bind(params, c.value)}"


def _bind(params: dict, value: object) -> str:
    """A named parameter for ``value``; an equal value of the same type reuses its name."""
    for name, known in params.items():
        if type(known) is type(value) and known == value:
            return f"${name}"
    name = f"w{len(params)}"
    params[name] = value
    return f"${name}"


def _list(items: list[str]) -> str:
    return ", ".join(items)
