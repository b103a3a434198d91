"""The live workshop: rounds, votes, consensus, targets and the round's result (no Streamlit).

The pages, the command line and the tests call these functions; they validate input against the
round's maturity model and then write through ``storage.assessments``, so every vote and every
consensus is in the database the moment the call returns (a refresh loses nothing).

- ``services.round_state``: everything the presentation view and the live panel show.
- ``result`` / ``previous_result``: the round scored with ``assessment.scoring.score``.
- ``benchmark``: per-domain average of every client's latest round of a model; anonymous (no
  client names or ids leave this function) and only when at least one other client has a round.
"""
from __future__ import annotations

from functools import lru_cache
from textwrap import shorten

import pandas as pd
from sqlalchemy import Engine

from assessment.loader import MODELS_DIR, list_models
from assessment.model import MaturityModel
from assessment.scoring import AssessmentResult, score
from core.errors import InputError, Problem
from core.i18n import t
from storage import assessments as repo
from storage.assessments import Participant, Round
from storage.clients import list_clients


# -- models ------------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _models(stamp: tuple) -> dict[str, MaturityModel]:
    return {m.id: m for m in list_models(MODELS_DIR)}


def models() -> dict[str, MaturityModel]:
    """The shipped models by id (re-read when a file under config/models changes)."""
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(MODELS_DIR.glob("*.y*ml")))
    return _models(stamp)


def latest_closed(rounds: list) -> object | None:
    """The newest closed round of ``rounds`` (newest first), None without one: an open round is
    still being answered (3 of 29 questions) and must not stand for the client's maturity."""
    return next((r for r in rounds if r.status == "closed"), None)


def model_by_id(model_id: str) -> MaturityModel:
    found = models().get(model_id)
    if found is None:
        raise InputError(f"Maturity model {model_id!r} is not in config/models.",
                         hint="available: " + ", ".join(sorted(models())), key="model.unknown",
                         values={"model": model_id, "models": ", ".join(sorted(models()))}, hint_key="model.unknown_hint")
    return found


# -- round lifecycle ---------------------------------------------------------------------------
def start_round(engine: Engine, client_id: int, model_id: str, name: str, participants=(),
                aggregation: str = "median", actor: str = "", held_on=None, anonymous: bool = False) -> Round:
    """A new open round at the model's first question, with the named participants registered
    (unclaimed: each takes up their name with the code or their personal link) and the targets of the
    client's previous round of the same model carried over (issue 14.2; each can be changed)."""
    model = model_by_id(model_id)
    names = list(dict.fromkeys(n.strip() for n in participants if n and n.strip()))
    rnd = repo.create_round(engine, client_id, name, model, aggregation=aggregation, actor=actor,
                            held_on=held_on, anonymous=anonymous)
    for person in names:
        repo.add_participant(engine, client_id, rnd.id, person)
    previous = earlier_rounds(engine, client_id, rnd.id)
    domains = {g.id for g in model.top_groups}
    for domain, goal in (repo.targets(engine, client_id, previous[0].id).items() if previous else ()):
        if domain in domains:
            repo.set_target(engine, client_id, rnd.id, domain, goal.target, actor=actor)
    repo.set_current_question(engine, client_id, rnd.id, model.question_ids[0], actor=actor)
    return repo.get_round(engine, client_id, rnd.id)


def move(engine: Engine, client_id: int, round_id: int, model: MaturityModel, question_id: str, step: int,
         actor: str = "") -> str:
    """Go ``step`` questions on from ``question_id`` (clamped to the model) and store it in the round."""
    ids = model.question_ids
    pos = ids.index(question_id) if question_id in ids else 0
    target = ids[min(max(pos + step, 0), len(ids) - 1)]
    repo.set_current_question(engine, client_id, round_id, target, actor=actor)
    return target


# -- votes, consensus, targets -----------------------------------------------------------------
def validate_vote(model: MaturityModel, question_id: str, value: float | None, not_applicable: bool = False) -> None:
    """The question exists, the value is one of its options, N/A only where the question allows it."""
    try:
        question = model.question(question_id)
    except KeyError:
        raise InputError(f"Question {question_id!r} is not in model {model.id}.",
                         [Problem(f"question {question_id}", "unknown question id", key="question.unknown_id")],
                         key="question.unknown", values={"question": question_id, "model": model.id}) from None
    where = f"question {question_id}"
    if not_applicable:
        if not question.not_applicable_allowed:
            raise InputError("This question must be answered; 'not applicable' is not allowed.",
                             [Problem(where, "not applicable is not allowed", key="question.na_refused")],
                             key="question.must_answer")
        return
    if value is None or question.option(float(value)) is None:
        raise InputError(f"{value!r} is not an answer option of {question_id}.",
                         [Problem(where, f"{value!r} is not one of {list(question.values)}", key="question.not_option",
                                  values=(("value", value), ("options", ", ".join(map(str, question.values)))))],
                         hint="choose one of the answer options", key="question.not_an_option",
                         values={"value": value, "question": question_id}, hint_key="question.not_an_option_hint")


def vote(engine: Engine, participant: Participant, model: MaturityModel, question_id: str, value: float | None,
         not_applicable: bool = False, note: str = "") -> None:
    """Validate and store one participant's answer (replacing an earlier one)."""
    validate_vote(model, question_id, value, not_applicable)
    repo.cast_vote(engine, participant.client_id, participant.round_id, question_id, participant.id,
                   None if not_applicable else float(value), not_applicable=not_applicable, note=note)


def join(engine: Engine, code: str, name: str, *, address: str = "", lang: str = "de") -> Participant:
    return repo.join_by_code(engine, code, name, address=address, lang=lang)  # throttled: storage.participants


def set_consensus(engine: Engine, client_id: int, round_id: int, model: MaturityModel, question_id: str,
                  value: float | None, not_applicable: bool = False, rationale: str = "", note: str = "",
                  evidence: str = "", expected_version: int | None = None, actor: str = "") -> int:
    """The facilitator's rating for one question; ConflictError when someone else saved first."""
    validate_vote(model, question_id, value, not_applicable)
    return repo.set_rating(engine, client_id, round_id, question_id, value, not_applicable=not_applicable,
                           rationale=rationale, note=note, evidence=evidence, expected_version=expected_version,
                           actor=actor)


def set_target(engine: Engine, client_id: int, round_id: int, model: MaturityModel, domain_id: str, target: float,
               expected_version: int | None = None, actor: str = "") -> int:
    if domain_id not in {g.id for g in model.top_groups}:
        raise InputError(f"{domain_id!r} is not a domain of {model.id}.",
                         [Problem(f"target {domain_id}", "unknown", key="target.domain_unknown")],
                         key="target.not_a_domain", values={"domain": domain_id, "model": model.id})
    lo, hi = model.score_range  # domain scores, not answers: a SAMM practice sums to 0..3
    if not lo <= float(target) <= hi:
        raise InputError(f"Target {target} is outside the scale {lo}-{hi}.",
                         [Problem(f"target {domain_id}", f"{target} not in [{lo}, {hi}]")],
                         key="target.outside", values={"target": target, "lo": lo, "hi": hi})
    return repo.set_target(engine, client_id, round_id, domain_id, target, expected_version=expected_version,
                           actor=actor)


# -- results -----------------------------------------------------------------------------------
def score_round(engine: Engine, client_id: int, rnd: Round, model: MaturityModel | None = None) -> AssessmentResult:
    model = model or model_by_id(rnd.model_id)
    domains = {g.id for g in model.top_groups}
    goals = {k: v.target for k, v in repo.targets(engine, client_id, rnd.id).items() if k in domains}
    votes = repo.votes_frame(engine, client_id, rnd.id)
    return score(model, votes, repo.ratings_frame(engine, client_id, rnd.id), consensus=rnd.aggregation,
                 targets=goals)


def result(engine: Engine, client_id: int, round_id: int) -> AssessmentResult:
    """The round scored: votes, consensus ratings and targets, with its model loaded by id."""
    return score_round(engine, client_id, repo.get_round(engine, client_id, round_id))


def earlier_rounds(engine: Engine, client_id: int, round_id: int) -> list[Round]:
    """The client's rounds of the same model created before ``round_id``, newest first."""
    rounds = repo.list_rounds(engine, client_id)
    this = next((r for r in rounds if r.id == round_id), None)
    if this is None:
        raise InputError(f"Assessment round {round_id} does not exist for this client.", key="round.unknown")
    return [r for r in rounds[rounds.index(this) + 1:] if r.model_id == this.model_id]


def previous_result(engine: Engine, client_id: int, round_id: int) -> tuple[Round, AssessmentResult] | None:
    """The client's previous round with the same model, scored (None when this is the first)."""
    earlier = earlier_rounds(engine, client_id, round_id)
    return (earlier[0], score_round(engine, client_id, earlier[0])) if earlier else None


def history(engine: Engine, client_id: int, round_id: int) -> pd.DataFrame:
    """This round and the earlier ones of the same model, oldest first: round, held_on,
    maturity_index, staged_level and one column per domain score."""
    rnd = repo.get_round(engine, client_id, round_id)
    rows = []
    for r in reversed([rnd, *earlier_rounds(engine, client_id, round_id)]):
        res = score_round(engine, client_id, r)
        rows.append({"round": r.name, "held_on": r.held_on, "maturity_index": res.maturity_index,
                     "staged_level": res.staged_level, **res.domain_scores})
    return pd.DataFrame(rows)


def benchmark(engine: Engine, model_id: str, client_id: int | None = None, min_others: int = 2) -> pd.DataFrame | None:
    """domain_id, average, clients: the mean domain score over the latest scored round of every client
    (the asking client included).

    None unless at least ``min_others`` clients other than ``client_id`` have such a round (two by
    default: with only one other client its scores could be read back from the average). The frame
    carries counts only, never which clients contributed.
    """
    model = model_by_id(model_id)
    scores = []
    for c in list_clients(engine):
        for rnd in (r for r in repo.list_rounds(engine, c.id) if r.model_id == model_id):  # newest first
            res = score_round(engine, c.id, rnd, model)
            if res.maturity_index is not None:
                scores.append((c.id, res.domain_scores))
                break
    if sum(cid != client_id for cid, _ in scores) < min_others:
        return None
    frame = pd.DataFrame([s for _, s in scores], columns=[g.id for g in model.top_groups])
    out = frame.agg(["mean", "count"]).T.reset_index()
    out.columns = ["domain_id", "average", "clients"]
    return out.astype({"domain_id": "string", "average": "float64", "clients": "int64"})


# -- tables the result views show (raw values; the page formats) -------------------------------
def domain_table(model: MaturityModel, res: AssessmentResult, lang: str = "de") -> pd.DataFrame:
    """domain_id, domain, weight, score, level, level_name, target, gap, priority (model order)."""
    gaps = {g.domain_id: g for g in res.gaps}
    rows = [{"domain_id": g.id, "domain": model.group(g.id).name.get(lang), "weight": g.weight, "score": g.score,
             "level": g.level, "level_name": model.level(g.level).name.get(lang) if g.level else None,
             "target": gaps[g.id].target if g.id in gaps else None,
             "gap": gaps[g.id].gap if g.id in gaps else None,
             "priority": gaps[g.id].priority if g.id in gaps else None} for g in res.groups]
    return pd.DataFrame(rows).astype({"score": "float64", "target": "float64", "gap": "float64",
                                      "priority": "float64", "level": "Int64"})


def roadmap_table(model: MaturityModel, res: AssessmentResult, lang: str = "de") -> pd.DataFrame:
    """The roadmap, highest priority first: domain, question, rating, next_value, action, priority."""
    rows = [{"domain": model.group(i.domain_id).name.get(lang), "question": i.question.get(lang),
             "rating": i.rating, "target": i.target, "next_value": i.next_value, "action": i.text.get(lang),
             "priority": i.priority} for i in res.roadmap]
    cols = ["domain", "question", "rating", "target", "next_value", "action", "priority"]
    return pd.DataFrame(rows, columns=cols)


def answers_grid(model: MaturityModel, votes: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """question (position and its text, shortened), participant, value, note: the heatmap of questions x
    participants; an N/A answer has no value and the note "k. A." (no answer: no row, an empty cell)."""
    position = {q.id: f"{i:02d} {shorten(q.text.get(lang), width=44, placeholder=' …')}"
                for i, q in enumerate(model.questions(), start=1)}
    grid = votes[votes["question_id"].isin(position)]
    na = grid["not_applicable"].astype(bool)
    return pd.DataFrame({"question": grid["question_id"].map(position).astype("string"),
                         "participant": grid["participant"].astype("string"),
                         "value": grid["value"].where(~na),
                         "note": na.map({True: t("assessment.na_short", lang), False: ""}).astype("string")}
                        ).sort_values("question")
