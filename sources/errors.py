"""A live source's errors: one ``LiveSourceError`` (exit 2), located at the manifest entry it
concerns (``orders.source.table``, ``orders.columns.revenue``), with its text in German and English
(``config/i18n/sources.yaml``). ``from_driver`` turns what a database driver raised into one,
without the URL's password and without the driver's traceback.
"""
from __future__ import annotations

from collections.abc import Mapping

from core.errors import DataImportError, Problem

CREDENTIAL_WORDS = ("password", "authentication", "role ", "permission denied", "access denied", "login")
MISSING_WORDS = ("does not exist", "not found", "no such", "catalog error", "undefined")


class LiveSourceError(DataImportError):
    """A live source cannot be read: unreachable, refused credentials, a missing table or column,
    a query over the timeout, or an attempt to write. Nothing was written to the source."""

    def __init__(self, message: str, where: str, *, key: str, values: Mapping[str, object] | None = None,
                 hint: str = "", hint_key: str = "") -> None:
        values = dict(values or {})
        said = message[len(where) + 2:] if message.startswith(f"{where}: ") else message  # the where once
        problem = Problem(where, said, hint, key=key, values=tuple(values.items()), hint_key=hint_key)
        super().__init__(message, [problem], hint, key=key, values=values, hint_key=hint_key)
        self.where = where


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0][:300]


def from_driver(exc: BaseException, where: str, url: str, *, connecting: bool = False,
                timeout_s: float | None = None) -> LiveSourceError:
    """The driver's exception ``exc`` as a located error; ``url`` is shown masked by the caller."""
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None) or ""
    text = _first_line(exc)
    low = text.lower()
    values = {"url": url, "detail": text}
    if state == "57014" or "interrupt" in low or "canceling statement" in low:
        return LiveSourceError(
            f"{where}: the query ran longer than {timeout_s:g} s and was cancelled", where, key="sources.timeout",
            values={**values, "seconds": f"{timeout_s:g}"}, hint_key="sources.timeout_hint",
            hint="set timeout_s: under source: or COCKPIT_LIVE_TIMEOUT_S, or ask for a smaller slice")
    if state == "25006" or "read-only" in low or "read only" in low:
        return LiveSourceError(f"{where}: the source refused a write (read-only): {text}", where,
                               key="sources.read_only", values=values, hint_key="sources.read_only_hint",
                               hint="the cockpit only reads; give a SELECT")
    if connecting and (state.startswith("28") or any(w in low for w in CREDENTIAL_WORDS)):
        return LiveSourceError(f"{where}: {url} refused the credentials: {text}", where, key="sources.credentials",
                               values=values, hint_key="sources.credentials_hint",
                               hint="check the user and password in the environment variable of the url")
    if connecting:
        return LiveSourceError(f"{where}: cannot reach {url}: {text}", where, key="sources.unreachable",
                               values=values, hint_key="sources.unreachable_hint",
                               hint="check host, port and database name, and that the server accepts connections")
    if state in ("42P01", "3F000") or any(w in low for w in MISSING_WORDS):
        return LiveSourceError(f"{where}: not found in {url}: {text}", where, key="sources.no_table",
                               values=values, hint_key="sources.no_table_hint",
                               hint="write the table as schema.table, as the database names it")
    return LiveSourceError(f"{where}: the query failed on {url}: {text}", where, key="sources.query_failed",
                           values=values, hint_key="sources.query_failed_hint",
                           hint="the statement is in the SQL log (COCKPIT_SQL_LOG); check the mapping")
