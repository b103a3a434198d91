"""AppTest fixtures: the real app on a seeded demo installation (SQLite in a temp folder).

The demo installation is seeded once per test process and shared read-mostly; a test that must
start empty uses ``empty_env``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory):
    import os

    from core.settings import load_settings
    from services.bootstrap import ensure_ready

    data_dir = tmp_path_factory.mktemp("demo")
    old = {k: os.environ.get(k) for k in ("COCKPIT_DATA_DIR", "DATABASE_URL")}
    os.environ["COCKPIT_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    try:
        ensure_ready(load_settings())
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return data_dir


@pytest.fixture
def demo_env(demo_dir, monkeypatch):
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(demo_dir))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return demo_dir


@pytest.fixture
def empty_env(tmp_path, monkeypatch):
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COCKPIT_DEMO", "0")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path
