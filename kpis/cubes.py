"""What the pre-aggregates of a stored dataset hold, by name: cubes of additive measures and exact
tables of the engine's own answers (built by ``kpis.prebuild``, read by ``kpis.aggregates``).

A *cube* per entity and date field: rows grouped by month x every dimension column of its KPIs
(customer dimensions joined), with the conditional counts and sums of every additive part (a mean
is a sum and a count). An *exact* table per default question shape (``EXACT_SHAPES``: no filter,
overall or by channel, per month/quarter/year or in total) also holds the KPIs that do not add up.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

from data.schema import CUSTOMER_DIMENSIONS
from kpis.definitions import Agg, Exists, KpiDefinition, Part
from kpis.sql import condition
from sources.connection import quote
from sources.source import AGGREGATES_FOLDER

FOLDER = AGGREGATES_FOLDER
MANIFEST = "manifest.json"
EXACT_SHAPES = (((), None), ((), "month"), ((), "quarter"), ((), "year"), (("channel",), None),
                (("channel",), "month"))
_MEASURE_AGGS = (Agg.COUNT, Agg.SUM, Agg.MEAN)


def additive(part: Part) -> bool:
    """True when the part is a sum of per-row contributions (so a cube can hold it). A part that
    asks whether the row's key has a later row elsewhere (``exists``, win-back) is one: the answer
    is fixed per row for a dataset version, so the cube is built with it joined."""
    return part.agg in _MEASURE_AGGS and not (part.per or part.active)


@lru_cache(maxsize=1024)
def measure_names(part: Part) -> tuple[str, ...]:
    """The cube columns of an additive part: ``n_<hash>`` (count) and/or ``s_<hash>`` (sum)."""
    what = (part.field, part.duration, part.where) + ((part.exists,) if part.exists else ())
    key = hashlib.sha1(repr(what).encode()).hexdigest()[:12]
    return {Agg.COUNT: (f"n_{key}",), Agg.SUM: (f"s_{key}",), Agg.MEAN: (f"s_{key}", f"n_{key}")}[part.agg]


def exists_column(e: Exists) -> str:
    """The joined column holding the latest ``e.field`` of the row's key in ``e.entity``."""
    return "_x_" + hashlib.sha1(repr(e).encode()).hexdigest()[:12]


def measures_sql(part: Part, params: dict) -> dict[str, str]:
    """Cube column -> its SQL aggregate over the entity's rows (literals bound into ``params``)."""
    conds = [condition(c, params) for c in part.where]
    if part.exists:
        conds.append(f"{quote(exists_column(part.exists))} > t.{quote(part.exists.than)}")
    cond = " AND ".join(conds)
    flt = f" FILTER (WHERE {cond})" if cond else ""
    x = quote(part.field) if part.field else "*"
    if part.duration:
        seconds = 86400.0 if part.duration.unit == "days" else 3600.0
        x = f"(epoch({quote(part.duration.end)}) - epoch({quote(part.duration.start)})) / {seconds}"
    return {name: f"{'count' if name.startswith('n_') else 'sum'}({x}){flt}" for name in measure_names(part)}


def fingerprint(kpi: KpiDefinition) -> str:
    """Changes whenever the KPI's computation changes (an exact table of another definition is stale)."""
    return hashlib.sha1(repr((kpi.entity, kpi.date_field, kpi.dimensions, kpi.kept, kpi.parts,
                              kpi.formula)).encode()).hexdigest()[:16]


def cube_name(entity: str, date_field: str | None) -> str:
    return f"{entity}__{date_field or 'all'}"


def exact_file(by: tuple[str, ...], gran: str | None) -> str:
    return f"exact__{'-'.join(by) or 'all'}__{gran or 'total'}.parquet"


def dim_sql(name: str, join: bool) -> str:
    """A dimension's column in the rows of ``rows_sql``: joined customer dimensions are ``_c_<name>``."""
    return quote(f"_c_{name}") if join and name in CUSTOMER_DIMENSIONS else f"t.{quote(name)}"


def rows_sql(entity: str, join: bool, exists: tuple[Exists, ...] = ()) -> str:
    """``FROM`` the entity's rows as ``t`` with the customer dimensions joined as ``_c_<name>`` (so
    a measure's unqualified column names always mean the entity's own columns), and for each
    ``exists`` the key's latest date in its entity as ``exists_column``."""
    joins = ""
    if join:
        cdims = ", ".join(f"min({quote(d)}) AS {quote('_c_' + d)}" for d in CUSTOMER_DIMENSIONS)
        joins = (f" LEFT JOIN (SELECT customer_id AS _c_key, {cdims} FROM customers GROUP BY customer_id) c"
                 " ON t.customer_id = c._c_key")
    for e in dict.fromkeys(exists):
        x, k = quote(exists_column(e)), quote(exists_column(e) + "_k")
        joins += (f" LEFT JOIN (SELECT {quote(e.key)} AS {k}, max({quote(e.field)}) AS {x} FROM {quote(e.entity)}"
                  f" GROUP BY 1) ON t.{quote(e.key)} = {k}")
    return f"FROM {quote(entity)} t{joins}"


def cube_sql(entity: str, date_field: str | None, dims: list[str], measures: dict[str, str], join: bool,
             exists: tuple[Exists, ...] = ()) -> str:
    """Rows of ``entity`` (``rows_sql``) grouped by month and ``dims``, a column per measure."""
    month = f"date_trunc('month', t.{quote(date_field)})" if date_field else "NULL::TIMESTAMP"
    keys = [f"{month} AS _month"] + [f"{dim_sql(d, join)} AS {quote(d)}" for d in dims]
    cols = keys + [f"{expr} AS {name}" for name, expr in measures.items()]
    group = ", ".join(str(i + 1) for i in range(len(keys)))
    return f"SELECT {', '.join(cols)} {rows_sql(entity, join, exists)} GROUP BY {group}"
