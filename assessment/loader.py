"""Read and validate a maturity model YAML file (schema: ``docs/maturity-models.md``).

Checked in stages like every definition: shape (types, required keys, enums), then meaning
(ids unique across the whole tree, options with distinct values, stage thresholds ascending and
inside the range every domain can score under its aggregation rules, activity levels among the
declared levels). Every problem is collected with its path and raised as one ConfigError.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from assessment.model import (Aggregation, AnswerOption, Group, Level, MaturityModel, Question, Staging,
                              score_range)
from core.errors import ConfigError
from core.i18n import Text
from core.yamlio import Checker, load_yaml, parse_yaml

MODELS_DIR = Path(__file__).resolve().parent.parent / "config" / "models"

_MODEL_KEYS = ("id", "name", "version", "description", "scale", "levels", "discuss_spread", "staging", "done_at",
               "groups")
_GROUP_KEYS = ("id", "name", "description", "weight", "aggregation", "questions", "groups")
_QUESTION_KEYS = ("id", "text", "help", "evidence", "weight", "not_applicable_allowed", "answers", "options",
                  "level")
_OPTION_KEYS = ("value", "text", "label")
_LEVEL_KEYS = ("level", "name", "threshold")
_EMPTY = Text("", "")


def load_model(path: str | Path) -> MaturityModel:
    """Read a model file; raise ConfigError listing every problem."""
    p = Path(path)
    return _build(load_yaml(p), p.name, str(p))


def parse_model(text: str, source: str = "model.yaml") -> MaturityModel:
    return _build(parse_yaml(text, source), source, source)


def list_models(directory: str | Path = MODELS_DIR) -> list[MaturityModel]:
    """Every model in ``directory`` (``*.yaml``), sorted by id; one error lists all broken files."""
    models, problems = [], []
    for path in sorted(Path(directory).glob("*.y*ml")):
        try:
            models.append(load_model(path))
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(f"{directory}: {len(problems)} problem(s) in maturity models", problems,
                          key="model.problems", values={"folder": str(directory), "count": len(problems)})
    return sorted(models, key=lambda m: m.id)


def _build(raw: Any, source: str, location: str) -> MaturityModel:
    check = Checker(source)
    doc = check.mapping(raw, "")
    check.unknown_keys(doc, _MODEL_KEYS, "")
    model_id = check.ident(doc, "id", "")
    name = check.text(doc, "name", "")
    version = check.get(doc, "version", "")
    description = check.text(doc, "description", "", required=False)
    scale = _options(check, doc.get("scale"), "scale", required=False) if "scale" in doc else ()
    discuss = check.number(doc, "discuss_spread", "", required=False, default=None, minimum=0, exclusive_min=True)
    staging = check.enum(doc, "staging", "", Staging, required=False, default=Staging.THRESHOLDS)
    done_at = check.number(doc, "done_at", "", required=False)
    if done_at is not None and staging is not Staging.ACTIVITIES:
        check.add("done_at", "only used with `staging: activities`")

    ids: list[tuple[str, str]] = []
    raw_groups = check.sequence(check.get(doc, "groups", ""), "groups") if "groups" in doc else []
    if "groups" in doc and not raw_groups and isinstance(doc.get("groups"), list):
        check.add("groups", "a model needs at least one group")
    groups = tuple(_group(check, g, f"groups[{i}]", scale, ids) for i, g in enumerate(raw_groups))
    check.unique(ids)

    questions = [q for g in groups if g for q in g.iter_questions()]
    values = [v for q in questions for v in q.values] or [o.value for o in scale]
    lo, hi = (min(values), max(values)) if values else (None, None)
    levels = _levels(check, doc, scale, staging)
    paths = {qid: path[: -len(".id")] for qid, path in ids if qid}
    if staging is Staging.ACTIVITIES:
        _check_activities(check, questions, levels, done_at, paths)
    else:
        for q in questions:
            if q.level is not None:
                check.add(check.join(paths.get(q.id, q.id), "level"), "a question level needs `staging: activities`")
        _check_thresholds(check, groups, levels)
    if discuss is None:
        discuss = 2.0 if hi is None or lo is None else (hi - lo) / 2
    check.done()
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()
    return MaturityModel(id=model_id, name=name, version=str(version), groups=groups, levels=levels,
                         description=description, scale=scale, discuss_spread=discuss, staging=staging,
                         done_at=done_at, model_hash=digest[:16], source=location)


def _group(check: Checker, raw: Any, path: str, scale: tuple[AnswerOption, ...],
           ids: list[tuple[str, str]]) -> Group:
    d = check.mapping(raw, path)
    check.unknown_keys(d, _GROUP_KEYS, path)
    gid = check.ident(d, "id", path)
    ids.append((gid, check.join(path, "id")))
    name = check.text(d, "name", path)
    weight = check.number(d, "weight", path, required=False, default=1.0, minimum=0, exclusive_min=True)
    agg = check.enum(d, "aggregation", path, Aggregation, required=False, default=Aggregation.WEIGHTED_MEAN)
    raw_q = check.sequence(d["questions"], check.join(path, "questions")) if d.get("questions") is not None else []
    raw_g = check.sequence(d["groups"], check.join(path, "groups")) if d.get("groups") is not None else []
    if d and not raw_q and not raw_g:
        check.add(path, f"group {gid!r} is empty", "give it questions or sub-groups")
    questions = tuple(_question(check, q, f"{path}.questions[{i}]", scale, ids) for i, q in enumerate(raw_q))
    subgroups = tuple(_group(check, g, f"{path}.groups[{i}]", scale, ids) for i, g in enumerate(raw_g))
    return Group(id=gid or "", name=name, weight=weight or 1.0, aggregation=agg or Aggregation.WEIGHTED_MEAN,
                 description=check.text(d, "description", path, required=False),
                 questions=questions, groups=subgroups)


def _question(check: Checker, raw: Any, path: str, scale: tuple[AnswerOption, ...],
              ids: list[tuple[str, str]]) -> Question:
    d = check.mapping(raw, path)
    check.unknown_keys(d, _QUESTION_KEYS, path)
    qid = check.ident(d, "id", path)
    ids.append((qid, check.join(path, "id")))
    if "options" in d:
        if "answers" in d:
            check.add(check.join(path, "answers"), "give either answers (texts for the scale) or options, not both")
        options = _options(check, d["options"], check.join(path, "options"), required=True)
    elif "answers" in d:
        options = _answers(check, d["answers"], check.join(path, "answers"), scale)
    else:
        options = ()
        if d:
            check.add(path, f"question {qid!r} has no answer options",
                      "give `answers:` (one text per scale value) or `options:` with value and text")
    return Question(id=qid or "", text=check.text(d, "text", path), options=options,
                    weight=check.number(d, "weight", path, required=False, default=1.0, minimum=0,
                                        exclusive_min=True) or 1.0,
                    help=check.text(d, "help", path, required=False),
                    evidence=check.text(d, "evidence", path, required=False),
                    not_applicable_allowed=check.boolean(d, "not_applicable_allowed", path, default=True),
                    level=_whole(check, d, "level", path))


def _whole(check: Checker, d: dict, key: str, path: str) -> int | None:
    number = check.number(d, key, path, required=False)
    if number is not None and number != int(number):
        check.add(check.join(path, key), f"{number!r} must be a whole number")
    return None if number is None else int(number)


def _answers(check: Checker, raw: Any, path: str, scale: tuple[AnswerOption, ...]) -> tuple[AnswerOption, ...]:
    """One text per value of the model's scale, in the scale's order."""
    items = check.sequence(raw, path)
    if not scale:
        check.add(path, "answers need a model-level `scale`", "declare `scale:` at the top or use `options:`")
        return ()
    if items and len(items) != len(scale):
        check.add(path, f"expected {len(scale)} answer texts (one per scale value), found {len(items)}")
    texts = [check.text({"t": item}, "t", f"{path}[{i}]") for i, item in enumerate(items)]
    return tuple(AnswerOption(o.value, t, o.label) for o, t in zip(scale, texts))


def _options(check: Checker, raw: Any, path: str, required: bool) -> tuple[AnswerOption, ...]:
    items = check.sequence(raw, path)
    if not items:
        check.add(path, "at least two answer options are needed")
        return ()
    out = []
    for i, item in enumerate(items):
        p = f"{path}[{i}]"
        o = check.mapping(item, p)
        check.unknown_keys(o, _OPTION_KEYS, p)
        value = check.number(o, "value", p)
        text = check.text(o, "text", p, required=required)
        label = check.text(o, "label", p, required=False)
        if value is not None:
            out.append(AnswerOption(value, text if required else (text if text.de else label), label))
    if len(items) == 1:
        check.add(path, "at least two answer options are needed")
    check.unique(((str(o.value), f"{path}") for o in out), "option value")
    return tuple(sorted(out, key=lambda o: o.value))


def _levels(check: Checker, doc: dict, scale: tuple[AnswerOption, ...], staging: Staging) -> tuple[Level, ...]:
    activities = staging is Staging.ACTIVITIES
    if "levels" not in doc:
        if activities:
            check.add("levels", "required with `staging: activities`")
            return ()
        if not scale:
            check.add("levels", "required when the model declares no `scale`")
            return ()
        return tuple(Level(i + 1, o.label if o.label.de else Text(str(o.value), str(o.value)), o.value)
                     for i, o in enumerate(scale))
    items = check.sequence(doc["levels"], "levels")
    out: list[Level] = []
    for i, item in enumerate(items):
        p = f"levels[{i}]"
        d = check.mapping(item, p)
        check.unknown_keys(d, _LEVEL_KEYS, p)
        number = check.number(d, "level", p)
        if number is not None and number != int(number):
            check.add(check.join(p, "level"), f"{number!r} must be a whole number")
        name = check.text(d, "name", p)
        if activities:
            threshold = None
            if "threshold" in d:
                check.add(check.join(p, "threshold"), "not used with `staging: activities`",
                          "a level is reached when every activity up to it is done; drop the threshold")
        else:
            threshold = check.number(d, "threshold", p)
        if number is not None and (activities or threshold is not None):
            out.append(Level(int(number), name, threshold))
    check.unique(((str(lv.number), f"levels[{i}].level") for i, lv in enumerate(out)), "level")
    for a, b in zip(out, out[1:]):
        if b.number <= a.number or (not activities and b.threshold <= a.threshold):
            what = "number" if activities else "number and threshold"
            check.add("levels", f"levels must ascend in {what}: level {a.number} "
                                f"({_g(a.threshold)}) then level {b.number} ({_g(b.threshold)})")
    if items == []:
        check.add("levels", "at least one level is needed")
    return tuple(out)


def _check_thresholds(check: Checker, groups: tuple[Group, ...], levels: tuple[Level, ...]) -> None:
    """Every threshold inside what every domain can score under its aggregation (all questions answered)."""
    if not groups or any(len(set(q.values)) < 2 for g in groups for q in g.iter_questions()):
        return  # a question without two distinct options is reported already; its range means nothing
    ranges = {g.id: score_range(g) for g in groups}
    floor = min(lo for lo, _ in ranges.values())
    for i, lv in enumerate(levels):
        path = f"levels[{i}].threshold"
        short = [f"{gid!r} ({_span(ranges[gid])}, {g.aggregation.value})" for gid, g in
                 ((g.id, g) for g in groups) if ranges[gid][1] < lv.threshold - 1e-9]
        if short:
            check.add(path, f"{lv.threshold:g} is above what group {', '.join(short)} can score, so level "
                            f"{lv.number} can never be reached",
                      "thresholds are on the domain score scale: a `sum` adds its children's ranges, a mean keeps them")
        elif lv.threshold < floor - 1e-9:
            low = min(ranges, key=lambda gid: ranges[gid][0])
            check.add(path, f"{lv.threshold:g} is below anything a domain can score (lowest: group {low!r}, "
                            f"{_span(ranges[low])})")


def _check_activities(check: Checker, questions: list[Question], levels: tuple[Level, ...],
                      done_at: float | None, paths: dict[str, str]) -> None:
    """Activity staging: every question names one of the declared levels and can be done."""
    numbers = [lv.number for lv in levels]
    for q in questions:
        path = paths.get(q.id, q.id)
        if q.level is None:
            check.add(path, f"activity {q.id!r} has no `level`", "with `staging: activities` every question "
                                                                   "names the level it belongs to")
        elif numbers and q.level not in numbers:
            check.add(check.join(path, "level"), f"{q.level} is not one of the declared levels {numbers}")
        if done_at is not None and q.options and max(q.values) < done_at - 1e-9:
            check.add(check.join(path, "options"), f"no option reaches done_at {done_at:g}, so {q.id!r} "
                                                   "can never be done")


def _span(r: tuple[float, float]) -> str:
    return f"{r[0]:g}..{r[1]:g}"


def _g(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"
