"""The state of a running round: what the presentation view, the facilitator's live panel and
the code panel show, computed vectorised from the votes (no Streamlit).

``round_state`` reads the round, its participants, votes, ratings and targets once; the counts
the views print (participants, voted, not yet voted) all come from that one read, so the code
panel and the live panel cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from assessment.model import MaturityModel
from services.workshop import model_by_id
from storage import assessments as repo
from storage.assessments import Participant, Round, Target


# -- state of a running round ------------------------------------------------------------------
@dataclass(frozen=True)
class RoundState:
    round: Round
    model: MaturityModel
    participants: tuple[Participant, ...]
    votes: pd.DataFrame          # storage.assessments.votes_frame
    ratings: pd.DataFrame        # storage.assessments.ratings_frame
    targets: dict[str, Target]
    current_question_id: str
    questions: pd.DataFrame      # one row per model question (index question_id), see question_table
    distribution: pd.DataFrame   # question_id, value, count: every option of every question, zeros included

    @property
    def position(self) -> int:
        """1-based position of the current question."""
        return int(self.questions.at[self.current_question_id, "position"])

    def question_row(self, question_id: str | None = None) -> dict:
        return self.questions.loc[question_id or self.current_question_id].to_dict()


def question_table(model: MaturityModel, votes: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """Per question: position, domain_id, votes, not_applicable, median, mean, spread, discuss and the
    consensus (consensus, consensus_na, rationale, note, evidence, version; NaN/None where not set)."""
    ids = list(model.question_ids)
    frame = pd.DataFrame({"position": range(1, len(ids) + 1), "domain_id": [model.domain_of(q).id for q in ids]},
                         index=pd.Index(ids, name="question_id"))
    valid = votes[~votes["not_applicable"] & votes["value"].notna()]
    stats = valid.groupby("question_id")["value"].agg(votes="count", median="median", mean="mean", lo="min", hi="max")
    na = votes[votes["not_applicable"]].groupby("question_id").size().rename("not_applicable")
    frame = frame.join(stats).join(na)
    frame["votes"] = frame["votes"].fillna(0).astype("int64")
    frame["not_applicable"] = frame["not_applicable"].fillna(0).astype("int64")
    frame["spread"] = frame["hi"] - frame["lo"]
    frame["discuss"] = (frame["spread"] >= model.discuss_spread - 1e-9).fillna(False).astype(bool)
    cols = ["value", "not_applicable", "rationale", "note", "evidence", "version"]
    r = ratings[["question_id", *cols]].drop_duplicates("question_id", keep="last").set_index("question_id")
    r = r.rename(columns={"value": "consensus", "not_applicable": "consensus_na"})
    frame = frame.drop(columns=["lo", "hi"]).join(r)
    frame["consensus_na"] = frame["consensus_na"].astype("boolean").fillna(False).astype(bool)
    frame["version"] = frame["version"].astype("Int64")
    frame[["rationale", "note", "evidence"]] = frame[["rationale", "note", "evidence"]].astype("string").fillna("")
    return frame


def distribution(model: MaturityModel, votes: pd.DataFrame) -> pd.DataFrame:
    """How many participants chose each option of each question (zeros included)."""
    options = pd.DataFrame([(q.id, o.value) for q in model.questions() for o in q.options],
                           columns=["question_id", "value"]).astype({"question_id": "string", "value": "float64"})
    valid = votes[~votes["not_applicable"] & votes["value"].notna()]
    counts = valid.groupby(["question_id", "value"]).size().rename("count").reset_index()
    out = options.merge(counts.astype({"question_id": "string"}), on=["question_id", "value"], how="left")
    out["count"] = out["count"].fillna(0).astype("int64")
    return out


def round_state(engine: Engine, client_id: int, round_id: int, model: MaturityModel | None = None) -> RoundState:
    rnd = repo.get_round(engine, client_id, round_id)
    model = model or model_by_id(rnd.model_id)
    votes = repo.votes_frame(engine, client_id, round_id)
    ratings = repo.ratings_frame(engine, client_id, round_id)
    current = rnd.current_question_id if rnd.current_question_id in model.question_ids else model.question_ids[0]
    return RoundState(rnd, model, tuple(repo.list_participants(engine, client_id, round_id)), votes, ratings,
                      repo.targets(engine, client_id, round_id), current,
                      question_table(model, votes, ratings), distribution(model, votes))


@dataclass(frozen=True)
class LiveQuestion:
    """One question of a running round as it is in the database now: what the code panel, the live
    panel and the presenter view print, all from this one read (so their counts agree)."""
    round: Round
    question_id: str
    row: dict                           # the question's row of question_table
    distribution: pd.DataFrame          # value, count: every option of the question, zeros included
    votes: pd.DataFrame                 # votes_frame rows of the question
    participants: tuple[Participant, ...]

    @property
    def voted(self) -> int:
        """Participants with an answer (or "not applicable") to the question."""
        return int(self.votes["participant_id"].nunique())

    @property
    def waiting(self) -> tuple[Participant, ...]:
        """Participants without an answer yet, in registration order (for the facilitator only)."""
        done = set(self.votes["participant_id"].tolist())
        return tuple(p for p in self.participants if p.id not in done)


def live_question(engine: Engine, client_id: int, round_id: int, model: MaturityModel,
                  question_id: str | None = None) -> LiveQuestion:
    """Fresh from the database: ``question_id`` (default: the round's current question) with its
    row of ``question_table``, its distribution, its votes and the round's participants."""
    rnd = repo.get_round(engine, client_id, round_id)
    if question_id is None:
        ids = model.question_ids
        question_id = rnd.current_question_id if rnd.current_question_id in ids else ids[0]
    votes = repo.votes_frame(engine, client_id, round_id)
    mine = votes[votes["question_id"] == question_id]
    row = question_table(model, mine, repo.ratings_frame(engine, client_id, round_id)).loc[question_id].to_dict()
    dist = distribution(model, mine)
    return LiveQuestion(rnd, question_id, row, dist[dist["question_id"] == question_id].reset_index(drop=True), mine,
                        tuple(repo.list_participants(engine, client_id, round_id)))
