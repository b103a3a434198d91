"""The `db`, `client` and `user` commands through cli.main, against a fresh database."""
from __future__ import annotations

import io
import shutil
import sys

import pytest

import cli
from storage.db import forget
from storage.users import get_user

pytestmark = pytest.mark.usefixtures("fast_hasher")
PW = "correct horse battery"


@pytest.fixture
def run(db_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("COCKPIT_DEMO", "0")

    def _run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    yield _run
    forget(db_url)


@pytest.fixture
def acme(run):
    assert run("client", "add", "Acme AG")[0] == 0
    assert run("client", "add", "Bolt GmbH", "--slug", "bolt")[0] == 0


def _head() -> int:
    """The newest migration number shipped in storage/migrations/versions."""
    import storage.db as db

    return max(int(p.name[:4]) for p in (db.MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def test_db_upgrade_reports_the_revision(run):
    code, out, _ = run("db", "upgrade")
    assert code == 0 and f"is at revision {_head():04d}" in out


def test_client_add_and_list(run, acme):
    code, out, _ = run("client", "list")
    assert code == 0
    assert [line.split("\t")[1:] for line in out.splitlines()] == [["acme-ag", "Acme AG"], ["bolt", "Bolt GmbH"]]
    code, _, err = run("client", "add", "ACME AG")
    assert code == 2 and "exists already" in err


def test_user_add_list_and_sign_in(run, acme, db_url):
    code, out, _ = run("user", "add", "anna", "--role", "consultant", "--client", "acme-ag", "--client", "bolt",
                       "--password-stdin", stdin=PW + "\n")
    assert code == 0 and "created consultant 'anna'" in out and "2 client(s)" in out
    assert run("user", "add", "max", "--role", "manager", "--client", "bolt", "--oidc-subject", "sub-max")[0] == 0
    code, out, _ = run("user", "list")
    assert out.splitlines() == ["anna\tconsultant\tactive\tpassword\tacme-ag,bolt",
                                "max\tmanager\tactive\toidc\tbolt"]
    from storage.db import connect
    from storage.users import authenticate

    assert authenticate(connect(db_url), "anna", PW).username == "anna"  # the password came from stdin, intact


@pytest.mark.parametrize("argv,stdin,message", [
    (("user", "add", "bob", "--role", "manager", "--password-stdin"), "short\n", "needs at least 12 characters"),
    (("user", "add", "bob", "--role", "manager", "--client", "nope"), "", "No client 'nope'"),
    (("user", "passwd", "nobody", "--password-stdin"), PW + "\n", "No user 'nobody'"),
])
def test_bad_input_exits_2_with_the_reason(run, acme, argv, stdin, message):
    code, _, err = run(*argv, stdin=stdin)
    assert code == 2 and message in err
    assert run("user", "list")[1] == ""  # nothing stored


def test_passwd_assign_deactivate(run, acme, db_url):
    run("user", "add", "anna", "--role", "consultant", "--client", "acme-ag", "--password-stdin", stdin=PW + "\n")
    assert run("user", "passwd", "anna", "--password-stdin", stdin="another long passphrase\n")[0] == 0
    assert run("user", "assign", "anna", "--client", "bolt")[0] == 0
    assert run("user", "deactivate", "anna")[0] == 0
    from storage.db import connect

    user = get_user(connect(db_url), "anna")
    assert user.active is False and len(user.client_ids) == 1
    assert "inactive" in run("user", "list")[1]


def test_role_must_be_one_of_the_account_roles(run):
    with pytest.raises(SystemExit):  # argparse refuses before anything runs
        run("user", "add", "pia", "--role", "participant")


def test_db_revision_autogenerates_into_the_versions_folder(tmp_path, monkeypatch, run):
    import storage.db as db

    copy = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(db, "MIGRATIONS", copy)
    head = _head()
    code, out, _ = run("db", "revision", "-m", "nothing new")
    written = copy / "versions" / f"{head + 1:04d}_nothing_new.py"
    assert code == 0 and str(written) in out
    text = written.read_text(encoding="utf-8")
    assert f"down_revision = '{head:04d}'" in text and f"revision = '{head + 1:04d}'" in text
