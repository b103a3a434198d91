"""Activity staging (DSOMM style): level N is reached when every activity up to level N is done.

Each question of such a model is an activity with a ``level``; it is *done* when its rating
reaches the model's ``done_at`` (default: the question's highest option). Activities rated N/A
drop out; unanswered activities are not done, because a level needs evidence for each of its
activities. Nothing rated at all gives no level, as under threshold staging; otherwise the first
declared level at least (declare a level 0 without activities to be able to say "not even 1").
"""
from __future__ import annotations

from typing import Iterable, Mapping

from assessment.model import Group, MaturityModel, Question, Staging
from assessment.roadmap import Cap, Explanation


def _excluded(qs) -> bool:
    """Rated N/A by everyone or by the facilitator's consensus: left out of the rule."""
    return qs.rating is None and (qs.not_applicable > 0 or qs.consensus)


def open_activities(model: MaturityModel, questions: Iterable[Question], ratings: Mapping, up_to: int
                    ) -> tuple[str, ...]:
    """Ids of the activities of level <= ``up_to`` that are not done (N/A ones left out)."""
    return tuple(q.id for q in questions
                 if q.level is not None and q.level <= up_to and not _excluded(ratings[q.id])
                 and not model.done(q, ratings[q.id].rating))


def activity_level(model: MaturityModel, questions: Iterable[Question], ratings: Mapping) -> int | None:
    """The highest declared level whose activities (and all below) are done; None if nothing is rated."""
    questions = list(questions)
    if not model.levels or all(ratings[q.id].rating is None for q in questions):
        return None
    reached = model.levels[0].number
    for lv in model.levels:
        if open_activities(model, questions, ratings, lv.number):
            break
        reached = lv.number
    return reached


def explain_activities(model: MaturityModel, groups, ratings: Mapping, staged: int | None) -> Explanation:
    """Which domains still have open activities at the next level, and which ones."""
    if staged is None:
        return Explanation(None, None, staging=Staging.ACTIVITIES)
    higher = [lv.number for lv in model.levels if lv.number > staged]
    if not higher:
        return Explanation(staged, None, staging=Staging.ACTIVITIES)
    nxt = min(higher)
    caps = []
    for g in groups:
        domain: Group = model.group(g.id)
        missing = open_activities(model, domain.iter_questions(), ratings, nxt)
        if missing:
            caps.append(Cap(g.id, domain.name, g.score, float(nxt), float(len(missing)), missing))
    return Explanation(staged, nxt, tuple(sorted(caps, key=lambda c: -c.missing)), staging=Staging.ACTIVITIES)
