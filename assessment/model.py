"""The maturity model as frozen data: groups of any depth, questions, answer options, stages.

A model is read from YAML by ``assessment.loader``; this module only holds the shapes, the
navigation helpers (questions in order, look-ups by id, the parent chain of a question) and
``score_range``: the lowest and highest score a question or group can reach under its rules.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Iterator, Union

from core.i18n import Text


class Aggregation(str, Enum):
    """How a group combines the scores of its children (questions and sub-groups)."""

    WEIGHTED_MEAN = "weighted_mean"
    MEAN = "mean"
    SUM = "sum"
    MIN = "min"
    MEDIAN = "median"


class Staging(str, Enum):
    """How the staged level of a round is found."""

    THRESHOLDS = "thresholds"   # every domain's score reaches the level's threshold (CMMI, SAMM)
    ACTIVITIES = "activities"   # every activity (question) up to the level is done (DSOMM)


class Consensus(str, Enum):
    """How the participants' answers to one question become its rating."""

    MEDIAN = "median"
    MEAN = "mean"


@dataclass(frozen=True)
class AnswerOption:
    value: float
    text: Text                      # the observable practice at this value
    label: Text = Text("", "")      # the scale's name for it (Initial, Managed ...), may be empty


@dataclass(frozen=True)
class Level:
    """A maturity stage: reached when a score is >= ``threshold`` (``None`` under activity staging)."""

    number: int
    name: Text
    threshold: float | None


@dataclass(frozen=True)
class Question:
    id: str
    text: Text
    options: tuple[AnswerOption, ...]
    weight: float = 1.0
    help: Text = Text("", "")
    evidence: Text = Text("", "")
    not_applicable_allowed: bool = True
    level: int | None = None        # the stage this activity belongs to (activity staging only)

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(o.value for o in self.options)

    def option(self, value: float) -> AnswerOption | None:
        return next((o for o in self.options if o.value == value), None)

    def next_option(self, rating: float) -> AnswerOption | None:
        """The lowest option worth more than ``rating``: the recommended next practice."""
        higher = [o for o in self.options if o.value > rating]
        return min(higher, key=lambda o: o.value) if higher else None


@dataclass(frozen=True)
class Group:
    id: str
    name: Text
    weight: float = 1.0
    aggregation: Aggregation = Aggregation.WEIGHTED_MEAN
    description: Text = Text("", "")
    questions: tuple[Question, ...] = ()
    groups: tuple["Group", ...] = ()

    @property
    def children(self) -> tuple[Union[Question, "Group"], ...]:
        """Questions first, then sub-groups: the order the model file gives them in."""
        return self.questions + self.groups

    def iter_questions(self) -> Iterator[Question]:
        yield from self.questions
        for g in self.groups:
            yield from g.iter_questions()

    def iter_groups(self) -> Iterator["Group"]:
        yield self
        for g in self.groups:
            yield from g.iter_groups()


@dataclass(frozen=True)
class MaturityModel:
    id: str
    name: Text
    version: str
    groups: tuple[Group, ...]
    levels: tuple[Level, ...]
    description: Text = Text("", "")
    scale: tuple[AnswerOption, ...] = ()
    discuss_spread: float = 2.0
    staging: Staging = Staging.THRESHOLDS
    done_at: float | None = None    # activity staging: a rating >= this is "done" (None: the top option)
    model_hash: str = ""
    source: str = ""
    _index: dict = field(default_factory=dict, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        index: dict = {}
        for top in self.groups:
            _index_group(top, (), index)
        self._index.update(index)

    # -- navigation --------------------------------------------------------------------------
    @property
    def top_groups(self) -> tuple[Group, ...]:
        """The domains: the groups at the top of the tree."""
        return self.groups

    def questions(self) -> Iterator[Question]:
        for g in self.groups:
            yield from g.iter_questions()

    def all_groups(self) -> Iterator[Group]:
        for g in self.groups:
            yield from g.iter_groups()

    def question(self, question_id: str) -> Question:
        item = self._index.get(question_id)
        if not isinstance(item, tuple) or not isinstance(item[0], Question):
            raise KeyError(question_id)
        return item[0]

    def group(self, group_id: str) -> Group:
        item = self._index.get(group_id)
        if not isinstance(item, tuple) or not isinstance(item[0], Group):
            raise KeyError(group_id)
        return item[0]

    def parents(self, item_id: str) -> tuple[Group, ...]:
        """The chain of groups above a question or group, domain first."""
        if item_id not in self._index:
            raise KeyError(item_id)
        return self._index[item_id][1]

    def domain_of(self, item_id: str) -> Group:
        chain = self.parents(item_id)
        return chain[0] if chain else self.group(item_id)

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions())

    @property
    def value_range(self) -> tuple[float, float]:
        """The lowest and highest answer value of any question (the scale of ratings)."""
        values = [v for q in self.questions() for v in q.values] or [o.value for o in self.scale] or [0.0]
        return min(values), max(values)

    @property
    def score_range(self) -> tuple[float, float]:
        """The lowest and highest score any domain can reach (the scale of domain scores and targets).

        Equal to ``value_range`` for mean-like rules; wider when a group ``sum``s its children."""
        ranges = [score_range(g) for g in self.groups]
        return (min(r[0] for r in ranges), max(r[1] for r in ranges)) if ranges else self.value_range

    def level_for(self, score: float | None) -> int | None:
        """The highest stage whose threshold ``score`` reaches (the first stage at least)."""
        if score is None or not self.levels:
            return None
        reached = [lv.number for lv in self.levels if lv.threshold is not None and score >= lv.threshold - 1e-9]
        return max(reached) if reached else self.levels[0].number

    def done(self, question: Question, rating: float | None) -> bool:
        """Activity staging: is an activity with this rating done?"""
        if rating is None or not question.options:
            return False
        bar = self.done_at if self.done_at is not None else max(question.values)
        return rating >= bar - 1e-9

    def level(self, number: int) -> Level | None:
        return next((lv for lv in self.levels if lv.number == number), None)


def score_range(item: Question | Group) -> tuple[float, float]:
    """The attainable [min, max] of a question or group when every question below it is answered.

    A question spans its option values; a group applies its own rule to its children's bounds
    (every rule is monotone in each child, so the extremes are the rule of the children's extremes):
    ``sum`` adds them, ``weighted_mean`` weighs them as declared, ``mean``/``median``/``min`` keep
    them in the children's range. A question without options spans (0, 0).
    """
    if isinstance(item, Question):
        return (min(item.values), max(item.values)) if item.options else (0.0, 0.0)
    kids = [(score_range(c), c.weight) for c in item.children]
    if not kids:
        return (0.0, 0.0)
    lows, highs, weights = [r[0] for r, _ in kids], [r[1] for r, _ in kids], [w for _, w in kids]
    rule = item.aggregation
    if rule is Aggregation.SUM:
        return sum(lows), sum(highs)
    if rule is Aggregation.MIN:
        return min(lows), min(highs)
    if rule is Aggregation.MEDIAN:
        return _median(lows), _median(highs)
    if rule is Aggregation.MEAN:
        weights = [1.0] * len(kids)
    total = sum(weights)
    return (sum(lo * w for lo, w in zip(lows, weights)) / total,
            sum(hi * w for hi, w in zip(highs, weights)) / total)


def _median(values: list[float]) -> float:
    s, n = sorted(values), len(values)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def _index_group(group: Group, chain: tuple[Group, ...], index: dict) -> None:
    index[group.id] = (group, chain)
    inner = chain + (group,)
    for q in group.questions:
        index[q.id] = (q, inner)
    for g in group.groups:
        _index_group(g, inner, index)
