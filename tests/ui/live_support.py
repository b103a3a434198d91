"""An empty installation in ``folder`` whose client databases are reached through ``CRM_DB_URL``
(the live-source page tests): the app's settings and engine, the demo not seeded."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import load_settings
from services.bootstrap import ensure_ready
from storage.db import connect


def live_installation(folder: Path, url: str, patch: pytest.MonkeyPatch):
    patch.setenv("COCKPIT_DATA_DIR", str(folder / "var"))
    patch.setenv("COCKPIT_DEMO", "0")
    patch.delenv("DATABASE_URL", raising=False)
    patch.setenv("CRM_DB_URL", url)
    settings = load_settings()
    ensure_ready(settings)
    return settings, connect(settings.database_url)
