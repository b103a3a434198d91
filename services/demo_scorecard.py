"""Manual scorecard values for the demo client, so every KPI on the default scorecard has a value.

Training hours per CRM user and period (the default scorecard's only manual KPI): rising from
about 2.5 h to about 6 h over the data's periods, with a small fixed wobble, the same on every
installation. Written like a consultant would type them (``storage.scorecards.set_manual_value``).
"""
from __future__ import annotations

import numpy as np
from sqlalchemy import Engine

from core.query import Granularity, Period
from core.settings import Settings
from services.analytics import current_dataset, source
from services.filter_choices import filter_choices
from services.scorecard_view import DEFAULT_ID, load_card
from storage.scorecards import set_manual_value

START_HOURS, END_HOURS = 2.5, 6.0
WOBBLE = (0.0, 0.3, -0.2, 0.4, -0.1, 0.2, -0.3, 0.1)


def demo_periods(first, last, granularity) -> list[str]:
    """Every period label from the one holding ``first`` to the one holding ``last``."""
    gran = Granularity(granularity)
    labels, p = [], Period.containing(first, gran)
    end = Period.containing(last, gran)
    while p <= end:
        labels.append(p.label)
        p = p.next()
    return labels


def training_hours(n: int) -> list[float]:
    """``n`` values rising from START_HOURS to END_HOURS, each nudged by WOBBLE, rounded to 0.1 h."""
    base = np.linspace(START_HOURS, END_HOURS, max(n, 1))[:n]
    wobble = np.resize(np.array(WOBBLE), n)
    return [round(float(v), 1) for v in base + wobble]


def seed_manual_values(engine: Engine, settings: Settings, client_id: int, scorecard_id: str = DEFAULT_ID) -> int:
    """Write the demo values for each manual KPI of the client's scorecard; returns how many."""
    info = current_dataset(engine, client_id)
    if info is None:
        return 0
    card = load_card(engine, client_id, scorecard_id).card
    choices = filter_choices(source(settings, info))
    if choices.first_day is None or choices.last_day is None:
        return 0
    labels = demo_periods(choices.first_day, choices.last_day, card.granularity)
    written = 0
    for manual in card.manual_kpis:  # one KPI (training hours) x a dozen periods
        for label, value in zip(labels, training_hours(len(labels))):
            set_manual_value(engine, client_id, manual.id, label, value, note="demo", actor="demo")
            written += 1
    return written
