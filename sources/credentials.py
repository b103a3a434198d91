"""Where a live source's URL gets its credentials: the environment or ``.streamlit/secrets.toml``.

A manifest holds ``url: "${CRM_DB_URL}"`` (or ``postgresql://reader:${CRM_DB_PASSWORD}@db/crm``);
``resolve_url`` fills the placeholders when the source is opened, from the environment first, then
from ``.streamlit/secrets.toml`` (a top-level key or one under ``[sources]``) in the working folder
or the project's folder. The resolved URL lives only in memory: errors, logs and reports show
``masked`` (password replaced by ``***``).
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path

from core.settings import ROOT
from data.manifest_source import PLACEHOLDER
from sources.errors import LiveSourceError

SECRETS = Path(".streamlit") / "secrets.toml"


def _secrets() -> dict[str, str]:
    out: dict[str, str] = {}
    for folder in (ROOT, Path.cwd()):  # the working folder wins, as Streamlit's own lookup
        path = folder / SECRETS
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        out.update({k: str(v) for k, v in data.items() if isinstance(v, (str, int))})
        out.update({k: str(v) for k, v in (data.get("sources") or {}).items() if isinstance(v, (str, int))})
    return out


def resolve_url(url: str, where: str) -> str:
    """``url`` with every ``${NAME}`` filled; a name set nowhere is a located error."""
    names = PLACEHOLDER.findall(url)
    if not names:
        return url
    secrets = _secrets()
    values = {}
    for name in names:
        value = os.environ.get(name) or secrets.get(name)
        if not value:
            raise LiveSourceError(
                f"{where}: {name} is not set", where, key="sources.no_credentials", values={"name": name},
                hint_key="sources.no_credentials_hint",
                hint=f"export {name}=postgresql://user:password@host/db, or set {name} in .streamlit/secrets.toml")
        values[name] = value
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], url)


def masked(url: str) -> str:
    """The URL as it may be shown: any password replaced by ``***``."""
    head, sep, rest = url.partition("//")
    if not sep:
        return url
    netloc, slash, path = rest.partition("/")
    userinfo, at, host = netloc.rpartition("@")
    if at and ":" in userinfo:
        userinfo = userinfo.split(":", 1)[0] + ":***"
    return f"{head}//{userinfo}{at}{host}{slash}{path}"
