"""Issue 12, must-show 4: wrong credentials, an unreachable server, a missing table, a column that
does not exist, a query over the timeout and an attempt to write each give a located, clear error
(German and English), exit 2 from the command line, and leave the source's tables unchanged."""
from __future__ import annotations

import os
import time

import pytest
import yaml

from data.manifest import load_manifest
from sources.errors import LiveSourceError
from sources.live import LiveSource
from sources.live_check import check_source
from tests.sources import crm_export
from tests.sources.test_live import cli

pytestmark = pytest.mark.postgres


def manifest(tmp_path, schema: str, change=None):
    path = crm_export.live_manifest(tmp_path / "live.yaml", schema)
    if change:
        body = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(body)
        path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return path


def _table(name: str, table: str):
    return lambda body: body[name]["source"].update(table=table)


def _column(name: str, field: str, column: str):
    return lambda body: body[name]["columns"].update({field: column})


def _query(name: str, sql: str, timeout_s: float | None = None):
    def change(body):
        body[name]["source"] = {"url": body[name]["source"]["url"], "query": sql.format(**body["_"])}
        if timeout_s:
            for entry in body.values():
                if "source" in entry:
                    entry["source"]["timeout_s"] = timeout_s
        del body["_"]
    return change


def _with_schema(change, schema):
    def wrapped(body):
        body["_"] = {"s": schema}
        change(body)
    return wrapped


CASES = {
    "wrong credentials": (None, "postgresql://nobody_{suffix}@{host}", "campaign_contacts.source.url",
                          "refused the credentials", "hat die Zugangsdaten abgelehnt"),
    "unreachable": (None, "postgresql://postgres@127.0.0.1:1/test", "campaign_contacts.source.url",
                    "cannot reach", "ist nicht erreichbar"),
    "missing table": (lambda s: _table("orders", f"{s}.auftraege_2019"), None, "orders.source.table",
                      "not found in", "Nicht gefunden in"),
    "missing column": (lambda s: _column("orders", "revenue", "umsatz_brutto"), None, "orders.columns.revenue",
                       "column 'umsatz_brutto' does not exist in the source", "gibt es in der Quelle nicht"),
    "timeout": (lambda s: _with_schema(_query("customers", 'SELECT * FROM "{s}".kunden WHERE pg_sleep(0.05) IS NOT '
                                       "NULL", timeout_s=0.5), s), None, "customers.source",
                "ran longer than 0.5 s and was cancelled", "wurde abgebrochen"),
    "write attempt": (lambda s: _with_schema(_query("customers", 'WITH d AS (DELETE FROM "{s}".kunden RETURNING *) '
                                             "SELECT * FROM d"), s), "admin", "customers.source.query",
                      "refused a write (read-only): DELETE", "Schreibversuch abgelehnt"),
    # the superuser, a write hidden in a function: the read-only session itself refuses it
    "write in a function": (lambda s: _with_schema(_query("customers", "SELECT k.*, nextval('\"{s}\".belegnummer') "
                                                   'AS n FROM "{s}".kunden k'), s), "admin", "customers.source",
                            "refused a write (read-only): cannot execute nextval()", "Schreibversuch abgelehnt"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_a_located_error_and_nothing_is_written(tmp_path, client_db, case):
    change, url, where, english, german = CASES[case]
    host = client_db.url.split("@", 1)[1]
    url = {None: client_db.url, "admin": client_db.admin_url}.get(url, url or "").format(
        suffix=client_db.role[-10:], host=host)
    path = manifest(tmp_path, client_db.schema, change(client_db.schema) if change else None)
    before = client_db.fingerprint()
    started = time.perf_counter()
    out = cli(path, {"CRM_DB_URL": url})
    assert out.returncode == 2, out.stderr
    assert f"live.yaml: {where}" in out.stderr and english in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
    if case == "timeout":
        assert time.perf_counter() - started < 20  # cancelled, not waited out (300 rows x 0.05 s each probe)
    with pytest.raises(LiveSourceError) as err, _opened(path, url) as source:
        check_source(source)
    assert german in err.value.text("de") and err.value.hint_text("de") and err.value.hint_text("en")
    assert err.value.problems[0].where.startswith(f"live.yaml: {where}")
    assert client_db.fingerprint() == before


class _opened:
    """A LiveSource with ``CRM_DB_URL`` set for as long as it is open."""

    def __init__(self, path, url):
        self.path, self.url = path, url

    def __enter__(self):
        self.saved = os.environ.get("CRM_DB_URL")
        os.environ["CRM_DB_URL"] = self.url
        self.source = LiveSource(load_manifest(self.path))
        return self.source

    def __exit__(self, *exc):
        self.source.close()
        if self.saved is None:
            os.environ.pop("CRM_DB_URL", None)
        else:
            os.environ["CRM_DB_URL"] = self.saved
