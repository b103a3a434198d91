"""Command line for the installation: ``db`` (migrations), ``client`` (incl. export/import) and ``user``.

The command line is an admin's tool on the server itself (whoever has a shell there owns the
database anyway), so it checks input, not roles; every change is audited with actor ``cli:<login>``.
Passwords come only from stdin (``--password-stdin``), never from the command line.
"""
from __future__ import annotations

import argparse
import sys

from cli.session import login_actor, operator

ROLES = ("admin", "consultant", "manager")


def add_parser(sub) -> None:
    db = sub.add_parser("db", help="database migrations").add_subparsers(dest="db_command", metavar="ACTION")
    p = db.add_parser("upgrade", help="migrate DATABASE_URL to the newest schema")
    p.set_defaults(func=db_upgrade)
    p = db.add_parser("revision", help="autogenerate a migration from storage/schema.py (developers)")
    p.add_argument("-m", "--message", required=True, help="what the migration changes")
    p.set_defaults(func=db_revision)

    client = sub.add_parser("client", help="clients (the organisations you work for)")
    client = client.add_subparsers(dest="client_command", metavar="ACTION")
    p = client.add_parser("add", help="create a client")
    p.add_argument("name")
    p.add_argument("--slug", help="short name used in URLs and on the command line (default: from the name)")
    p.set_defaults(func=client_add)
    p = client.add_parser("list", help="list the clients")
    p.set_defaults(func=client_list)
    p = client.add_parser("export", help="write one client with all its data to one archive file (zip)")
    p.add_argument("slug", help="the client's short name")
    p.add_argument("--out", required=True, metavar="FILE.zip")
    p.set_defaults(func=client_export)
    p = client.add_parser("import", help="create a client from an archive file (new ids)")
    p.add_argument("archive", metavar="FILE.zip")
    p.add_argument("--as", dest="new_name", metavar="NEW-NAME",
                   help="import under another name (needed when the short name exists here)")
    p.set_defaults(func=client_import)

    user = sub.add_parser("user", help="team-mode accounts")
    user = user.add_subparsers(dest="user_command", metavar="ACTION")
    p = user.add_parser("add", help="create an account")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--client", action="append", default=[], metavar="SLUG", help="assign a client (repeatable)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.add_argument("--oidc-subject", help="the identity provider's subject (sub claim) for st.login sign-in")
    p.add_argument("--email")
    p.add_argument("--display-name", default="")
    p.set_defaults(func=user_add)
    p = user.add_parser("list", help="list the accounts")
    p.set_defaults(func=user_list)
    p = user.add_parser("passwd", help="set a new password (also lifts a lock)")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", required=True)
    p.set_defaults(func=user_passwd)
    p = user.add_parser("assign", help="replace the clients of an account")
    p.add_argument("username")
    p.add_argument("--client", action="append", default=[], metavar="SLUG")
    p.set_defaults(func=user_assign)
    p = user.add_parser("deactivate", help="stop an account from signing in")
    p.add_argument("username")
    p.set_defaults(func=user_deactivate)


def _engine():
    from core.settings import load_settings
    from storage.db import connect

    return connect(load_settings().database_url)


def _read_password() -> str:
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def _client_ids(engine, slugs: list[str]) -> list[int]:
    from core.errors import InputError
    from storage.clients import get_client

    ids = []
    for slug in slugs:
        client = get_client(engine, slug) or (get_client(engine, int(slug)) if slug.isdigit() else None)
        if client is None:
            raise InputError(f"No client {slug!r}.", hint="python cli.py client list shows the short names")
        ids.append(client.id)
    return ids


def db_upgrade(args: argparse.Namespace) -> int:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from core.settings import load_settings
    from storage.db import connect, reading

    url = load_settings().database_url
    engine = connect(url)  # migrates to head
    with reading(engine) as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    print(f"{make_url(url).render_as_string(hide_password=True)} is at revision {revision}")
    return 0


def db_revision(args: argparse.Namespace) -> int:
    from alembic import command

    from storage import db

    engine = _engine()  # at head first, so the new revision holds only the new changes
    versions = db.MIGRATIONS / "versions"
    rev_id = f"{len(list(versions.glob('[0-9][0-9][0-9][0-9]_*.py'))) + 1:04d}"
    cfg = db.alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        script = command.revision(cfg, message=args.message, autogenerate=True, rev_id=rev_id)
    print(f"wrote {script.path}" if script is not None else "no revision written")
    return 0


def client_add(args: argparse.Namespace) -> int:
    from usecases.admin import create_client

    client = create_client(operator(), args.name, slug=args.slug)
    print(f"created client {client.slug!r} (id {client.id}): {client.name}")
    return 0


def client_list(args: argparse.Namespace) -> int:
    from storage.clients import list_clients

    for c in list_clients(_engine()):
        print(f"{c.id}\t{c.slug}\t{c.name}")
    return 0


def client_export(args: argparse.Namespace) -> int:
    from core.settings import load_settings
    from services.archive import export_client

    summary = export_client(_engine(), load_settings().dataset_dir, args.slug, args.out, actor=login_actor())
    counts = ", ".join(f"{k} {v}" for k, v in summary.counts.items() if v)
    print(f"wrote {summary.path} ({summary.client.slug}: {counts or 'no rows'}; "
          f"{len(summary.datasets)} dataset version(s))")
    return 0


def client_import(args: argparse.Namespace) -> int:
    from core.settings import load_settings
    from services.archive import import_client

    client = import_client(_engine(), load_settings().dataset_dir, args.archive, new_name=args.new_name,
                           actor=login_actor())
    print(f"imported client {client.slug!r} (id {client.id}): {client.name}")
    return 0


def user_add(args: argparse.Namespace) -> int:
    from storage.users import create_user

    engine = _engine()
    ids = _client_ids(engine, args.client)
    password = _read_password() if args.password_stdin else None
    user = create_user(engine, args.username, args.role, password=password, oidc_subject=args.oidc_subject,
                       display_name=args.display_name, clients=ids, actor=login_actor(), email=args.email)
    print(f"created {user.role.value} {user.username!r} (id {user.id}) with {len(ids)} client(s)")
    if password is None and not args.oidc_subject:
        print("note: no password and no --oidc-subject; the account can sign in only through the identity "
              "provider with link_by_email, or after `user passwd`", file=sys.stderr)
    return 0


def user_list(args: argparse.Namespace) -> int:
    from datetime import datetime, timezone

    from storage.clients import list_clients
    from storage.users import list_users

    engine = _engine()
    slugs = {c.id: c.slug for c in list_clients(engine)}
    now = datetime.now(timezone.utc)
    for u in list_users(engine):
        sign_in = "+".join(k for k, on in (("password", u.has_password), ("oidc", u.oidc_subject)) if on) or "-"
        state = "active" if u.active else "inactive"
        if u.locked_until is not None and u.locked_until > now:
            state += f", locked until {u.locked_until:%Y-%m-%d %H:%M} UTC"
        clients = ",".join(sorted(slugs.get(c, str(c)) for c in u.client_ids)) or "-"
        print(f"{u.username}\t{u.role.value}\t{state}\t{sign_in}\t{clients}")
    return 0


def user_passwd(args: argparse.Namespace) -> int:
    from storage.users import set_password

    set_password(_engine(), args.username, _read_password(), actor=login_actor())
    print(f"password of {args.username!r} set")
    return 0


def user_assign(args: argparse.Namespace) -> int:
    from storage.users import assign_clients

    engine = _engine()
    user = assign_clients(engine, args.username, _client_ids(engine, args.client), actor=login_actor())
    print(f"{user.username!r} now has {len(user.client_ids)} client(s)")
    return 0


def user_deactivate(args: argparse.Namespace) -> int:
    from storage.users import deactivate

    deactivate(_engine(), args.username, actor=login_actor())
    print(f"{args.username!r} deactivated")
    return 0
