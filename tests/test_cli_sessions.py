"""The commands run the use cases: ``import`` carries the entities an export does not bring
forward (``--replace`` does not), ``scorecard --client`` shows the card the pages show, and with
``COCKPIT_USER`` a command acts as that account, refused (exit code 4) where its role may not."""
from __future__ import annotations

import json
import shutil

import pytest

import cli
from core.settings import load_settings
from storage.clients import get_client
from storage.db import connect
from usecases.scorecard import view_scorecard
from usecases.session import local_session

PERIOD = "2025-Q3"


@pytest.fixture
def installation(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("COCKPIT_USER", raising=False)
    assert cli.main(["demo-data", "--out", str(tmp_path / "demo"), "--customers", "300", "--seed", "7"]) == 0
    assert cli.main(["import", "--client", "Acme AG", "--data", str(tmp_path / "demo")]) == 0
    (tmp_path / "orders").mkdir()
    shutil.copy(tmp_path / "demo" / "orders.csv", tmp_path / "orders" / "orders.csv")
    capsys.readouterr()
    return tmp_path


def _json(capsys, argv) -> object:
    capsys.readouterr()
    assert cli.main(argv) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_an_orders_only_import_keeps_the_other_entities_and_the_card_the_page_shows(installation, capsys):
    before = _json(capsys, ["scorecard", "--client", "Acme AG", "--period", PERIOD, "--format", "json"])
    assert cli.main(["import", "--client", "Acme AG", "--data", str(installation / "orders")]) == 0
    versions = _json(capsys, ["datasets", "--client", "Acme AG", "--format", "json"])
    assert [v["version"] for v in versions] == [2, 1]
    assert set(versions[0]["rows"]) == set(versions[1]["rows"]) and len(versions[0]["rows"]) > 1
    after = _json(capsys, ["scorecard", "--client", "Acme AG", "--period", PERIOD, "--format", "json"])
    actual = {k["kpi"]: k["actual"] for k in after["kpis"]}
    assert None not in (actual["churn_rate"], actual["first_contact_resolution_rate"], actual["nps"])
    assert after == before  # the same orders again: the same card
    settings = load_settings()
    engine = connect(settings.database_url)
    page = view_scorecard(local_session(engine, settings, get_client(engine, "acme-ag")), PERIOD)
    assert after == json.loads(json.dumps(page.result.to_dict(), ensure_ascii=False))


def test_replace_takes_the_table_s_place_append_keeps_history_restore_brings_back(installation, capsys):
    """Issue 14.1 on the command line: 3 orders with --replace -> 3 orders (the others carried);
    the same 3 with --append onto the full version -> all orders kept, the 3 replaced by key."""
    orders = installation / "orders" / "orders.csv"
    lines = orders.read_text(encoding="utf-8").splitlines()
    full = len(lines) - 1
    few = installation / "few"
    few.mkdir()
    (few / "orders.csv").write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    assert cli.main(["import", "--client", "Acme AG", "--data", str(few), "--replace", "--preview"]) == 0
    out = capsys.readouterr().out
    assert f"orders: {full:,} -> 3 ({3 - full:+,})" in out and "customers: " in out
    assert len(_json(capsys, ["datasets", "--client", "Acme AG", "--format", "json"])) == 1  # nothing stored
    assert cli.main(["import", "--client", "Acme AG", "--data", str(few), "--replace"]) == 0
    versions = _json(capsys, ["datasets", "--client", "Acme AG", "--format", "json"])
    assert versions[0]["rows"]["orders"] == 3 and versions[0]["rows"]["customers"] == versions[1]["rows"]["customers"]
    assert cli.main(["datasets", "restore", "1", "--client", "Acme AG"]) == 0
    assert "version 1 restored as version 3" in capsys.readouterr().out
    assert cli.main(["import", "--client", "Acme AG", "--data", str(few), "--append"]) == 0
    assert "orders (append, 3 duplicates)" in capsys.readouterr().out
    versions = _json(capsys, ["datasets", "--client", "Acme AG", "--format", "json"])
    assert [v["rows"]["orders"] for v in versions] == [full, full, 3, full]
    assert cli.main(["datasets", "restore", "9", "--client", "Acme AG"]) == 2
    assert "no dataset version 9" in capsys.readouterr().err


def test_scorecard_client_and_file_options_do_not_mix(installation, capsys):
    assert cli.main(["scorecard", "--client", "Acme AG", "--period", PERIOD, "--maturity-index", "3"]) == 2
    assert "--maturity-index goes with --data" in capsys.readouterr().err
    assert cli.main(["scorecard", "--client", "Nobody", "--period", PERIOD]) == 2
    assert "There is no client 'Nobody'" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["client", "add", "Beta GmbH"],
    ["import", "--client", "Acme AG", "--data", "{orders}"],
    ["questionnaire", "export", "--client", "Acme AG", "--round", "1", "--out", "{tmp}/q.xlsx"],
], ids=["client.create", "import.run", "assessment.run"])
def test_a_manager_is_refused_what_the_role_may_not(installation, capsys, monkeypatch, argv):
    assert cli.main(["user", "add", "maria", "--role", "manager", "--client", "acme-ag"]) == 0
    monkeypatch.setenv("COCKPIT_USER", "maria")
    argv = [a.format(orders=installation / "orders", tmp=installation) for a in argv]
    capsys.readouterr()
    assert cli.main(argv) == 4
    assert capsys.readouterr().err.startswith("error: ")
    monkeypatch.delenv("COCKPIT_USER")
    versions = _json(capsys, ["datasets", "--client", "Acme AG", "--format", "json"])
    assert len(versions) == 1 and get_client(connect(load_settings().database_url), "beta-gmbh") is None


def test_a_manager_may_view_the_scorecard_of_their_client(installation, capsys, monkeypatch):
    assert cli.main(["user", "add", "maria", "--role", "manager", "--client", "acme-ag"]) == 0
    monkeypatch.setenv("COCKPIT_USER", "maria")
    capsys.readouterr()
    card = _json(capsys, ["scorecard", "--client", "Acme AG", "--period", PERIOD, "--format", "json"])
    assert card["period"] == PERIOD
