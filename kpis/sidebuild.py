"""Exact side tables for the parts a cube cannot add up (written by ``kpis.prebuild``, read by
``kpis.sides``), so that a filter change answers them without the raw rows:

- *value lists* (median): the part's values per month x dimensions, sorted; any slice's median is
  the middle of its rows' values.
- *event tables* (active at period start, churn): rows counted per dimensions x month of ``from``
  x month of ``to``; a period's active count is the running sum of +1 at ``from`` and -1 at the
  later of both, as the engine computes it.
- *key sets* (distinct customers, repeat purchase, cross-sell): per key the rows (and distinct
  values) in each value of one row-level *split* dimension (the channel) and period are summed for
  every non-empty set of split values (at most 63), then the keys meeting the part are counted per
  customer dimensions x period x set. A filter on the split dimension picks its set; a slice by
  it the one-value sets. Periods: whole months, quarters, years and the total.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from collections.abc import Sequence

from data.schema import CUSTOMER_DIMENSIONS
from kpis.cubes import additive, dim_sql, rows_sql
from kpis.definitions import Agg, KpiDefinition, Part
from kpis.sql import _OPS, condition
from sources.connection import quote

MAX_SPLIT_VALUES = 6  # 2**6 - 1 = 63 value sets
GRANS = {"total": 0, "month": 1, "quarter": 2, "year": 3}
_PERIOD = {"month": "year({d}) * 12 + month({d}) - 1", "quarter": "year({d}) * 4 + quarter({d}) - 1",
           "year": "year({d})"}


@lru_cache(maxsize=1024)
def part_key(part: Part) -> str:
    """Names a part's computation (not its name): columns of equal parts are shared."""
    what = (part.agg, part.field, part.duration, part.where, part.per, part.having, part.exists, part.active)
    return hashlib.sha1(repr(what).encode()).hexdigest()[:12]


def side_kind(part: Part) -> str | None:
    """Which side table answers a non-additive part: median, active, keys (or None: raw rows)."""
    if part.exists:
        return None
    if part.active:
        return "active" if part.agg is Agg.COUNT and not part.per and not part.field else None
    if part.agg is Agg.MEDIAN and not part.per:
        return "median"
    if part.per and (part.agg is Agg.COUNT and not part.field or part.agg is Agg.COUNT_DISTINCT and part.field):
        return "keys" if all(op in _OPS for op, _ in part.having) else None
    if part.agg is Agg.COUNT_DISTINCT and part.field and not part.per and not part.having:
        return "keys"
    return None


def key_of(part: Part) -> str:
    """The key a keys part counts: ``per`` (repeat purchase) or the distinct field itself."""
    return part.per or part.field


def name(kind: str, entity: str, *what: str | None) -> str:
    return "__".join([kind, entity, *(w or "all" for w in what)])


def side_of(date_field: str | None, part: Part) -> tuple[str, tuple] | None:
    """The part's side-table kind and what else names its table (beside the entity)."""
    kind = None if additive(part) else side_kind(part)
    if kind == "median":
        return kind, (date_field, part_key(part))
    if kind == "keys":
        return kind, (date_field, key_of(part))
    if kind == "active":
        return kind, (part.active.start, part.active.end)
    return None


def value_sql(part: Part) -> str:
    if part.duration:
        seconds = 86400.0 if part.duration.unit == "days" else 3600.0
        return f"(epoch({quote(part.duration.end)}) - epoch({quote(part.duration.start)})) / {seconds}"
    return quote(part.field)


def values_sql(entity: str, date_field: str | None, dims: Sequence[str], part: Part, join: bool,
               params: dict) -> str:
    """The median part's non-empty values with their month and dimensions, sorted by value."""
    month = f"date_trunc('month', t.{quote(date_field)})" if date_field else "NULL::TIMESTAMP"
    keys = [f"{month} AS _month"] + [f"{dim_sql(d, join)} AS {quote(d)}" for d in dims]
    conds = [condition(c, params) for c in part.where] + [f"{value_sql(part)} IS NOT NULL"]
    return (f"SELECT {', '.join(keys)}, {value_sql(part)} AS _v {rows_sql(entity, join)}"
            f" WHERE {' AND '.join(conds)} ORDER BY _v")


def events_sql(entity: str, dims: Sequence[str], parts: Sequence[Part], join: bool, params: dict) -> str:
    """Rows per dimensions x month of ``from`` x month of ``to`` (month numbers), counted per part."""
    span = parts[0].active
    month = "CAST(year(t.{0}) * 12 + month(t.{0}) - 1 AS INTEGER)"
    keys = [f"{dim_sql(d, join)} AS {quote(d)}" for d in dims]
    keys += [f"{month.format(quote(span.start))} AS _f", f"{month.format(quote(span.end))} AS _t"]
    cols = []
    for part in parts:
        cond = " AND ".join(condition(c, params) for c in part.where)
        cols.append(f"count(*){f' FILTER (WHERE {cond})' if cond else ''} AS {quote('a_' + part_key(part))}")
    group = ", ".join(str(i + 1) for i in range(len(keys)))
    return f"SELECT {', '.join(keys + cols)} {rows_sql(entity, join)} GROUP BY {group}"


def keyset_sql(entity: str, date_field: str | None, key: str, split: str | None, split_values: list,
               dims: Sequence[str], parts: Sequence[Part], categories: dict[str, int], params: dict) -> str:
    """The key-set table (see the module text) of ``parts`` over ``entity``'s rows with a key."""
    join = key == "customer_id" and any(d in CUSTOMER_DIMENSIONS for d in dims)
    values = split_values if split else [None]
    bits = []
    for i, v in enumerate(values):
        if not split:
            bits.append("TRUE")
        elif v is None:
            bits.append("_s IS NULL")
        else:
            params[f"sv{i}"] = v
            bits.append(f"_s = $sv{i}")
    fields = dict.fromkeys(f for p in parts for f in p.fields if f != key)
    base_cols = [f"t.{quote(key)} AS _k", f"{dim_sql(split, False) if split else 'NULL'} AS _s"]
    base_cols += [f"{dim_sql(d, join)} AS {quote('_d_' + d)}" for d in dims]
    base_cols += [f"t.{quote(f)} AS {quote(f)}" for f in fields]
    cats = {f: i for i, f in enumerate(categories)}
    inner, tests, profile = [], [], []  # profile: (column, bits it needs)
    for j, part in enumerate(parts):
        cond = [condition(c, params) for c in part.where]
        n_cols = []
        cap = int(max((v for _, v in part.having), default=0)) + 1 if part.per and part.agg is Agg.COUNT else 1
        for i, bit in enumerate(bits):
            where = " AND ".join([bit, *cond])
            # capped: a sum of capped counts is on the same side of every threshold below the cap
            inner.append(f"least(count(*) FILTER (WHERE {where}), {cap}) AS n{i}_{j}")
            profile.append((f"n{i}_{j}", cap.bit_length()))
            n_cols.append(f"CASE WHEN (_set & {1 << i}) <> 0 THEN n{i}_{j} ELSE 0 END")
            if part.per and part.agg is Agg.COUNT_DISTINCT:
                code = f"_cat{cats[part.field]}.i"
                inner.append(f"bit_or(1::UBIGINT << {code}) FILTER (WHERE {where} AND {code} IS NOT NULL) AS m{i}_{j}")
                profile.append((f"m{i}_{j}", max(int(categories[part.field]), 1)))
        rows = f"({' + '.join(n_cols)})"
        test = [f"{rows} > 0"]
        if part.per and part.agg is Agg.COUNT_DISTINCT:
            ors = " | ".join(f"CASE WHEN (_set & {1 << i}) <> 0 THEN coalesce(m{i}_{j}, 0::UBIGINT) ELSE 0::UBIGINT END"
                             for i in range(len(bits)))
            value = f"bit_count({ors})"
        else:
            value = rows
        test += [f"{value} {_OPS[op]} {float(v)!r}" for op, v in part.having] if part.per else []
        tests.append(f"coalesce(sum(_w) FILTER (WHERE {' AND '.join(test)}), 0) AS {quote('k_' + part_key(part))}")
    cat_joins = "".join(
        f" LEFT JOIN (SELECT v, CAST(row_number() OVER (ORDER BY v) - 1 AS INTEGER) AS i FROM"
        f" (SELECT DISTINCT {quote(f)} AS v FROM {quote(entity)} WHERE {quote(f)} IS NOT NULL)) _cat{cats[f]}"
        f" ON b.{quote(f)} = _cat{cats[f]}.v" for f in categories)
    dim_keys = [f"any_value({quote('_d_' + d)}) AS {quote('_d_' + d)}" for d in dims]
    out_dims = [f"{quote('_d_' + d)} AS {quote(d)}" for d in dims]
    one = "CASE " + " ".join(f"WHEN _set = {1 << i} THEN {_literal(v, i)}" for i, v in enumerate(values)) + " END"
    selects = []
    for gran, code in GRANS.items():
        if gran != "total" and not date_field:
            continue
        period = _PERIOD[gran].format(d=f"t.{quote(date_field)}") if gran != "total" else "NULL"
        dated = f" AND t.{quote(date_field)} IS NOT NULL" if gran != "total" else ""
        base = (f"SELECT {', '.join(base_cols)}, CAST({period} AS INTEGER) AS _p {rows_sql(entity, join)}"
                f" WHERE t.{quote(key)} IS NOT NULL{dated}")
        grouped = (f"SELECT _k, _p, {', '.join(dim_keys + inner)} FROM ({base}) b{cat_joins}"
                   f" GROUP BY _k, _p") if dims else (
                   f"SELECT _k, _p, {', '.join(inner)} FROM ({base}) b{cat_joins} GROUP BY _k, _p")
        profiles = _profiles(grouped, [quote('_d_' + d) for d in dims], profile)
        selects.append(
            f"SELECT CAST(_set AS INTEGER) AS _set, {one} AS _one, {', '.join(out_dims + [''])}"
            f"{code} AS _g, _p, {', '.join(tests)} FROM ({profiles}) g,"
            f" (SELECT range AS _set FROM range(1, {1 << len(bits)})) s GROUP BY ALL")
    return " UNION ALL ".join(selects)


def _profiles(grouped: str, dims: list[str], profile: list[tuple[str, int]]) -> str:
    """Keys alike in dimensions, period and (capped) counts and value masks per split value, counted
    once (``_w``): the counts and masks are packed into 64-bit words to group by, then unpacked."""
    words: list[list[tuple[str, int, int]]] = [[]]  # per word: (column, shift, bits)
    used = 0
    for col, width in profile:
        if used + width > 64:
            words.append([])
            used = 0
        words[-1].append((col, used, width))
        used += width
    packed = [" | ".join(f"(coalesce(CAST({c} AS UBIGINT), 0::UBIGINT) << {shift})" for c, shift, _ in w) + f" AS _w{k}"
              for k, w in enumerate(words) if w]
    unpacked = [f"((_w{k} >> {shift}) & {(1 << width) - 1}::UBIGINT) AS {c}"
                for k, w in enumerate(words) for c, shift, width in w]
    grouped_by = ", ".join(dims + ["_p"] + [f"_w{k}" for k in range(len(packed))])
    counted = f"SELECT {grouped_by}, count(*) AS _w FROM (SELECT {', '.join(dims + ['_p'] + packed)} FROM ({grouped}) g0) g1 GROUP BY ALL"
    return f"SELECT {', '.join(dims + ['_p', '_w'] + unpacked)} FROM ({counted}) g2"


def _literal(value, i: int) -> str:
    return "NULL" if value is None else f"$sv{i}"


def split_of(kpis: Sequence[KpiDefinition], columns: set[str]) -> str | None:
    """The row-level dimension a key set is split by: the column the KPIs' ``channel`` means, when it
    is the entity's own column (not a customer dimension)."""
    cols = {dict(k.dimensions).get("channel") for k in kpis} - {None}
    if len(cols) != 1:
        return None
    col = cols.pop()
    return col if col in columns and col not in CUSTOMER_DIMENSIONS else None


def build_sides(query, kpis: Sequence[KpiDefinition], write) -> dict:
    """Write every side table the computed ``kpis`` need (``write(name, arrow_table)``); returns their
    manifest entries by name. ``query`` is an open ``sources.source.Query`` of the dataset."""
    columns = query.columns
    groups: dict[tuple, dict] = {}  # (kind, entity, ...) -> {"parts": {key: part}, "kpis": [...]}
    for kpi in kpis:
        for part in kpi.parts:
            found = side_of(kpi.date_field, part)
            if found is None or kpi.entity not in columns:
                continue
            kind, what = found
            entry = groups.setdefault((kind, kpi.entity, *what), {"parts": {}, "kpis": []})
            entry["parts"][part_key(part)] = part
            entry["kpis"].append(kpi)
    manifest = {}
    for (kind, entity, *what), entry in groups.items():
        own = columns[entity]
        dims = list(dict.fromkeys(c for k in entry["kpis"] for _, c in k.dimensions))
        parts = list(entry["parts"].values())
        if any(f not in own for p in parts for f in p.fields):
            continue  # a column the part reads is missing: the engine reports it
        params: dict = {}
        info = {"kind": kind, "entity": entity, "parts": list(entry["parts"])}
        if kind == "keys":
            date_field, key = what
            if key != "customer_id" or key not in own:
                continue
            dims = [d for d in dims if d in CUSTOMER_DIMENSIONS]
            split = split_of(entry["kpis"], own)
            split_values = []
            if split:
                split_values = [r[0] for r in query.con.sql(
                    f"SELECT DISTINCT {quote(split)} FROM {quote(entity)} ORDER BY 1 NULLS LAST").fetchall()]
                if not split_values or len(split_values) > MAX_SPLIT_VALUES:
                    split, split_values = None, []
            categories = {}
            for p in parts:
                if p.per and p.agg is Agg.COUNT_DISTINCT:
                    n = query.con.sql(f"SELECT count(DISTINCT {quote(p.field)}) FROM {quote(entity)}").fetchall()[0][0]
                    if n > 63:
                        break
                    categories[p.field] = n
            else:
                sql = keyset_sql(entity, date_field, key, split, split_values, dims, parts, categories, params)
                info.update(date_field=date_field, key=key, split=split, split_values=split_values, dims=dims)
                manifest[name(kind, entity, date_field, key)] = (sql, params, info)
            continue
        join = entity != "customers" and "customer_id" in own and any(d in CUSTOMER_DIMENSIONS for d in dims)
        dims = [d for d in dims if d in own or join and d in CUSTOMER_DIMENSIONS]
        info["dims"] = dims
        if kind == "median":
            date_field, key = what
            info["date_field"] = date_field
            sql = values_sql(entity, date_field, dims, parts[0], join, params)
        else:
            sql = events_sql(entity, dims, parts, join, params)
        manifest[name(kind, entity, *what)] = (sql, params, info)
    out = {}
    for table_name, (sql, params, info) in manifest.items():
        table = query.con.sql(sql, params=params).to_arrow_table()
        write(table_name, table)
        out[table_name] = {**info, "rows": table.num_rows}
    return out
