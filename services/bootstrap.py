"""First start: migrate the database and, on an empty installation, load the demo client so the
cockpit opens filled. Safe when several app processes start at once (the client's unique slug
decides who seeds; the others see it and skip)."""
from __future__ import annotations

import logging

from sqlalchemy import Engine

from core.errors import InputError
from core.settings import Settings
from services.demo_assessment import seed_demo_rounds
from services.demo_scorecard import seed_manual_values
from services.importing import load_demo_client
from storage.clients import list_clients
from storage.dataset_files import remove_stale_temp
from storage.db import connect

log = logging.getLogger(__name__)
DEMO_NAME = "Demo GmbH"


def ensure_ready(settings: Settings) -> Engine:
    engine = connect(settings.database_url)
    remove_stale_temp(settings.dataset_dir)  # folders a killed import left behind (issue 16.10)
    if settings.demo and not list_clients(engine):
        seed_demo(engine, settings)
    return engine


def seed_demo(engine: Engine, settings: Settings, customers: int = 4000, seed: int = 7) -> None:
    try:
        client, _info = load_demo_client(engine, settings.dataset_dir, name=DEMO_NAME, customers=customers, seed=seed)
    except InputError:  # another process created it a moment ago
        log.info("demo client exists already")
        return
    seed_manual_values(engine, settings, client.id)  # training hours: every default-scorecard KPI has a value
    seed_demo_rounds(engine, client.id, seed=seed)
