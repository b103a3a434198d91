"""Demo assessment rounds for the demo client: so the assessment pages open filled.

Two rounds of the default model ``crm_default`` with four named participants:
"Workshop 2024" (closed, consensus set for every question) and "Workshop 2025" (open, votes only,
the presentation view at the first question). Votes are drawn around a per-domain level with a
fixed seed, so the demo is the same on every installation; a few questions get a spread of two or
more (discussion flag) and two answers are "not applicable".
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from services import round_state, workshop
from storage import assessments as repo

MODEL_ID = "crm_default"
PARTICIPANTS = ("Anna Becker", "Jonas Wolf", "Miriam Keller", "Tobias Braun")
# the level each domain is at in 2024; 2025 moves some of them up
LEVEL_2024 = {"strategy": 3, "marketing": 2, "sales": 3, "service": 2, "analytics": 2, "data_quality": 2,
              "multichannel": 1, "organisation": 2, "technology": 3}
LEVEL_2025 = {**LEVEL_2024, "marketing": 3, "service": 3, "data_quality": 3, "multichannel": 2}
TARGETS = {"strategy": 4, "marketing": 3, "sales": 4, "service": 4, "analytics": 3, "data_quality": 4,
           "multichannel": 3, "organisation": 3, "technology": 4}
DISPUTED = (1, 6, 13, 22)   # question positions (0-based) where the room disagrees (spread >= 2)
NOT_APPLICABLE = ((9, 2), (30, 1))  # (question position, participant position) answering N/A


def demo_votes(model, levels: dict[str, int], rng: np.random.Generator) -> pd.DataFrame:
    """question_id, participant, value, not_applicable: one vote per question and participant."""
    ids = list(model.question_ids)
    base = np.array([levels.get(model.domain_of(q).id, 2) for q in ids], dtype=float)
    direction = rng.choice([-1.0, 1.0], size=(len(ids), 1))  # a room leans one way per question
    grid = base[:, None] + direction * (rng.random((len(ids), len(PARTICIPANTS))) < 0.3)
    disputed = [p for p in DISPUTED if p < len(ids)]
    grid[disputed, 0] = base[disputed] - 1
    grid[disputed, -1] = base[disputed] + 1
    grid = np.clip(grid, 1, 5)
    frame = pd.DataFrame(grid, index=pd.Index(ids, name="question_id"), columns=list(PARTICIPANTS))
    out = frame.stack().rename("value").rename_axis(["question_id", "participant"]).reset_index()
    out["not_applicable"] = False
    for q_pos, p_pos in NOT_APPLICABLE:
        if q_pos < len(ids) and model.question(ids[q_pos]).not_applicable_allowed:
            hit = (out["question_id"] == ids[q_pos]) & (out["participant"] == PARTICIPANTS[p_pos])
            out.loc[hit, ["value", "not_applicable"]] = [np.nan, True]
    return out


def _seed_round(engine: Engine, client_id: int, model, name: str, held_on: date, levels: dict[str, int],
                rng: np.random.Generator) -> repo.Round:
    rnd = workshop.start_round(engine, client_id, model.id, name, PARTICIPANTS, actor="demo", held_on=held_on)
    people = {p.name: p.id for p in repo.list_participants(engine, client_id, rnd.id)}
    votes = demo_votes(model, levels, rng)
    for row in votes.itertuples(index=False):  # writes, one per vote, as a live workshop would store them
        repo.cast_vote(engine, client_id, rnd.id, row.question_id, people[row.participant],
                       None if row.not_applicable else float(row.value), not_applicable=row.not_applicable)
    carried = repo.targets(engine, client_id, rnd.id)  # the previous round's, set again as the demo's own
    for domain, goal in TARGETS.items():
        seen = carried.get(domain)
        workshop.set_target(engine, client_id, rnd.id, model, domain, goal, actor="demo",
                            expected_version=seen.version if seen else None)
    return rnd


def seed_demo_rounds(engine: Engine, client_id: int, seed: int = 7) -> None:
    """Create the two demo rounds for ``client_id`` (call once, on a fresh demo client)."""
    model = workshop.model_by_id(MODEL_ID)
    rng = np.random.default_rng(seed)
    first = _seed_round(engine, client_id, model, "Workshop 2024", date(2024, 3, 14), LEVEL_2024, rng)
    state = round_state.round_state(engine, client_id, first.id, model)
    medians = np.floor(state.questions["median"].dropna() + 0.5)  # the room settles on the rounded median
    for question_id, value in medians.items():
        repo.set_rating(engine, client_id, first.id, question_id, float(value),
                        rationale="Konsens im Workshop / consensus in the workshop", actor="demo")
    repo.set_status(engine, client_id, first.id, "closed", actor="demo")
    _seed_round(engine, client_id, model, "Workshop 2025", date(2025, 3, 20), LEVEL_2025, rng)
