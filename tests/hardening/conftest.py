"""An installation with one client and one stored dataset version, for the malicious-input tests."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    from core.settings import load_settings
    from services.importing import ensure_client, store_frames
    from storage.db import connect

    data_dir = tmp_path_factory.mktemp("hardening")
    old = {k: os.environ.get(k) for k in ("COCKPIT_DATA_DIR", "DATABASE_URL", "COCKPIT_DEMO")}
    os.environ.update(COCKPIT_DATA_DIR=str(data_dir), COCKPIT_DEMO="0")
    os.environ.pop("DATABASE_URL", None)
    try:
        settings = load_settings()
        engine = connect(settings.database_url)
        client = ensure_client(engine, "Kunde A")
        orders = pd.DataFrame({"channel": ["web"], "product": ["Tee"], "quantity": [2.0], "revenue": [10.5]})
        store_frames(engine, settings.dataset_dir, client.id, {"orders": orders}, label="v1", source="test")
    finally:
        for k, v in old.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    return {"data_dir": data_dir, "settings": settings, "engine": engine, "client": client}
