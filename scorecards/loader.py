"""Read, validate and write scorecard YAML (schema: ``docs/scorecards.md``).

Checked in stages like every definition: shape (types, required keys, enums), then meaning
(ids unique, KPI ids known to the catalogue or declared as manual KPIs, ``causes`` pointing at
existing objectives and never at the objective itself, thresholds and baseline on the side the
direction demands). Every problem is collected with its path and raised as one ConfigError.
Each KPI reference is resolved to its definition: name, unit, kind (computed, external, manual), stages.
Feedback loops in the strategy map (A causes B, B causes A) are allowed; self-links are not.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from core.errors import ConfigError, InputError
from core.i18n import Text
from core.query import Granularity
from core.settings import CONFIG_DIR
from core.yamlio import Checker, load_yaml, parse_yaml
from kpis.definitions import KpiDefinition
from scorecards.model import (Direction, ManualKpi, Objective, Perspective, RollupThresholds, Scorecard,
                              ScorecardKpi, Source, Thresholds)
from scorecards.references import KnownKpis, did_you_mean, known_ids, resolved

SCORECARDS_DIR = CONFIG_DIR / "scorecards"
UNITS = ("ratio", "percent_points", "currency", "days", "hours", "count", "score")

_TOP_KEYS = ("id", "name", "description", "granularity", "rollup", "perspectives", "manual_kpis", "objectives")
_PERSPECTIVE_KEYS = ("id", "name", "weight")
_MANUAL_KEYS = ("id", "name", "unit", "direction", "description")
_OBJECTIVE_KEYS = ("id", "name", "description", "perspective", "weight", "causes", "kpis")
_KPI_KEYS = ("kpi", "name", "target", "baseline", "thresholds", "direction", "weight", "source")
_EMPTY = Text("", "")

def load_scorecard(path: str | Path, known_kpis: KnownKpis = None) -> Scorecard:
    """Read a scorecard file; raise ConfigError listing every problem.

    ``known_kpis``: the KPI ``Catalogue`` the card is checked and resolved against (name, unit,
    kind, stages, direction of each KPI); or, as before, the ids the card may name (a set, or a
    mapping id -> default direction), resolved against the shipped catalogue; None skips the
    "KPI exists" check (then every KPI must state its direction).
    """
    p = Path(path)
    return _build(load_yaml(p), p.name, str(p), known_kpis)


def parse_scorecard(text: str, source: str = "scorecard.yaml", known_kpis: KnownKpis = None) -> Scorecard:
    return _build(parse_yaml(text, source), source, source, known_kpis)


def list_scorecards(directory: str | Path = SCORECARDS_DIR, known_kpis: KnownKpis = None) -> list[Scorecard]:
    """Every scorecard in ``directory`` (``*.yaml``), sorted by id; one error lists all broken files."""
    cards, problems = [], []
    for path in sorted(Path(directory).glob("*.y*ml")):
        try:
            cards.append(load_scorecard(path, known_kpis))
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(f"{directory}: {len(problems)} problem(s) in scorecards", problems,
                          key="scorecard.problems", values={"folder": str(directory), "count": len(problems)})
    return sorted(cards, key=lambda c: c.id)


def find_scorecard(scorecard_id: str, directory: str | Path = SCORECARDS_DIR,
                   known_kpis: KnownKpis = None) -> Scorecard:
    """The scorecard with ``scorecard_id`` in ``directory`` (or at that path, if it is a file)."""
    if Path(scorecard_id).is_file():
        return load_scorecard(scorecard_id, known_kpis)
    candidate = Path(directory) / f"{scorecard_id}.yaml"
    if candidate.is_file():
        card = load_scorecard(candidate, known_kpis)
        if card.id == scorecard_id:
            return card
    for card in list_scorecards(directory, known_kpis):
        if card.id == scorecard_id:
            return card
    names = sorted(p.stem for p in Path(directory).glob("*.y*ml"))
    raise InputError(f"no scorecard {scorecard_id!r}", hint=f"one of {names}, or a path to a YAML file",
                     key="scorecard.unknown", values={"scorecard": scorecard_id, "names": ", ".join(names)},
                     hint_key="scorecard.unknown_hint")


def _build(raw: Any, source: str, location: str, known_kpis: KnownKpis) -> Scorecard:
    card = read_scorecard(raw, check := Checker(source), location, known_kpis)
    check.done()
    return card


def read_scorecard(raw: Any, check: Checker, location: str, known_kpis: KnownKpis) -> Scorecard:
    """The scorecard as far as it is valid; problems go to ``check`` (``definitions`` raises them)."""
    doc = check.mapping(raw, "")
    check.unknown_keys(doc, _TOP_KEYS, "")
    card_id = check.ident(doc, "id", "")
    name = check.text(doc, "name", "")
    description = check.text(doc, "description", "", required=False)
    granularity = check.enum(doc, "granularity", "", Granularity, required=False, default=Granularity.QUARTER)
    rollup = _rollup(check, doc)
    catalogue, definitions = known_ids(known_kpis)

    perspectives = tuple(_perspective(check, p, f"perspectives[{i}]")
                         for i, p in enumerate(_list(check, doc, "perspectives", required=True)))
    check.unique(((p.id, f"perspectives[{i}].id") for i, p in enumerate(perspectives)), "perspective id")
    manual = tuple(_manual(check, m, f"manual_kpis[{i}]", catalogue)
                   for i, m in enumerate(_list(check, doc, "manual_kpis", required=False)))
    check.unique(((m.id, f"manual_kpis[{i}].id") for i, m in enumerate(manual)), "manual KPI id")

    raw_objectives = _list(check, doc, "objectives", required=True)
    perspective_ids = [p.id for p in perspectives]
    manual_by_id = {m.id: m for m in manual}
    objectives = tuple(_objective(check, o, f"objectives[{i}]", perspective_ids, catalogue, manual_by_id,
                                  definitions) for i, o in enumerate(raw_objectives))
    check.unique(((o.id, f"objectives[{i}].id") for i, o in enumerate(objectives)), "objective id")
    check.unique(((k.kpi, f"objectives[{i}].kpis[{j}].kpi") for i, o in enumerate(objectives)
                  for j, k in enumerate(o.kpis)), "KPI")
    objective_ids = {o.id for o in objectives}
    for i, o in enumerate(objectives):
        for j, cause in enumerate(o.causes):
            path = f"objectives[{i}].causes[{j}]"
            if cause == o.id:
                check.add(path, f"objective {o.id!r} cannot cause itself", "remove the self-link")
            elif cause not in objective_ids:
                check.add(path, f"unknown objective {cause!r}", f"one of {sorted(objective_ids)}")
    return Scorecard(id=card_id, name=name, granularity=granularity, perspectives=perspectives,
                     objectives=objectives, manual_kpis=manual, rollup=rollup, description=description,
                     source=location)


def _list(check: Checker, d: dict, key: str, required: bool) -> list:
    value = check.get(d, key, "", required, None)
    if value is None:
        return []
    items = check.sequence(value, key)
    if required and isinstance(value, list) and not items:
        check.add(key, "needs at least one entry")
    return items


def _rollup(check: Checker, doc: dict) -> RollupThresholds:
    if "rollup" not in doc:
        return RollupThresholds()
    d = check.mapping(doc["rollup"], "rollup")
    check.unknown_keys(d, ("green", "amber"), "rollup")
    green = check.number(d, "green", "rollup", required=False, default=0.9, minimum=0, maximum=1)
    amber = check.number(d, "amber", "rollup", required=False, default=0.6, minimum=0, maximum=1)
    if green is not None and amber is not None and green < amber:
        check.add("rollup", f"green {green:g} must be >= amber {amber:g} (a roll-up score: higher is better)")
    return RollupThresholds(green or 0.0, amber or 0.0)


def _perspective(check: Checker, raw: Any, path: str) -> Perspective:
    d = check.mapping(raw, path)
    check.unknown_keys(d, _PERSPECTIVE_KEYS, path)
    weight = check.number(d, "weight", path, required=False, default=1.0, minimum=0, exclusive_min=True)
    return Perspective(check.ident(d, "id", path), check.text(d, "name", path), weight)


def _manual(check: Checker, raw: Any, path: str, catalogue: dict | None) -> ManualKpi:
    d = check.mapping(raw, path)
    check.unknown_keys(d, _MANUAL_KEYS, path)
    kpi_id = check.ident(d, "id", path)
    if catalogue is not None and kpi_id in catalogue:
        check.add(check.join(path, "id"), f"{kpi_id!r} is a catalogue KPI", "give the manual KPI another id")
    return ManualKpi(id=kpi_id, name=check.text(d, "name", path), unit=check.choice(d, "unit", path, UNITS),
                     direction=check.enum(d, "direction", path, Direction) or Direction.HIGHER_IS_BETTER,
                     description=check.text(d, "description", path, required=False))


def _objective(check: Checker, raw: Any, path: str, perspective_ids: list[str], catalogue: dict | None,
               manual: dict[str, ManualKpi], definitions: dict[str, KpiDefinition]) -> Objective:
    d = check.mapping(raw, path)
    check.unknown_keys(d, _OBJECTIVE_KEYS, path)
    perspective = check.str(d, "perspective", path)
    if perspective is not None and perspective not in perspective_ids:
        check.add(check.join(path, "perspective"), f"unknown perspective {perspective!r}",
                  f"one of {perspective_ids}")
    causes = []
    for j, c in enumerate(check.sequence(d["causes"], check.join(path, "causes")) if "causes" in d else []):
        if isinstance(c, str):
            causes.append(c)
        else:
            check.add(f"{path}.causes[{j}]", f"expected an objective id, found {c!r}")
    value = check.get(d, "kpis", path)
    raw_kpis = check.sequence(value, check.join(path, "kpis")) if value is not None else []
    if isinstance(d.get("kpis"), list) and not raw_kpis:
        check.add(check.join(path, "kpis"), "an objective needs at least one KPI")
    kpis = tuple(_kpi(check, k, f"{path}.kpis[{j}]", catalogue, manual, definitions) for j, k in enumerate(raw_kpis))
    return Objective(id=check.ident(d, "id", path), name=check.text(d, "name", path), perspective=perspective,
                     kpis=kpis, weight=check.number(d, "weight", path, required=False, default=1.0, minimum=0,
                                                    exclusive_min=True),
                     causes=tuple(causes), description=check.text(d, "description", path, required=False))


def _kpi(check: Checker, raw: Any, path: str, catalogue: dict | None, manual: dict[str, ManualKpi],
         definitions: dict[str, KpiDefinition]) -> ScorecardKpi:
    d = check.mapping(raw, path)
    check.unknown_keys(d, _KPI_KEYS, path)
    kpi_id = check.ident(d, "kpi", path)
    declared_manual = manual.get(kpi_id)
    source = check.enum(d, "source", path, Source, required=False,
                        default=Source.MANUAL if declared_manual else Source.ENGINE)
    if source is Source.MANUAL and kpi_id is not None and declared_manual is None:
        check.add(check.join(path, "kpi"), f"manual KPI {kpi_id!r} is not declared",
                  "declare it under manual_kpis (id, name, unit, direction)")
    elif source is Source.ENGINE and kpi_id is not None and catalogue is not None and kpi_id not in catalogue:
        check.add(check.join(path, "kpi"), f"{kpi_id!r} is not in the catalogue",
                  did_you_mean(kpi_id, catalogue) or "use an id of the KPI catalogue (python cli.py kpi list) "
                  "or declare it under manual_kpis")

    default = declared_manual.direction if declared_manual else (catalogue or {}).get(kpi_id)
    direction = check.enum(d, "direction", path, Direction, required=default is None, default=default)
    direction = direction or Direction.HIGHER_IS_BETTER
    target = check.number(d, "target", path)
    baseline = check.number(d, "baseline", path, required=False)
    weight = check.number(d, "weight", path, required=False, default=1.0, minimum=0, exclusive_min=True)
    thresholds = _thresholds(check, d, path, target, direction)
    if target is not None and baseline is not None:
        if baseline == target:
            check.add(check.join(path, "baseline"), f"baseline {baseline:g} equals the target",
                      "leave the baseline out or set it where you started")
        elif (baseline > target) if direction.higher else (baseline < target):
            side = "below" if direction.higher else "above"
            check.add(check.join(path, "baseline"),
                      f"baseline {baseline:g} must be {side} the target {target:g} for {direction.value}")
    name = check.text(d, "name", path) if "name" in d else None
    return ScorecardKpi(kpi=kpi_id, target=target if target is not None else 0.0, direction=direction,
                        thresholds=thresholds, weight=weight, baseline=baseline, source=source,
                        thresholds_declared="thresholds" in d, direction_declared="direction" in d,
                        name_declared=name is not None,
                        **resolved(name, declared_manual if source is Source.MANUAL else None,
                                   definitions.get(kpi_id) if source is Source.ENGINE else None))


def _thresholds(check: Checker, d: dict, path: str, target: float | None, direction: Direction) -> Thresholds:
    if "thresholds" not in d:
        return Thresholds.from_target(target or 0.0, direction)
    tpath = check.join(path, "thresholds")
    t = check.mapping(d["thresholds"], tpath)
    check.unknown_keys(t, ("green", "amber"), tpath)
    green, amber = check.number(t, "green", tpath), check.number(t, "amber", tpath)
    if green is None or amber is None:
        return Thresholds.from_target(target or 0.0, direction)
    result = Thresholds(green, amber)
    if not result.consistent(direction):
        op = ">=" if direction.higher else "<="
        check.add(tpath, f"green {green:g} must be {op} amber {amber:g} for {direction.value}",
                  "swap the two values or change the direction")
    return result


def to_dict(card: Scorecard) -> dict:
    """The scorecard as plain data in the YAML schema (derived defaults are left out)."""
    def text(t: Text) -> dict:
        return {"de": t.de, "en": t.en}

    def kpi(k: ScorecardKpi) -> dict:
        out: dict[str, Any] = {"kpi": k.kpi}
        if k.name_declared and k.name is not None:
            out["name"] = text(k.name)
        out["target"] = k.target
        if k.baseline is not None:
            out["baseline"] = k.baseline
        if k.thresholds_declared:
            out["thresholds"] = {"green": k.thresholds.green, "amber": k.thresholds.amber}
        if k.direction_declared:
            out["direction"] = k.direction.value
        out["weight"] = k.weight
        if k.source is Source.MANUAL:
            out["source"] = "manual"
        return out

    doc: dict[str, Any] = {"id": card.id, "name": text(card.name)}
    if card.description != _EMPTY:
        doc["description"] = text(card.description)
    doc["granularity"] = card.granularity.value
    doc["rollup"] = {"green": card.rollup.green, "amber": card.rollup.amber}
    doc["perspectives"] = [{"id": p.id, "name": text(p.name), "weight": p.weight} for p in card.perspectives]
    if card.manual_kpis:
        doc["manual_kpis"] = [{"id": m.id, "name": text(m.name), "unit": m.unit, "direction": m.direction.value,
                               **({"description": text(m.description)} if m.description != _EMPTY else {})}
                              for m in card.manual_kpis]
    doc["objectives"] = [{"id": o.id, "name": text(o.name),
                          **({"description": text(o.description)} if o.description != _EMPTY else {}),
                          "perspective": o.perspective, "weight": o.weight, "causes": list(o.causes),
                          "kpis": [kpi(k) for k in o.kpis]} for o in card.objectives]
    return doc


def to_yaml(card: Scorecard) -> str:
    """YAML text that ``parse_scorecard`` reads back to an equal scorecard (for a client's edited copy)."""
    return yaml.safe_dump(to_dict(card), sort_keys=False, allow_unicode=True, width=120)
