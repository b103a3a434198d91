"""The ``source:`` key of a manifest entity (issue 12): a live database table or query instead of a file.

    opportunities:
      source: {url: "${CRM_DB_URL}", table: crm.verkaufschancen, timeout_s: 30}
      columns: {opportunity_id: chance_nr, stage: phase}

The URL is kept exactly as written (``${NAME}`` placeholders unresolved): credentials come only from
the environment or ``.streamlit/secrets.toml`` when the source is opened (``sources.credentials``),
so a manifest, a saved mapping profile or a report never carries them. A URL with a literal password
is refused. ``url_env: NAME`` is short for ``url: "${NAME}"``. See docs/live-sources.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from core.yamlio import Checker

SOURCE_KEYS = ("url", "url_env", "table", "query", "timeout_s")
SCHEMES = ("postgresql", "postgres", "trino", "snowflake", "bigquery", "databricks", "spark", "hive", "duckdb")
FILE_ONLY = ("sheet", "delimiter", "encoding", "unpivot")  # what a database relation has no use for
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2}$")


@dataclass(frozen=True)
class LiveTable:
    """Where an entity's rows live: ``url`` as written (placeholders unresolved), and a ``table``
    (``schema.table``, names as stored) or a read-only ``query``."""

    url: str
    table: str | None = None
    query: str | None = None
    timeout_s: float | None = None

    @property
    def relation(self) -> str:
        return self.table or "query"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"url": self.url}
        out.update({k: getattr(self, k) for k in ("table", "query", "timeout_s") if getattr(self, k) is not None})
        return out


def entity_source(check: Checker, spec: dict, name: str) -> LiveTable | None:
    """The entity's ``source:`` (None without one); refuses it beside ``file:`` or file-only keys."""
    if "source" not in spec:
        return None
    if "file" in spec:
        check.add(name, "has both file: and source:", "an entity reads a file or a database, not both")
    for key in FILE_ONLY:
        if key in spec:
            check.add(f"{name}.{key}", "applies to files only, not to a source:")
    return parse_source(check, spec["source"], f"{name}.source")


def parse_source(check: Checker, raw: Any, path: str) -> LiveTable | None:
    """The ``source:`` mapping at ``path``, every problem added to ``check``."""
    spec = check.mapping(raw, path)
    check.unknown_keys(spec, SOURCE_KEYS, path)
    url = check.str(spec, "url", path, required=False)
    env = check.str(spec, "url_env", path, required=False)
    if (url is None) == (env is None):
        check.add(path, "expected exactly one of url: or url_env:", 'e.g. url: "${CRM_DB_URL}" or url_env: CRM_DB_URL')
        return None
    if env is not None:
        if not PLACEHOLDER.fullmatch("${" + env + "}"):
            check.add(f"{path}.url_env", f"{env!r} is not an environment variable name", "e.g. CRM_DB_URL")
            return None
        url = "${" + env + "}"
    _check_url(check, f"{path}.url", url)
    table = check.str(spec, "table", path, required=False)
    query = check.str(spec, "query", path, required=False)
    if (table is None) == (query is None):
        check.add(path, "expected exactly one of table: or query:", "table: crm.opportunities, or query: SELECT ...")
        return None
    if table is not None and not TABLE_NAME.match(table):
        check.add(f"{path}.table", f"{table!r} is not a table name", "schema.table (letters, digits, _), e.g. crm.orders")
    if query is not None and not re.match(r"^\s*(select|with)\b", query, re.IGNORECASE):
        check.add(f"{path}.query", "a query must be one SELECT (or WITH ... SELECT)", "the cockpit only reads")
    timeout = spec.get("timeout_s")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0):
        check.add(f"{path}.timeout_s", f"expected a number of seconds > 0, found {timeout!r}", "e.g. timeout_s: 30")
        timeout = None
    return LiveTable(url, table, query, float(timeout) if timeout is not None else None)


def _check_url(check: Checker, path: str, url: str) -> None:
    if PLACEHOLDER.fullmatch(url.strip()):
        return  # the whole URL comes from the environment: checked when resolved
    try:
        parts = urlsplit(PLACEHOLDER.sub("x", url))
    except ValueError:
        check.add(path, "not a database URL", "e.g. postgresql://reader@db.example.com/crm")
        return
    userinfo = url.split("//", 1)[-1].split("/", 1)[0].rpartition("@")[0]
    password = userinfo.partition(":")[2]
    if password and not PLACEHOLDER.fullmatch(password):
        check.add(path, "the URL holds a password; credentials never go into a manifest",
                  'write url: "${CRM_DB_URL}" and set CRM_DB_URL in the environment or .streamlit/secrets.toml')
    if parts.scheme.split("+")[0] not in SCHEMES:
        check.add(path, f"unknown database kind {parts.scheme!r}", f"one of {list(SCHEMES)}")


def check_sources(check: Checker, entities: dict) -> None:
    """Manifest-wide: live entities all read one database (the KPI queries join them), and a manifest
    is either all files or all live (a join cannot span a file and a database)."""
    live = {name: m.source for name, m in entities.items() if m.source is not None}
    if not live:
        return
    files = sorted(set(entities) - set(live))
    if files:
        check.add(files[0], f"mixes files ({', '.join(files)}) with live sources ({', '.join(sorted(live))})",
                  "give every entity a source: of the same database, or none")
    urls = sorted({s.url for s in live.values()})
    if len(urls) > 1:
        name = sorted(live)[-1]
        check.add(f"{name}.source.url", f"live entities name {len(urls)} different databases",
                  "all live entities of one manifest read the same url")
