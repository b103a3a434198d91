"""One client as one archive file: backup, and moving a client to another installation.

Layout of the zip::

    manifest.json                 format, schema revision, client, row counts, sha256 of every file
    tables/<table>.json           the client's rows per table (ids as in the source installation)
    datasets/v<n>/...parquet      the dataset store folder of every dataset version

``import_client`` gives every row a new id (rounds, participants, votes, ... and the client),
rewrites the references, and stores everything in ONE transaction; the dataset folders are copied
into place before the commit and removed again when anything fails. A client slug that exists in
the target installation is refused unless the import is renamed (``new_name``). Join codes and
participant tokens are kept unless they are taken in the target (then a fresh token / no code).
Audit entries keep their text (``entity_key`` may name ids of the source installation).
"""
from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import Connection, Date, DateTime, Engine, Table, select, text

from core.errors import InputError, Problem
from storage import audit
from storage.clients import Client, get_client, slugify
from storage.db import reading, transaction
from storage.schema import (alert_acknowledgements, assessment_rounds, audit_log, clients, datasets, manual_values,
                            mapping_profiles, participants, ratings, scorecard_settings, snapshots, targets, votes)

FORMAT = "crm-cockpit-client-archive"
FORMAT_VERSION = 1
#: export/import order: a table comes after the tables it refers to
TABLES: tuple[Table, ...] = (assessment_rounds, participants, votes, ratings, targets, datasets, mapping_profiles,
                             scorecard_settings, manual_values, snapshots, alert_acknowledgements, audit_log)
#: tables added after the format's first archives were written: an archive without them has none of their rows
LATER = frozenset({"alert_acknowledgements"})
MEMBER = re.compile(r"^(manifest\.json|tables/[a-z_]+\.json|datasets/v[0-9]{1,6}/((rejected|aggregates)/)?[a-z0-9_]{1,100}\.parquet)$")
MAX_MEMBERS = 5000
MAX_TOTAL_BYTES = 8 * 1024 ** 3
MAX_RATIO = 200  # uncompressed / compressed per member: more is a zip bomb, not a dataset


@dataclass(frozen=True)
class ArchiveSummary:
    client: Client
    path: Path
    counts: dict[str, int]
    datasets: tuple[int, ...]


# -- export ------------------------------------------------------------------------------------
def export_client(engine: Engine, store_root: str | Path, slug: str, out: str | Path, actor: str = "") -> ArchiveSummary:
    """Write the client ``slug`` with everything that hangs off it to the zip ``out``."""
    client = get_client(engine, slug)
    if client is None:
        raise InputError(f"No client {slug!r}.", hint="python cli.py client list shows the short names",
                         key="client.unknown", values={"client": slug}, hint_key="client.list_hint")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with reading(engine) as conn:
        if conn.dialect.name == "postgresql":  # one consistent view of every table
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        head = dict(conn.execute(select(clients).where(clients.c.id == client.id)).mappings().one())
        rows = {t.name: [_plain(dict(r)) for r in conn.execute(select(t).where(t.c.client_id == client.id)
                                                                .order_by(t.c.id)).mappings()] for t in TABLES}
    files: dict[str, str] = {}
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in rows.items():
                files[f"tables/{name}.json"] = _write(zf, f"tables/{name}.json", json.dumps(data).encode())
            for row in rows["datasets"]:
                folder = Path(store_root) / row["storage_key"]
                for path in sorted(p for p in folder.rglob("*.parquet") if p.is_file()):
                    member = f"datasets/v{row['version']}/{path.relative_to(folder).as_posix()}"
                    files[member] = _write(zf, member, path.read_bytes(), zipfile.ZIP_STORED)
            manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": revision,
                        "exported_at": datetime.now(timezone.utc).isoformat(),
                        "client": _plain(head), "counts": {k: len(v) for k, v in rows.items()}, "files": files}
            zf.writestr("manifest.json", json.dumps(manifest, indent=2))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    with transaction(engine) as conn:
        audit.record(conn, client_id=client.id, actor=actor, action="client.export", entity="client",
                     entity_key=client.slug, after={"file": out.name, "counts": manifest["counts"]})
    return ArchiveSummary(client, out, manifest["counts"], tuple(r["version"] for r in rows["datasets"]))


def _write(zf: zipfile.ZipFile, member: str, data: bytes, compression: int = zipfile.ZIP_DEFLATED) -> str:
    zf.writestr(member, data, compress_type=compression)
    return hashlib.sha256(data).hexdigest()


def _plain(row: dict) -> dict:
    """JSON-able values: datetimes as ISO text in UTC (SQLite hands back naive UTC)."""
    out = {}
    for key, value in row.items():
        if isinstance(value, datetime):
            value = (value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value).isoformat()
        elif isinstance(value, date):
            value = value.isoformat()
        out[key] = value
    return out


# -- import ------------------------------------------------------------------------------------
def read_archive(path: str | Path) -> tuple[dict, dict[str, list[dict]]]:
    """Check the zip (names, sizes, checksums, format) and return (manifest, rows per table)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"No archive file {str(path)!r}.", key="archive.no_file", values={"file": path.name})
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{path.name} is not a client archive (zip): {exc}", key="archive.not_zip",
                         values={"file": path.name}) from None
    with zf:
        infos = zf.infolist()
        problems = [Problem(f"{path.name}: {i.filename}", "unexpected entry", key="archive.unexpected_entry") for i in infos if not MEMBER.match(i.filename)]
        if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
            problems.append(Problem(path.name, f"more than {MAX_MEMBERS} entries or {MAX_TOTAL_BYTES} bytes", key="archive.too_big",
                                    values=(("entries", MAX_MEMBERS), ("bytes", MAX_TOTAL_BYTES))))
        problems += [Problem(f"{path.name}: {i.filename}", "compression ratio too high", key="archive.ratio") for i in infos
                     if i.file_size > 1_000_000 and i.file_size > MAX_RATIO * max(i.compress_size, 1)]
        if problems:
            raise InputError("The archive is not a client archive of this cockpit.", problems, key="archive.foreign")
        try:
            manifest = json.loads(zf.read("manifest.json"))
        except (KeyError, ValueError) as exc:
            raise InputError(f"{path.name}: manifest.json is missing or broken ({exc}).", key="archive.manifest",
                             values={"file": path.name}) from None
        if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
            raise InputError(f"{path.name}: not a {FORMAT} version {FORMAT_VERSION}.", key="archive.format",
                             values={"file": path.name, "version": FORMAT_VERSION})
        names = set(zf.namelist())
        for member, digest in manifest.get("files", {}).items():
            if member not in names:
                problems.append(Problem(f"{path.name}: {member}", "missing", key="archive.member_missing"))
            elif not MEMBER.match(member) or hashlib.sha256(zf.read(member)).hexdigest() != digest:
                problems.append(Problem(f"{path.name}: {member}", "checksum does not match (damaged file)",
                                        key="archive.checksum"))
        problems += [Problem(path.name, f"{n} is not in the manifest", key="archive.not_listed", values=(("member", n),)) for n in names - set(manifest["files"]) - {"manifest.json"}]
        if problems:
            raise InputError("The archive is damaged.", problems, hint="export the client again", key="archive.damaged",
                             hint_key="archive.damaged_hint")
        absent = [t.name for t in TABLES if f"tables/{t.name}.json" not in names and t.name not in LATER]
        if absent:
            raise InputError("The archive is damaged.", [Problem(f"{path.name}: tables/{n}.json", "missing",
                                                                 key="archive.member_missing") for n in absent],
                             hint="export the client again", key="archive.damaged", hint_key="archive.damaged_hint")
        rows = {t.name: json.loads(zf.read(f"tables/{t.name}.json")) if f"tables/{t.name}.json" in names else []
                for t in TABLES}
    return manifest, rows


def import_client(engine: Engine, store_root: str | Path, archive: str | Path, new_name: str | None = None,
                  actor: str = "") -> Client:
    """Create the archived client in this installation with new ids; returns the new client."""
    manifest, rows = read_archive(archive)
    head = manifest["client"]
    name = (new_name or head["name"]).strip()
    slug = slugify(new_name) if new_name else head["slug"]
    with reading(engine) as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if revision != manifest.get("schema_revision"):
        raise InputError(f"The archive has schema revision {manifest.get('schema_revision')!r}, this installation "
                         f"{revision!r}.", hint="upgrade both installations to the same version (cli.py db upgrade)",
                         key="archive.revision", values={"archive": manifest.get("schema_revision"), "here": revision},
                         hint_key="archive.revision_hint")
    if get_client(engine, slug) is not None:
        raise InputError(f"A client with the short name {slug!r} exists already.",
                         hint="import it under another name: client import FILE --as 'New name'",
                         key="archive.client_exists", values={"client": slug}, hint_key="archive.client_exists_hint")
    copied: list[Path] = []
    try:
        with transaction(engine) as conn:
            client_id = conn.execute(clients.insert().values(
                slug=slug, name=name, archived=bool(head.get("archived")), created_at=_value(clients.c.created_at,
                                                                                           head["created_at"]))
                                     .returning(clients.c.id)).scalar_one()
            ids: dict[str, dict[int, int]] = {}
            for table in TABLES:
                ids[table.name] = _insert_rows(conn, table, rows[table.name], client_id, ids)
            for row in rows["datasets"]:
                copied.append(_copy_dataset(archive, Path(store_root), client_id, int(row["version"])))
            audit.record(conn, client_id=client_id, actor=actor, action="client.import", entity="client",
                         entity_key=slug, after={"from": head["slug"], "counts": manifest["counts"]})
    except BaseException:
        for folder in copied:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return Client(client_id, slug, name)


def _insert_rows(conn: Connection, table: Table, rows: list[dict], client_id: int, ids: dict) -> dict[int, int]:
    """Insert ``rows`` with the new client id and remapped references; old id -> new id."""
    rounds, people = ids.get("assessment_rounds", {}), ids.get("participants", {})
    mapping: dict[int, int] = {}
    for row in rows:
        values = {c.name: _value(c, row.get(c.name)) for c in table.columns if c.name != "id" and c.name in row}
        values["client_id"] = client_id
        if "round_id" in values and values["round_id"] is not None:
            values["round_id"] = rounds.get(values["round_id"]) if table is snapshots else rounds[values["round_id"]]
        if table is votes:
            values["participant_id"] = people[values["participant_id"]]
        if table is datasets:
            values["storage_key"] = f"{client_id}/v{values['version']}"
        if table is assessment_rounds and values.get("join_code") and conn.execute(
                select(table.c.id).where(table.c.join_code == values["join_code"])).first():
            values["join_code"] = None  # taken here: the facilitator opens a new code
        if table is participants and conn.execute(select(table.c.id).where(table.c.token == values["token"])).first():
            values["token"] = secrets.token_urlsafe(24)
        mapping[row["id"]] = conn.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()
    return mapping


def _value(column, value):
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def _copy_dataset(archive: str | Path, store_root: Path, client_id: int, version: int) -> Path:
    """Extract ``datasets/v<version>/`` to the store (temp folder, then rename); the final folder."""
    client_dir = store_root / str(client_id)
    client_dir.mkdir(parents=True, exist_ok=True)
    final, tmp = client_dir / f"v{version}", client_dir / f".tmp-{uuid.uuid4().hex}"
    if final.exists():  # left over by a crash: no row can point at a client id created just now
        shutil.rmtree(final)
    prefix = f"datasets/v{version}/"
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in (n for n in zf.namelist() if n.startswith(prefix)):
                target = tmp / member[len(prefix):]
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
        tmp.mkdir(exist_ok=True)
        tmp.rename(final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final
