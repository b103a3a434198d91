"""What follows from the scores: why this staged level, gaps to target, the roadmap, round comparison.

- Explanation: the domains whose score misses the next level's threshold cap the staged level;
  ``missing`` says by how much. Under activity staging (``assessment.activities``) the caps are
  the domains with activities of the next level still open: ``missing`` counts them, ``open``
  names them.
- Gap = target - domain score; priority = gap x domain weight (only positive gaps need action).
- Roadmap: per domain below its target, every question rated below the target with the answer
  text of the next option above its rating (the recommended practice), ordered by priority.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from assessment.model import MaturityModel, Staging
from core.errors import InputError, Problem
from core.formatting import number
from core.i18n import Text, t


@dataclass(frozen=True)
class Cap:
    domain_id: str
    name: Text
    score: float | None
    threshold: float   # of the next level (activity staging: the next level's number)
    missing: float     # threshold - score (activity staging: how many activities are open)
    open: tuple[str, ...] = ()   # activity staging: the ids of the open activities


@dataclass(frozen=True)
class Explanation:
    staged_level: int | None
    next_level: int | None
    caps: tuple[Cap, ...] = ()
    staging: Staging = Staging.THRESHOLDS

    def text(self, lang: str = "de") -> str:
        """'Level 2, because level 3 needs every domain at 3.00 or more; below that: Service (2.25, 0.75 short).'"""
        if self.staged_level is None:
            return t("assessment.explain.none", lang)
        if self.next_level is None:
            return t("assessment.explain.top", lang, level=self.staged_level)
        if self.staging is Staging.ACTIVITIES:
            caps = "; ".join(t("assessment.explain.open", lang, name=c.name.get(lang), count=len(c.open))
                             for c in self.caps)
            return t("assessment.explain.activities", lang, level=self.staged_level, next=self.next_level, caps=caps)
        caps = "; ".join(t("assessment.explain.cap", lang, name=c.name.get(lang), score=number(c.score, lang, 2),
                           missing=number(c.missing, lang, 2)) for c in self.caps)
        return t("assessment.explain.capped", lang, level=self.staged_level, next=self.next_level,
                 threshold=number(self.caps[0].threshold, lang, 2), caps=caps)

    def to_dict(self, lang: str = "en") -> dict:
        return {"staged_level": self.staged_level, "next_level": self.next_level, "text": self.text(lang),
                "capped_by": [{"domain": c.domain_id, "score": c.score, "threshold": c.threshold,
                               "missing": c.missing, **({"open": list(c.open)} if c.open else {})}
                              for c in self.caps]}


@dataclass(frozen=True)
class Gap:
    domain_id: str
    score: float | None
    target: float
    gap: float | None
    weight: float
    priority: float | None


@dataclass(frozen=True)
class RoadmapItem:
    domain_id: str
    question_id: str
    rating: float
    target: float
    next_value: float
    text: Text        # the next option's answer text: the recommended practice
    question: Text
    priority: float

    def to_dict(self, lang: str = "en") -> dict:
        return {"domain": self.domain_id, "question": self.question_id, "rating": self.rating,
                "target": self.target, "next_value": self.next_value, "action": self.text.get(lang),
                "priority": self.priority}


def explain(model: MaturityModel, groups, staged: int | None) -> Explanation:
    """Which domains keep the staged level from reaching the next one, and by how much."""
    if staged is None:
        return Explanation(None, None)
    higher = [lv for lv in model.levels if lv.number > staged]
    if not higher:
        return Explanation(staged, None)
    nxt = min(higher, key=lambda lv: lv.number)
    caps = tuple(Cap(g.id, model.group(g.id).name, g.score, nxt.threshold, nxt.threshold - g.score)
                 for g in groups if g.score is not None and g.score < nxt.threshold - 1e-9)
    return Explanation(staged, nxt.number, tuple(sorted(caps, key=lambda c: -c.missing)))


def gaps_and_roadmap(model: MaturityModel, groups, questions: Mapping, targets: Mapping[str, float]):
    """Gaps for every domain with a target (highest priority first) and the roadmap items."""
    unknown = sorted(set(targets) - {g.id for g in model.groups})
    if unknown:
        raise InputError("Targets name unknown domains.",
                         [Problem(f"targets: {d}", "not a domain of the model", key="target.not_model_domain")
                          for d in unknown], hint="domains: " + ", ".join(g.id for g in model.groups),
                         key="target.unknown_domains", values={"domains": ", ".join(g.id for g in model.groups)},
                         hint_key="target.unknown_domains_hint")
    gaps = []
    for g in groups:
        if g.id not in targets:
            continue
        target = float(targets[g.id])
        gap = None if g.score is None else target - g.score
        gaps.append(Gap(g.id, g.score, target, gap, g.weight, None if gap is None else gap * g.weight))
    gaps.sort(key=lambda x: -(x.priority if x.priority is not None else float("-inf")))
    roadmap = []
    for gap in gaps:
        if gap.gap is None or gap.gap <= 0:
            continue
        for q in model.group(gap.domain_id).iter_questions():
            rating = questions[q.id].rating
            if rating is None or rating >= gap.target - 1e-9:
                continue
            nxt = q.next_option(rating)
            if nxt is not None:
                roadmap.append(RoadmapItem(gap.domain_id, q.id, rating, gap.target, nxt.value, nxt.text, q.text,
                                           gap.priority))
    return tuple(gaps), tuple(roadmap)


@dataclass(frozen=True)
class DomainDelta:
    domain_id: str
    before: float | None
    after: float | None
    delta: float | None


@dataclass(frozen=True)
class Comparison:
    maturity_index_delta: float | None
    staged_level_delta: int | None
    domains: tuple[DomainDelta, ...]

    def to_dict(self) -> dict:
        return {"maturity_index_delta": self.maturity_index_delta, "staged_level_delta": self.staged_level_delta,
                "domains": [d.__dict__ for d in self.domains]}


def compare(before, after) -> Comparison:
    """Per-domain change from round ``before`` to round ``after`` (AssessmentResults of one model)."""
    a, b = before.domain_scores, after.domain_scores
    ids = list(a) + [d for d in b if d not in a]
    domains = tuple(DomainDelta(d, a.get(d), b.get(d),
                                None if a.get(d) is None or b.get(d) is None else b[d] - a[d]) for d in ids)
    mi = None if before.maturity_index is None or after.maturity_index is None \
        else after.maturity_index - before.maturity_index
    sl = None if before.staged_level is None or after.staged_level is None \
        else after.staged_level - before.staged_level
    return Comparison(mi, sl, domains)
