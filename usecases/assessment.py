"""Run a maturity assessment: rounds, the workshop's presentation view, consensus ratings,
targets, results, and the participants' votes (the assessment, workshop and vote pages).

Reading results needs ``assessment.view``; running the round (start, move, rate, set targets,
renew the code, follow the live votes) ``assessment.run``; a participant's vote
``assessment.vote`` in the one round they joined.
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from assessment.model import MaturityModel
from assessment.scoring import AssessmentResult
from core.errors import PermissionDenied
from core.settings import Settings
from services import round_state as live, workshop
from storage import assessments as repo
from storage.assessments import Participant, Round
from usecases.caching import cache
from usecases.session import Session, participant_session, require, scoped

_BENCHMARK = cache("maturity_benchmark", ttl=300)


def rounds(session: Session) -> list[Round]:
    require(session, "assessment.view")
    with scoped(session):
        return repo.list_rounds(session.engine, session.client_id)


def start_round(session: Session, model_id: str, name: str, participants=(), aggregation: str = "median",
                anonymous: bool = False) -> Round:
    require(session, "assessment.run")
    with scoped(session):
        return workshop.start_round(session.engine, session.client_id, model_id, name, participants,
                                    aggregation=aggregation, actor=session.actor, anonymous=anonymous)


def round_state(session: Session, round_id: int, model: MaturityModel | None = None) -> live.RoundState:
    """The round with its model, current question, participants, votes and ratings."""
    require(session, "assessment.view")
    with scoped(session):
        return live.round_state(session.engine, session.client_id, round_id, model)


def presentation(session: Session, round_id: int) -> live.RoundState:
    """The round as the facilitator's presentation view shows it (``assessment.run``: the view
    lists the voters by name and their personal links)."""
    require(session, "assessment.run")
    with scoped(session):
        return live.round_state(session.engine, session.client_id, round_id)


def move(session: Session, round_id: int, model: MaturityModel, question_id: str, step: int) -> str:
    require(session, "assessment.run")
    with scoped(session):
        return workshop.move(session.engine, session.client_id, round_id, model, question_id, step,
                             actor=session.actor)


def set_consensus(session: Session, round_id: int, model: MaturityModel, question_id: str, value: float | None,
                  not_applicable: bool = False, *, rationale: str = "", note: str = "", evidence: str = "",
                  expected_version: int | None = None) -> int:
    require(session, "assessment.run")
    with scoped(session):
        return workshop.set_consensus(session.engine, session.client_id, round_id, model, question_id, value,
                                      not_applicable, rationale=rationale, note=note, evidence=evidence,
                                      expected_version=expected_version, actor=session.actor)


def set_target(session: Session, round_id: int, model: MaturityModel, domain_id: str, target: float,
               expected_version: int | None = None) -> int:
    require(session, "assessment.run")
    with scoped(session):
        return workshop.set_target(session.engine, session.client_id, round_id, model, domain_id, target,
                                   expected_version=expected_version, actor=session.actor)


def targets(session: Session, round_id: int) -> dict:
    require(session, "assessment.view")
    with scoped(session):
        return repo.targets(session.engine, session.client_id, round_id)


def renew_code(session: Session, round_id: int) -> Round:
    require(session, "assessment.run")
    with scoped(session):
        return repo.renew_join_code(session.engine, session.client_id, round_id, session.actor)


def set_anonymous(session: Session, round_id: int, anonymous: bool) -> None:
    """The round option "anonymous voting": the presentation view shows no names."""
    require(session, "assessment.run")
    with scoped(session):
        repo.set_anonymous(session.engine, session.client_id, round_id, anonymous, actor=session.actor)


def reissue_link(session: Session, round_id: int, participant_id: int) -> Participant:
    """A fresh personal link for one participant, unclaimed again (see ``storage.participants``)."""
    require(session, "assessment.run")
    with scoped(session):
        return repo.reissue_link(session.engine, session.client_id, round_id, participant_id, actor=session.actor)


def live_question(session: Session, round_id: int, model: MaturityModel, question_id: str | None = None
                  ) -> live.LiveQuestion:
    """Fresh from the database (the 2-second panels of the facilitator and presenter views; the
    round's current question when ``question_id`` is None): checked on every call, so a
    facilitator whose access was revoked stops seeing the voters at the next refresh."""
    require(session, "assessment.run")
    with scoped(session):
        return live.live_question(session.engine, session.client_id, round_id, model, question_id)


def result(session: Session, round_id: int) -> AssessmentResult:
    require(session, "assessment.view")
    with scoped(session):
        return workshop.result(session.engine, session.client_id, round_id)


def previous_result(session: Session, round_id: int):
    require(session, "assessment.view")
    with scoped(session):
        return workshop.previous_result(session.engine, session.client_id, round_id)


def history(session: Session, round_id: int) -> pd.DataFrame:
    require(session, "assessment.view")
    with scoped(session):
        return workshop.history(session.engine, session.client_id, round_id)


def votes(session: Session, round_id: int) -> pd.DataFrame:
    """The round's votes (the results heatmap); in an anonymous round the names are replaced by
    "#1", "#2" ... in the order people were registered or joined, so no view shows who chose what."""
    require(session, "assessment.view")
    with scoped(session):
        frame = repo.votes_frame(session.engine, session.client_id, round_id)
        if not repo.get_round(session.engine, session.client_id, round_id).anonymous:
            return frame
    order = {pid: f"#{i}" for i, pid in enumerate(sorted(frame["participant_id"].unique()), start=1)}
    return frame.assign(participant=frame["participant_id"].map(order).astype("string"))


def benchmark(session: Session, model_id: str) -> pd.DataFrame | None:
    """The anonymised average of the other clients' latest rounds of the model. It scores every
    client's latest round, so it is kept five minutes rather than recomputed on each rerun."""
    require(session, "assessment.view")
    key = (session.settings.database_url, session.client_id, model_id)
    return _BENCHMARK.get(key, lambda: workshop.benchmark(session.engine, model_id, session.client_id))


# -- participants (no account: they join with the round's code) ---------------------------------

def join(engine: Engine, code: str, name: str, address: str = "", lang: str = "de") -> Participant:
    """Join a round with its code and a name (throttled per address and round); the participant
    with the personal token of their link. Refusals are worded in ``lang``."""
    return workshop.join(engine, code, name, address=address, lang=lang)


def participant(engine: Engine, settings: Settings, token: str) -> Session | None:
    """The participant of a personal link (``?p=``), or None for an unknown token. Opening the
    link claims a name the facilitator registered (nobody can take it by code afterwards)."""
    found = repo.open_link(engine, token) if token else None
    return participant_session(engine, settings, found) if found is not None else None


def ballot(session: Session, token: str = "") -> tuple[Round, pd.DataFrame]:
    """The participant's round as it is now (current question, status) and their own votes.
    ``token``: the link the page was opened with; refused once the facilitator reissued it."""
    principal = require(session, "assessment.vote", round_id=session.principal.round_id)
    _still_linked(session, token)
    with scoped(session):
        rnd = repo.get_round(session.engine, session.client_id, principal.round_id)
        votes = repo.votes_frame(session.engine, session.client_id, principal.round_id)
    return rnd, votes[votes["participant_id"] == principal.participant_id]


def cast_vote(session: Session, model: MaturityModel, question_id: str, value: float | None,
              not_applicable: bool = False, token: str = "") -> None:
    """Store the participant's answer to the round's question (replacing an earlier one)."""
    principal = require(session, "assessment.vote", round_id=session.principal.round_id)
    _still_linked(session, token)
    with scoped(session):
        participant = Participant(principal.participant_id, session.client_id, principal.round_id, principal.username,
                                  "")
        workshop.vote(session.engine, participant, model, question_id, value, not_applicable)


def _still_linked(session: Session, token: str) -> None:
    """A device whose link the facilitator reissued (a name taken by the wrong person) stops at
    its next refresh or tap, not only at its next full page load."""
    holder = repo.participant_by_token(session.engine, token) if token else None
    if token and getattr(holder, "id", None) != session.principal.participant_id:
        raise PermissionDenied("This personal link was issued again by the facilitator.", key="vote.link_reissued",
                               hint_key="vote.link_reissued_hint")


def model_of(rnd: Round) -> MaturityModel:
    """The maturity model a round was started with (from config/models)."""
    return workshop.model_by_id(rnd.model_id)
