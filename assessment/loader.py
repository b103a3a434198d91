"""Read and validate a maturity model YAML file (schema: ``docs/maturity-models.md``).

Checked in stages like every definition: shape (types, required keys, enums), then meaning
(ids unique across the whole tree, options with distinct values, stage thresholds inside the
scale and ascending). Every problem is collected with its path and raised as one ConfigError.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from assessment.model import Aggregation, AnswerOption, Group, Level, MaturityModel, Question
from core.errors import ConfigError
from core.i18n import Text
from core.yamlio import Checker, load_yaml, parse_yaml

MODELS_DIR = Path(__file__).resolve().parent.parent / "config" / "models"

_MODEL_KEYS = ("id", "name", "version", "description", "scale", "levels", "discuss_spread", "groups")
_GROUP_KEYS = ("id", "name", "description", "weight", "aggregation", "questions", "groups")
_QUESTION_KEYS = ("id", "text", "help", "evidence", "weight", "not_applicable_allowed", "answers", "options")
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
        raise ConfigError(f"{directory}: {len(problems)} problem(s) in maturity models", problems)
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

    ids: list[tuple[str, str]] = []
    raw_groups = check.sequence(check.get(doc, "groups", ""), "groups") if "groups" in doc else []
    if "groups" in doc and not raw_groups and isinstance(doc.get("groups"), list):
        check.add("groups", "a model needs at least one group")
    groups = tuple(_group(check, g, f"groups[{i}]", scale, ids) for i, g in enumerate(raw_groups))
    check.unique(ids)

    questions = [q for g in groups if g for q in g.iter_questions()]
    values = [v for q in questions for v in q.values] or [o.value for o in scale]
    lo, hi = (min(values), max(values)) if values else (None, None)
    levels = _levels(check, doc, scale, lo, hi)
    if discuss is None:
        discuss = 2.0 if hi is None or lo is None else (hi - lo) / 2
    check.done()
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()
    return MaturityModel(id=model_id, name=name, version=str(version), groups=groups, levels=levels,
                         description=description, scale=scale, discuss_spread=discuss,
                         model_hash=digest[:16], source=location)


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
                    not_applicable_allowed=check.boolean(d, "not_applicable_allowed", path, default=True))


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


def _levels(check: Checker, doc: dict, scale: tuple[AnswerOption, ...], lo: float | None,
            hi: float | None) -> tuple[Level, ...]:
    if "levels" not in doc:
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
        name = check.text(d, "name", p)
        threshold = check.number(d, "threshold", p)
        if number is not None and number != int(number):
            check.add(check.join(p, "level"), f"{number!r} must be a whole number")
        if threshold is not None and lo is not None and hi is not None and not lo <= threshold <= hi:
            check.add(check.join(p, "threshold"), f"{threshold:g} is outside the scale {lo:g}..{hi:g}")
        if number is not None and threshold is not None:
            out.append(Level(int(number), name, threshold))
    check.unique(((str(lv.number), f"levels[{i}].level") for i, lv in enumerate(out)), "level")
    for a, b in zip(out, out[1:]):
        if b.number <= a.number or b.threshold <= a.threshold:
            check.add("levels", f"levels must ascend in number and threshold: level {a.number} "
                                f"({a.threshold:g}) then level {b.number} ({b.threshold:g})")
    if items == []:
        check.add("levels", "at least one level is needed")
    return tuple(out)
