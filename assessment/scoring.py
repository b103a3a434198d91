"""Maturity scoring (PRODUCT.md "Maturity scoring").

answers (one row per question and participant: a value or N/A)
  -> question rating: median (or mean) of the non-N/A answers, unless the facilitator set a consensus
  -> spread = max - min; spread >= the model's ``discuss_spread`` (2 on a 1-5 scale) flags discussion
  -> group score: the group's aggregation over the children that have a score (weighted mean default);
     N/A questions drop out of numerator and denominator alike
  -> maturity index: weighted mean of the domain (top-level group) scores
  -> staged level: the highest level whose threshold every domain reaches (weakest link), 1 at least;
     under ``staging: activities`` the highest level whose activities, and all below, are done
     (``assessment.activities``).
Gaps, roadmap and the "why this level" explanation are in ``assessment.roadmap``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from assessment.activities import activity_level, explain_activities
from assessment.model import Aggregation, Consensus, Group, MaturityModel, Staging
from assessment.roadmap import explain, gaps_and_roadmap

ANSWER_COLUMNS = ("question_id", "participant", "value", "not_applicable", "note")


@dataclass(frozen=True)
class QuestionScore:
    id: str
    rating: float | None          # what counts: the consensus if set, else the computed value
    computed: float | None        # median/mean of the participants' non-N/A answers
    consensus: bool               # True when the facilitator's rating overrides ``computed``
    spread: float | None          # max - min of the answers
    discuss: bool
    answered: int                 # answers with a value
    not_applicable: int           # answers marked N/A
    answers: tuple[tuple[str, float | None], ...] = ()  # (participant, value or None for N/A)

    @property
    def excluded(self) -> bool:
        return self.rating is None


@dataclass(frozen=True)
class GroupScore:
    id: str
    score: float | None
    level: int | None
    weight: float
    aggregation: Aggregation
    answered: int          # questions below this group with a rating
    not_applicable: int    # questions below this group left out as not applicable
    children: tuple["GroupScore", ...] = ()
    question_ids: tuple[str, ...] = ()

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass(frozen=True)
class AssessmentResult:
    model_id: str
    model_version: str
    consensus_rule: Consensus
    maturity_index: float | None
    staged_level: int | None
    groups: tuple[GroupScore, ...]
    questions: tuple[QuestionScore, ...]
    explanation: "Explanation"  # noqa: F821 - assessment.roadmap.Explanation
    gaps: tuple = ()
    roadmap: tuple = ()

    def group(self, group_id: str) -> GroupScore:
        for top in self.groups:
            for g in top.walk():
                if g.id == group_id:
                    return g
        raise KeyError(group_id)

    def question(self, question_id: str) -> QuestionScore:
        return next(q for q in self.questions if q.id == question_id)

    @property
    def domain_scores(self) -> dict[str, float | None]:
        return {g.id: g.score for g in self.groups}

    def to_dict(self, lang: str = "en") -> dict:
        """Plain JSON-able dict (the `assess score --format json` contract)."""
        out = {
            "model": {"id": self.model_id, "version": self.model_version, "consensus": self.consensus_rule.value},
            "maturity_index": self.maturity_index,
            "staged_level": self.staged_level,
            "groups": [_group_dict(g) for g in self.groups],
            "questions": [{"id": q.id, "rating": q.rating, "computed": q.computed, "consensus": q.consensus,
                           "spread": q.spread, "discuss": q.discuss,
                           "answers": {p: ("n/a" if v is None else v) for p, v in q.answers}}
                          for q in self.questions],
            "explanation": self.explanation.to_dict(lang),
        }
        if self.gaps:
            out["gaps"] = [asdict(g) for g in self.gaps]
            out["roadmap"] = [item.to_dict(lang) for item in self.roadmap]
        return out


def _group_dict(g: GroupScore) -> dict:
    return {"id": g.id, "score": g.score, "level": g.level, "answered": g.answered,
            "not_applicable": g.not_applicable, "children": [_group_dict(c) for c in g.children]}


def normalise_answers(answers: pd.DataFrame) -> pd.DataFrame:
    """The answers frame with the canonical columns and dtypes (value float, N/A boolean)."""
    df = answers.copy()
    if "participant" not in df:
        df["participant"] = ""
    if "note" not in df:
        df["note"] = ""
    if "not_applicable" not in df:
        df["not_applicable"] = False
    df["question_id"] = df["question_id"].astype("string")
    df["participant"] = df["participant"].fillna("").astype("string")
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype("float64")
    df["not_applicable"] = df["not_applicable"].fillna(False).astype(bool)
    df["note"] = df["note"].fillna("").astype("string")
    return df[list(ANSWER_COLUMNS)].reset_index(drop=True)


def question_scores(model: MaturityModel, answers: pd.DataFrame, ratings: pd.DataFrame | None = None,
                    consensus: Consensus = Consensus.MEDIAN) -> tuple[QuestionScore, ...]:
    """One QuestionScore per model question, in model order (vectorised over the answer rows)."""
    df = normalise_answers(answers)
    df = df[df["question_id"].isin(model.question_ids)]
    na = df["not_applicable"] | False
    valid = df[~na & df["value"].notna()]
    stats = valid.groupby("question_id")["value"].agg(["median", "mean", "min", "max", "count"])
    na_count = df[na].groupby("question_id").size()
    frame = pd.DataFrame(index=pd.Index(model.question_ids, name="question_id"))
    frame = frame.join(stats).join(na_count.rename("na"))
    frame["computed"] = frame[consensus.value]
    frame["spread"] = frame["max"] - frame["min"]
    frame["rating"] = frame["computed"]
    frame["consensus"] = False
    if ratings is not None and len(ratings):
        r = ratings.copy()
        r["question_id"] = r["question_id"].astype("string")
        r["not_applicable"] = r.get("not_applicable", pd.Series(False, index=r.index)).fillna(False).astype(bool)
        r["value"] = pd.to_numeric(r["value"], errors="coerce")
        r = r[r["question_id"].isin(model.question_ids) & (r["value"].notna() | r["not_applicable"])]
        r = r.drop_duplicates("question_id", keep="last").set_index("question_id")
        frame.loc[r.index, "rating"] = r["value"].where(~r["not_applicable"], np.nan)
        frame.loc[r.index, "consensus"] = True
    shown = df[na | df["value"].notna()].assign(value=lambda d: d["value"].where(~d["not_applicable"]))
    lists = shown.groupby("question_id", sort=False).agg(participant=("participant", list), value=("value", list))
    frame = frame.join(lists)
    records = frame.to_dict("index")  # one record per *model question*, not per answer row
    return tuple(_question_row(qid, rec, model.discuss_spread) for qid, rec in records.items())


def _question_row(qid: str, row: dict, discuss_spread: float) -> QuestionScore:
    spread = _num(row["spread"])
    people, values = row["participant"], row["value"]
    answers = () if not isinstance(people, list) else \
        tuple((str(p), None if pd.isna(v) else float(v)) for p, v in zip(people, values))
    return QuestionScore(id=qid, rating=_num(row["rating"]), computed=_num(row["computed"]),
                         consensus=bool(row["consensus"]), spread=spread,
                         discuss=spread is not None and spread >= discuss_spread - 1e-9,
                         answered=int(_num(row["count"]) or 0), not_applicable=int(_num(row["na"]) or 0),
                         answers=answers)


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def aggregate(rule: Aggregation, scores: list[float], weights: list[float]) -> float | None:
    """Combine the children's scores; children without a score were already left out."""
    if not scores:
        return None
    s, w = np.asarray(scores, dtype=float), np.asarray(weights, dtype=float)
    if rule is Aggregation.WEIGHTED_MEAN:
        return float((s * w).sum() / w.sum())
    if rule is Aggregation.MEAN:
        return float(s.mean())
    if rule is Aggregation.SUM:
        return float(s.sum())
    if rule is Aggregation.MIN:
        return float(s.min())
    return float(np.median(s))


def _score_group(model: MaturityModel, group: Group, ratings: Mapping[str, QuestionScore]) -> GroupScore:
    children = tuple(_score_group(model, g, ratings) for g in group.groups)
    scores, weights = [], []
    answered = not_applicable = 0
    for q in group.questions:
        qs = ratings[q.id]
        if qs.rating is not None:
            scores.append(qs.rating)
            weights.append(q.weight)
            answered += 1
        elif qs.not_applicable or qs.consensus:
            not_applicable += 1
    for c in children:
        answered += c.answered
        not_applicable += c.not_applicable
        if c.score is not None:
            scores.append(c.score)
            weights.append(c.weight)
    score = aggregate(group.aggregation, scores, weights)
    level = activity_level(model, group.iter_questions(), ratings) if model.staging is Staging.ACTIVITIES \
        else model.level_for(score)
    return GroupScore(id=group.id, score=score, level=level, weight=group.weight,
                      aggregation=group.aggregation, answered=answered, not_applicable=not_applicable,
                      children=children, question_ids=tuple(q.id for q in group.questions))


def score(model: MaturityModel, answers: pd.DataFrame, ratings: pd.DataFrame | None = None,
          consensus: Consensus | str = Consensus.MEDIAN, targets: Mapping[str, float] | None = None
          ) -> AssessmentResult:
    """Score a round: ``answers`` (question_id, participant, value, not_applicable[, note]);
    ``ratings`` optional facilitator consensus (question_id, value, not_applicable);
    ``targets`` optional {domain id: target score} for gaps and roadmap."""
    rule = Consensus(consensus)
    questions = question_scores(model, answers, ratings, rule)
    by_id = {q.id: q for q in questions}
    groups = tuple(_score_group(model, g, by_id) for g in model.groups)
    scored = [g for g in groups if g.score is not None]
    index = aggregate(Aggregation.WEIGHTED_MEAN, [g.score for g in scored], [g.weight for g in scored])
    if model.staging is Staging.ACTIVITIES:
        staged = activity_level(model, model.questions(), by_id)
        explanation = explain_activities(model, groups, by_id, staged)
    else:
        staged = model.level_for(min(g.score for g in scored)) if scored else None
        explanation = explain(model, groups, staged)
    gaps, roadmap = gaps_and_roadmap(model, groups, by_id, targets or {})
    return AssessmentResult(model_id=model.id, model_version=model.version, consensus_rule=rule,
                            maturity_index=index, staged_level=staged, groups=groups, questions=questions,
                            explanation=explanation, gaps=gaps, roadmap=roadmap)
