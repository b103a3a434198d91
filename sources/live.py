"""A live database source (issue 12): the KPI engine's queries run on the client's database and
only the aggregated answers come back.

``LiveSource(manifest)`` implements ``sources.source.Source`` for a manifest whose entities name a
``source:`` (``data.manifest_source``). ``open`` makes each canonical entity a derived table over
the source table or query: the manifest's column mapping, value translations and constants as SQL
expressions (``sources.live_sql``). ``LiveQuery.run`` takes the engine's DuckDB-dialect SQL, puts
those derived tables where it names an entity, writes it in the database's dialect
(``sources.dialect``) and sends it through a read-only session with a statement timeout
(``sources.backends``). ``aggregates`` is None: every answer is an aggregate query on the database.
Validation, data completeness and the snapshot marker are counting queries (``sources.live_check``).

Every statement sent is appended to the file named by ``COCKPIT_SQL_LOG`` (JSON lines: statement,
rows and columns returned, seconds), so a DBA can see exactly what the cockpit asked.
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from decimal import Decimal

import pandas as pd
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from data.manifest import Manifest
from data.schema import EntitySchema, load_schema
from sources import dialect as dialects
from sources.backends import Backend, TimedOut, connect, dialect_of
from sources.credentials import masked, resolve_url
from sources.errors import LiveSourceError, from_driver
from sources.live_sql import SOURCE, Compiled, compile_entity, empty_select
from sources.source import Query, Source

DEFAULT_TIMEOUT_S = 60.0
TIMEOUT_ENV = "COCKPIT_LIVE_TIMEOUT_S"
LOG_ENV = "COCKPIT_SQL_LOG"
_CACHE: OrderedDict[tuple[str, str, str], pd.DataFrame] = OrderedDict()  # (source, snapshot, sql) -> answer
CACHE_SIZE = 256
_CACHE_LOCK = threading.Lock()
WRITES = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter, exp.Command)


def timeout_setting(manifest_value: float | None) -> float:
    """The statement timeout: the manifest's ``timeout_s``, else ``COCKPIT_LIVE_TIMEOUT_S``, else 60 s."""
    if manifest_value:
        return float(manifest_value)
    raw = (os.environ.get(TIMEOUT_ENV) or "").strip()
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError:
        value = -1.0
    if value <= 0:
        raise LiveSourceError(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds > 0", TIMEOUT_ENV,
                              key="sources.bad_timeout", values={"value": raw}, hint="e.g. 30")
    return value


class LiveSource(Source):
    """The entities of a live manifest on their database. Use as a context manager (or ``close``)."""

    aggregates = None

    def __init__(self, manifest: Manifest, schema: Mapping[str, EntitySchema] | None = None) -> None:
        if not manifest.live:
            raise ValueError("LiveSource needs a manifest whose entities all name a source:")
        self.manifest = manifest
        self.schema = schema if schema is not None else load_schema()
        first_name = sorted(manifest.entities)[0]
        first = manifest.entities[first_name].source
        self.url_where = f"{manifest.source}: {first_name}.source.url"
        self.template = first.url
        self.timeout_s = timeout_setting(first.timeout_s)
        self.dialect = dialect_of(self.template) if "${" not in self.template.split(":", 1)[0] else ""
        self.shown = masked(self.template)  # what errors and logs name: never a resolved secret
        self.snapshot_key = ""  # set by sources.live_check.check_source: answers are cached under it
        self._backend: Backend | None = None
        self._compiled: dict[str, Compiled] = {}
        self._trees: dict[str, exp.Expression] = {}

    # --- the connection -------------------------------------------------------------------
    @property
    def backend(self) -> Backend:
        if self._backend is None:
            url = resolve_url(self.template, self.url_where)
            self.dialect, self.shown = dialect_of(url), masked(url)
            if not self.dialect:
                raise LiveSourceError(f"{self.url_where}: unknown database kind in {self.shown}", self.url_where,
                                      key="sources.unknown_kind", values={"url": self.shown},
                                      hint="postgresql://, trino://, snowflake://, bigquery://, databricks://, duckdb:///")
            try:
                self._backend = connect(url, self.timeout_s, self.manifest.base_dir)
            except Exception as exc:  # driver errors: located, the password masked
                raise from_driver(exc, self.url_where, self.shown, connecting=True) from None
        return self._backend

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    def __enter__(self) -> LiveSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the canonical relations ----------------------------------------------------------
    def relation(self, name: str) -> exp.Expression:
        """The source table or the user's query of entity ``name``, as a SQLGlot expression."""
        spec = self.manifest.entities[name].source
        where = f"{self.manifest.source}: {name}.source"
        if spec.table:  # names as stored: quoted, so no database folds their case
            *outer, table = spec.table.split(".")
            db, catalog = (outer[-1] if outer else None), (outer[-2] if len(outer) > 1 else None)
            return exp.table_(table, db=db, catalog=catalog, quoted=True)
        try:
            trees = [t for t in sqlglot.parse(spec.query, read=self.dialect or "postgres") if t is not None]
        except SqlglotError as exc:
            trees, detail = [], str(exc).splitlines()[0]
        else:
            detail = f"{len(trees)} statements" if len(trees) != 1 else type(trees[0]).__name__
        if len(trees) != 1 or not isinstance(trees[0], exp.Query):
            raise LiveSourceError(f"{where}.query: not one SELECT ({detail})", f"{where}.query",
                                  key="sources.not_select", values={"detail": detail},
                                  hint="the cockpit only reads: give one SELECT")
        writes = sorted({type(n).__name__.upper() for n in trees[0].find_all(*WRITES)})
        if writes:  # refused before anything is sent; the read-only session would refuse it too
            raise LiveSourceError(f"{where}.query: the source refused a write (read-only): {', '.join(writes)}",
                                  f"{where}.query", key="sources.read_only", values={"detail": ", ".join(writes)},
                                  hint="the cockpit only reads; give a SELECT", hint_key="sources.read_only_hint")
        return exp.Subquery(this=trees[0], alias=exp.TableAlias(this=exp.to_identifier("src")))

    def describe(self, name: str) -> dict[str, str]:
        """The source columns of entity ``name`` and their types, as the driver names them (no rows)."""
        mapping = self.manifest.entities[name]
        backend = self.backend  # connected first: a query: is parsed in the database's dialect
        text = dialects.from_tree(self.relation(name), None, backend.dialect)
        try:
            return backend.describe(text)
        except Exception as exc:
            where = f"{self.manifest.source}: {name}.source.{'table' if mapping.source.table else 'query'}"
            raise from_driver(exc, where, self.shown, timeout_s=self.timeout_s) from None

    def compiled(self, name: str) -> Compiled:
        """Entity ``name``'s mapping compiled against the source's column types (read once)."""
        if name not in self._compiled:
            where = f"{self.manifest.source}: {name}"
            self._compiled[name] = compile_entity(self.manifest.entities[name], self.schema[name],
                                                  self.describe(name), where)
        return self._compiled[name]

    def tree(self, name: str) -> exp.Expression:
        """The canonical SELECT of entity ``name`` over its source relation (an empty one if unmapped)."""
        if name not in self._trees:
            if name not in self.manifest.entities:
                self._trees[name] = sqlglot.parse_one(empty_select(self.schema[name]), read="duckdb")
            else:
                tree = sqlglot.parse_one(self.compiled(name).select, read="duckdb")
                self._trees[name] = place(tree, {SOURCE: self.relation(name)})
        return self._trees[name]

    def columns(self, name: str) -> set[str]:
        if name not in self.manifest.entities:
            return set(self.schema[name].field_names)
        return set(self.compiled(name).columns)

    def open(self, only: set[str] | None = None, typed: bool = False) -> LiveQuery:
        names = [n for n in self.schema if only is None or n in only]
        return LiveQuery(self, {n: self.columns(n) for n in names}, typed)

    # --- running ----------------------------------------------------------------------------
    def fetch(self, sql_text: str, where: str) -> pd.DataFrame:
        """One statement already in the database's dialect; the answer as a frame (logged)."""
        key = (self.shown, self.snapshot_key, sql_text)
        with _CACHE_LOCK:  # the app's threads share the pooled sources and this cache
            if self.snapshot_key and key in _CACHE:
                _CACHE.move_to_end(key)
                return _CACHE[key].copy()
        started = time.perf_counter()
        try:
            names, rows = self.backend.execute(sql_text)
        except TimedOut:
            raise from_driver(TimeoutError("canceling statement due to statement timeout"), where, self.shown,
                              timeout_s=self.timeout_s) from None
        except LiveSourceError:
            raise
        except Exception as exc:
            raise from_driver(exc, where, self.shown, timeout_s=self.timeout_s) from None
        _log(self.shown, sql_text, len(rows), len(names), time.perf_counter() - started)
        frame = _frame(names, rows)
        if self.snapshot_key:
            with _CACHE_LOCK:
                _CACHE[key] = frame.copy()
                while len(_CACHE) > CACHE_SIZE:
                    _CACHE.popitem(last=False)
        return frame

    def run(self, sql: str, params: Mapping[str, object] | None = None, where: str = "") -> pd.DataFrame:
        """DuckDB-dialect ``sql`` over the canonical entities, run on the database."""
        tree = sqlglot.parse_one(sql, read="duckdb")
        tree = place(tree, {n: self.tree(n) for n in self.schema if _names(tree, n)})
        text = dialects.from_tree(tree, params, self.backend.dialect)
        return self.fetch(text, where or f"{self.manifest.source}: {self.shown}")


class LiveQuery(Query):
    """An open query session on a live source (the connection belongs to the source)."""

    def __init__(self, source: LiveSource, columns: dict[str, set[str]], typed: bool) -> None:
        super().__init__(None, columns)
        self.source, self.typed = source, typed

    def run(self, sql: str, params: Mapping[str, object] | None = None) -> pd.DataFrame:
        return self.source.run(sql, params)

    def close(self) -> None:
        """Nothing to end: the source keeps its one session until it is closed."""


def _names(tree: exp.Expression, name: str) -> bool:
    return any(t.name == name and not t.args.get("db") for t in tree.find_all(exp.Table))


def place(tree: exp.Expression, relations: Mapping[str, exp.Expression]) -> exp.Expression:
    """``tree`` with every unqualified table named in ``relations`` replaced by that relation as a
    derived table under the same alias (collected first, so nothing inserted is visited again)."""
    hits = [t for t in tree.find_all(exp.Table) if t.name in relations and not t.args.get("db")]
    for table in hits:
        alias = exp.TableAlias(this=exp.to_identifier(table.alias_or_name, quoted=True))
        body = relations[table.name].copy()
        if isinstance(body, exp.Subquery):
            body = body.this
        replacement = exp.Subquery(this=body, alias=alias) if isinstance(body, exp.Query) else body
        if isinstance(replacement, exp.Table) and table.alias:
            replacement.set("alias", alias)
        if table is tree:
            return replacement
        table.replace(replacement)
    return tree


def _frame(names: list[str], rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=names) if rows else pd.DataFrame({n: [] for n in names})
    for c in frame.columns:  # PostgreSQL's numeric (sum of bigint, epoch) arrives as Decimal
        if frame[c].dtype == object and frame[c].map(lambda v: isinstance(v, Decimal)).any():
            frame[c] = pd.to_numeric(frame[c].map(lambda v: float(v) if isinstance(v, Decimal) else v))
    return frame


def _log(source: str, sql_text: str, rows: int, columns: int, seconds: float) -> None:
    path = os.environ.get(LOG_ENV)
    if not path:
        return
    line = json.dumps({"source": source, "sql": sql_text, "rows": rows, "columns": columns,
                       "seconds": round(seconds, 4)}, ensure_ascii=False)
    with open(path, "a", encoding="utf-8") as out:
        out.write(line + "\n")
