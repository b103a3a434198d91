"""Validation, data quality and the snapshot marker of a live source, as counting queries (issue 12).

``check_source(source)`` sends one probe per entity (``sources.live_sql``: one row of counts) and,
for each check some rows break, one sample query (at most 5 rows): how many rows would be rejected
and which, without downloading the table. The same probe gives the data completeness (the
``data_completeness`` KPI, computed as ``data.quality`` does for files) and the ``Snapshot``: row
counts and latest timestamps per entity, whose ``key`` versions cached answers and whose ``as_of``
the scorecard shows.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sqlglot

from core.errors import Problem
from data.schema import ENTITY_NAMES
from sources import dialect as dialects
from sources.live import LiveSource, place
from sources.live_sql import SOURCE

SAMPLE = 5


@dataclass(frozen=True)
class Snapshot:
    """Row counts and max timestamps per entity: the version of a live source's data."""

    entities: dict[str, dict]  # name -> {"rows": n, "max": {date field: ISO text or None}}

    @property
    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.entities, sort_keys=True).encode()).hexdigest()[:16]

    @property
    def as_of(self) -> str | None:
        """The latest timestamp in any entity (what "as of" means for a live source)."""
        found = [v for e in self.entities.values() for v in e["max"].values() if v]
        return max(found) if found else None


@dataclass(frozen=True)
class LiveCheck:
    problems: tuple[Problem, ...]
    rows: dict[str, int]
    rejected: dict[str, int]
    quality: dict
    snapshot: Snapshot
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # entity -> check -> rows breaking it

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self, limit: int = 50) -> str:
        lines = [f"{e}: {n} rows, {self.rejected.get(e, 0)} would be rejected" for e, n in self.rows.items()]
        lines += [f"  {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more")
        return "\n".join(lines)


def _probe(source: LiveSource, name: str, sql: str) -> pd.DataFrame:
    tree = place(sqlglot.parse_one(sql, read="duckdb"), {SOURCE: source.relation(name)})
    where = f"{source.manifest.source}: {name}.source ({source.manifest.entities[name].source.relation})"
    return source.fetch(dialects.from_tree(tree, None, source.backend.dialect), where)


def _value(v: object) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return None
    return pd.Timestamp(v).isoformat() if not isinstance(v, str) else v


def check_source(source: LiveSource) -> LiveCheck:
    """Count what validation would reject, with samples; completeness; the snapshot marker."""
    problems: list[Problem] = []
    rows, rejected, quality, snap, counts = {}, {}, {}, {}, {}
    for name in [n for n in ENTITY_NAMES if n in source.manifest.entities]:
        compiled = source.compiled(name)
        entity = source.schema[name]
        row = _probe(source, name, compiled.probe).iloc[0]
        n = int(row["n"])
        rows[name], rejected[name] = n, int(row["rejected"]) + int(row.get("dup_key", 0) or 0)
        counts[name] = {c: int(row[c] or 0) for c, *_ in compiled.checks}
        relation = source.manifest.entities[name].source.relation
        for column, fld, src, reason in compiled.checks:
            broken = counts[name][column]
            if not broken:
                continue
            sample = _probe(source, name, compiled.samples[column])
            shown = ", ".join(_sample(entity.key, r) for r in sample.itertuples(index=False))
            problems.append(Problem(
                f"{source.manifest.source}: {name}.source ({relation}), column {src!r}",
                f"{broken} row(s): {reason}" + (f"; e.g. {shown}" if shown else ""),
                key="sources.rejected", values=(("count", broken), ("reason", reason), ("sample", shown or "-"))))
        optional = list(entity.optional)
        filled = sum(int(row[f"filled_{f}"]) for f in optional)
        completeness = (filled / (n * len(optional))) if n and optional else (1.0 if n else 0.0)
        quality[name] = {"rows": n, "completeness": round(float(completeness), 4),
                         "field_completeness": {f: round(int(row[f"filled_{f}"]) / n, 4) for f in optional} if n else {},
                         "duplicate_keys": int(row.get("dup_key", 0) or 0),
                         "implausible": sum(v for c, v in counts[name].items() if c.startswith("rule_"))}
        snap[name] = {"rows": n, "max": {f.name: _value(row[f"max_{f.name}"]) for f in entity.fields
                                         if f"max_{f.name}" in row.index}}
    scored = [e["completeness"] for e in quality.values() if e["rows"]]
    summary = {"entities": quality, "data_completeness": round(float(np.mean(scored)), 4) if scored else 0.0}
    snapshot = Snapshot(snap)
    source.snapshot_key = snapshot.key
    return LiveCheck(tuple(problems), rows, rejected, summary, snapshot, counts)


def _sample(key: str | None, row) -> str:
    k, value = row[0], row[1]
    where = f"{key}={k}" if key and k is not None else ""
    if value is None:
        return where or "(empty)"
    return f"{where}: {value!r}" if where else repr(value)
