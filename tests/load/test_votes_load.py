"""Load: 100 participants cast 20 votes each at the same time (issue 7 must-show 2).

A bounded thread pool plays the participants' devices against SQLite and (TEST_DATABASE_URL)
PostgreSQL. Every vote must be stored exactly once and the facilitator's view
(``storage.assessments.votes_frame``) must count all 2000. The p50/p95 write latency per backend
is printed, and recorded in ``benchmarks/results/vote_load.json`` when RECORD_BENCHMARKS=1 (so an
ordinary test run never changes a tracked file).
"""
from __future__ import annotations

import json
import os
import platform
import time
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from storage.assessments import add_participant, cast_vote, create_round, votes_frame
from storage.schema import votes

PARTICIPANTS, QUESTIONS, WORKERS = 100, 20, 24
TIME_LIMIT = 60.0  # seconds per backend, the whole storm
RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "vote_load.json"


def _model():
    from services.workshop import model_by_id, models

    return model_by_id(sorted(models())[0])


def _storm(engine, client_id: int, round_id: int, people: list, question_ids: list[str]) -> list[float]:
    """Each participant votes on every question (twice on the first: a changed mind is an update,
    not a second row); returns the latency of every write in milliseconds."""
    def participant(p) -> list[float]:
        took = []
        for i, qid in enumerate([question_ids[0], *question_ids]):
            value = float(1 + (p.id + i) % 5)
            start = time.perf_counter()
            cast_vote(engine, client_id, round_id, qid, p.id, value, note=f"{p.name}/{qid}")
            took.append((time.perf_counter() - start) * 1000.0)
        return took

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(participant, p) for p in people]
        done, pending = wait(futures, timeout=TIME_LIMIT)
        for f in pending:
            f.cancel()
        assert not pending, f"{len(pending)} participants did not finish within {TIME_LIMIT} s"
    return [ms for f in futures for ms in f.result()]


def _record(backend: str, latencies: list[float], seconds: float) -> dict:
    entry = {"backend": backend, "participants": PARTICIPANTS, "votes_each": QUESTIONS, "workers": WORKERS,
             "writes": len(latencies), "seconds": round(seconds, 2),
             "p50_ms": round(float(np.percentile(latencies, 50)), 2),
             "p95_ms": round(float(np.percentile(latencies, 95)), 2),
             "max_ms": round(float(np.max(latencies)), 2),
             "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
             "machine": f"{platform.machine()} {platform.python_version()}"}
    print(f"\nvote load {backend}: {json.dumps(entry)}")
    if os.environ.get("RECORD_BENCHMARKS") != "1":
        return entry
    try:
        results = json.loads(RESULTS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        results = {}
    results[backend] = entry
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return entry


@pytest.mark.xdist_group("vote_load")  # both backends on one worker: one writer of the results file
@pytest.mark.slow
def test_hundred_participants_twenty_votes_each(engine, client):
    model = _model()
    question_ids = list(model.question_ids)[:QUESTIONS]
    assert len(question_ids) == QUESTIONS, "the model needs at least 20 questions for this test"
    rnd = create_round(engine, client.id, "Lasttest", model, actor="load")
    people = [add_participant(engine, client.id, rnd.id, f"Teilnehmer {i:03d}") for i in range(PARTICIPANTS)]

    start = time.perf_counter()
    latencies = _storm(engine, client.id, rnd.id, people, question_ids)
    seconds = time.perf_counter() - start
    assert seconds < TIME_LIMIT

    frame = votes_frame(engine, client.id, rnd.id)
    assert len(frame) == PARTICIPANTS * QUESTIONS == 2000
    assert not frame.duplicated(["question_id", "participant_id"]).any()
    assert frame.groupby("participant_id").size().eq(QUESTIONS).all()
    # the last write wins: every stored value is the one of the participant's last vote on it
    expected = {(p.id, qid): float(1 + (p.id + i + 1) % 5) for p in people for i, qid in enumerate(question_ids)}
    stored = dict(zip(zip(frame["participant_id"], frame["question_id"]), frame["value"]))
    assert stored == expected
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(votes)).scalar_one() == 2000
    entry = _record(engine.dialect.name, latencies, seconds)
    assert entry["writes"] == PARTICIPANTS * (QUESTIONS + 1)
