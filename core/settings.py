"""Runtime settings, read once from the environment (12-factor), with embedded defaults.

| variable | default | meaning |
| --- | --- | --- |
| COCKPIT_DATA_DIR | ./var | SQLite file, dataset store (Parquet), exports |
| DATABASE_URL | sqlite:///<data dir>/cockpit.db | SQLAlchemy URL; postgresql+psycopg://... for teams |
| COCKPIT_DEMO | 1 | load the demo client on first start when the database has no client |
| COCKPIT_TEAM_MODE | 0 | require sign-in (forced on when the app listens beyond localhost) |
| COCKPIT_MAX_UPLOAD_MB | 200 | upload size limit |
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "config"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    demo: bool
    team_mode: bool
    max_upload_mb: int

    @property
    def dataset_dir(self) -> Path:
        return self.data_dir / "datasets"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


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
    )
