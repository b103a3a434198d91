"""Runtime settings, read once from the environment (12-factor), with embedded defaults.

| variable | default | meaning |
| --- | --- | --- |
| COCKPIT_DATA_DIR | ./var | SQLite file, dataset store (Parquet), exports |
| DATABASE_URL | sqlite:///<data dir>/cockpit.db | SQLAlchemy URL; postgresql+psycopg://... for teams |
| COCKPIT_DEMO | 1 | load the demo client on first start when the database has no client |
| COCKPIT_TEAM_MODE | 0 | require sign-in (forced on when the app listens beyond localhost) |
| COCKPIT_MAX_UPLOAD_MB | 200 | upload size limit |
| COCKPIT_TRUSTED_PROXIES | (empty) | comma-separated proxy addresses/CIDRs whose X-Forwarded-For is believed |
| COCKPIT_ARGON2_CONCURRENCY | 2 | password checks at once (each takes 64 MiB); more wait their turn |
| COCKPIT_MAX_PARTICIPANTS | 60 | names per workshop round that may join with its code |
| COCKPIT_MAX_XLSX_UNPACKED_MB | 300 | an .xlsx whose parts unpack to more is refused before reading (memory ~4-5x this) |
| COCKPIT_LOCALE | de-DE | number, currency and date formats of the German pages: de-DE, de-AT, de-CH (English pages: en) |
| COCKPIT_PUBLIC_URL | (empty) | the address participants' phones reach the app at (`http://192.168.1.20:8501`), for the join link and QR code; empty: the address the facilitator's browser uses |
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from core.errors import ConfigError, Problem

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "config"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    demo: bool
    team_mode: bool
    max_upload_mb: int
    trusted_proxies: tuple[str, ...] = ()  # addresses / CIDRs, normalised ("10.0.0.0/8", "::1/128")
    argon2_concurrency: int = 2
    max_participants: int = 60
    max_xlsx_unpacked_mb: int = 300
    public_url: str = ""  # scheme://host[:port][/path], no trailing slash; "" = the browser's address
    locale: str = "de-DE"  # core.formatting.LOCALES

    @property
    def dataset_dir(self) -> Path:
        return self.data_dir / "datasets"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def _count(name: str, default: int) -> int:
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name}={raw!r} is not a whole number of at least 1.",
                          [Problem(name, f"expected a whole number >= 1, found {raw!r}")], hint=f"e.g. {name}={default}",
                          key="settings.not_a_count", values={"name": name, "value": raw, "default": default},
                          hint_key="settings.example")
    return int(raw)


def _networks(name: str) -> tuple[str, ...]:
    """The comma-separated addresses / CIDRs in ``name``, normalised; every bad entry is listed."""
    out, problems = [], []
    for i, item in enumerate(p.strip() for p in (os.environ.get(name) or "").split(",")):
        if not item:
            continue
        try:
            out.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            problems.append(Problem(f"{name}[{i}]", f"{item!r} is not an IP address or CIDR network"))
    if problems:
        raise ConfigError(f"{name} has {len(problems)} unusable entr{'ies' if len(problems) > 1 else 'y'}.",
                          problems, hint=f"e.g. {name}=127.0.0.1,10.0.0.0/8,::1", key="settings.bad_networks",
                          values={"name": name, "count": len(problems), "default": "127.0.0.1,10.0.0.0/8,::1"},
                          hint_key="settings.example")
    return tuple(out)


def _public_url(name: str) -> str:
    """An http(s) address without a trailing slash, or "" when not set."""
    raw = (os.environ.get(name) or "").strip().rstrip("/")
    if raw and not (raw.startswith(("http://", "https://")) and len(raw.split("://", 1)[1]) > 0):
        raise ConfigError(f"{name}={raw!r} is not an http(s) address.",
                          [Problem(name, f"expected http://host:port or https://host, found {raw!r}")],
                          hint=f"e.g. {name}=http://192.168.1.20:8501", key="settings.not_a_url",
                          values={"name": name, "value": raw, "default": "http://192.168.1.20:8501"},
                          hint_key="settings.example")
    return raw


def load_settings() -> Settings:
    data_dir = Path(os.environ.get("COCKPIT_DATA_DIR") or ROOT / "var").resolve()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'cockpit.db'}"
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return Settings(
        data_dir=data_dir,
        database_url=url,
        demo=_flag("COCKPIT_DEMO", True),
        team_mode=_flag("COCKPIT_TEAM_MODE", False),
        max_upload_mb=int(os.environ.get("COCKPIT_MAX_UPLOAD_MB") or 200),
        trusted_proxies=_networks("COCKPIT_TRUSTED_PROXIES"),
        argon2_concurrency=_count("COCKPIT_ARGON2_CONCURRENCY", 2),
        max_participants=_count("COCKPIT_MAX_PARTICIPANTS", 60),
        max_xlsx_unpacked_mb=_count("COCKPIT_MAX_XLSX_UNPACKED_MB", 300),
        public_url=_public_url("COCKPIT_PUBLIC_URL"),
        locale=locale_setting(),
    )


LOCALES = ("de-DE", "de-AT", "de-CH", "en")


def locale_setting() -> str:
    """``COCKPIT_LOCALE`` (default de-DE), one of ``LOCALES``; ``de_CH`` and ``de-ch`` are accepted."""
    raw = (os.environ.get("COCKPIT_LOCALE") or "").strip()
    if not raw:
        return LOCALES[0]
    found = next((name for name in LOCALES if name.lower() == raw.replace("_", "-").lower()), None)
    if found is None:
        raise ConfigError(f"COCKPIT_LOCALE={raw!r} is not one of {', '.join(LOCALES)}.",
                          [Problem("COCKPIT_LOCALE", f"found {raw!r}")], hint="e.g. COCKPIT_LOCALE=de-CH",
                          key="settings.locale_unknown", hint_key="settings.example",
                          values={"value": raw, "locales": ", ".join(LOCALES), "name": "COCKPIT_LOCALE",
                                  "default": "de-CH"})
    return found
