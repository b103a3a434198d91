"""The kinds of definition file the registry reads, each with the package's own loader.

A kind names the field of ``Definitions`` it fills and a ``read`` function that takes the config
folder, the kinds read so far (a catalogue needs the entities) and a ``Collector``, and returns the
value as far as the file is valid; every problem goes to the collector instead of being raised.
To add a kind of file (alert rules, issue 11): write its ``read`` here, append it to ``KINDS``,
add the field to ``Definitions`` and, if it points at other files, a check to ``references.CHECKS``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from analytics.alert_rules import AlertRules, read_alert_rules
from assessment.loader import load_model
from auth.roles import load_permissions
from core.errors import ConfigError, Problem
from core.yamlio import Checker, load_yaml
from data.schema import read_schema
from kpis.catalogue import Catalogue, read_catalogue
from lifecycle.reality import MaturityLinks, read_links
from scorecards.loader import read_scorecard


@dataclass
class Collector:
    """Every problem of every file, in reading order."""

    problems: list[Problem] = field(default_factory=list)
    checkers: list[Checker] = field(default_factory=list)

    def checker(self, source: str) -> Checker:
        check = Checker(source)
        self.checkers.append(check)
        return check

    def add(self, where: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(where, message, hint))

    def read(self, source: str, load: Callable[[], Any], default: Any) -> Any:
        """``load()``, or ``default`` when it raises ConfigError (its problems are kept, named by ``source``)."""
        try:
            return load()
        except ConfigError as exc:
            self.problems.extend(_relocated(p, source) for p in exc.problems)
            return default

    def all(self) -> list[Problem]:
        """Ordered by file (``entities.yaml`` ... ``scorecards/``), each file's problems in the order found."""
        found = self.problems + [p for c in self.checkers for p in c.problems.items]
        return sorted(found, key=lambda p: p.where.split(":", 1)[0])


def _relocated(problem: Problem, source: str) -> Problem:
    """A problem named by the bare file name (``crm_default.yaml: ...``) named by its path in the config folder."""
    name = Path(source).name
    if source != name and problem.where.startswith(name):
        return Problem(source + problem.where[len(name):], problem.message, problem.hint)
    return problem


def _files(config_dir: Path, folder: str) -> list[Path]:
    return sorted((config_dir / folder).glob("*.y*ml"))


def read_entities(config_dir: Path, found: dict, out: Collector) -> Any:
    check = out.checker("entities.yaml")
    raw = out.read("entities.yaml", lambda: load_yaml(config_dir / "entities.yaml"), None)
    return MappingProxyType(read_schema(raw, check) if raw is not None else {})


def read_kpis(config_dir: Path, found: dict, out: Collector) -> Catalogue:
    raw = out.read("kpis.yaml", lambda: load_yaml(config_dir / "kpis.yaml"), None)
    if raw is None:
        return Catalogue(())
    if not found["entities"]:
        out.add("kpis.yaml", "not checked: entities.yaml could not be read", "fix entities.yaml first")
        return Catalogue(())
    return read_catalogue(raw, out.checker("kpis.yaml"), dict(found["entities"]))


def read_models(config_dir: Path, found: dict, out: Collector) -> Any:
    models = {}
    for path in _files(config_dir, "models"):
        source = f"models/{path.name}"
        model = out.read(source, lambda p=path: load_model(p), None)
        if model is None:
            continue
        if model.id in models:
            first = Path(models[model.id].source).name
            out.add(f"{source}: id", f"duplicate model id {model.id!r} (first in models/{first})")
            continue
        models[model.id] = model
    return MappingProxyType(models)


def read_scorecards(config_dir: Path, found: dict, out: Collector) -> Any:
    cards, origin = {}, {}
    for path in _files(config_dir, "scorecards"):
        source = f"scorecards/{path.name}"
        raw = out.read(source, lambda p=path: load_yaml(p), None)
        if raw is None:
            continue
        check = out.checker(source)
        card = read_scorecard(raw, check, str(path), found["catalogue"])
        if card.id in cards:
            check.add("id", f"duplicate scorecard id {card.id!r} (first in {origin[card.id]})")
            continue
        if card.id:
            cards[card.id], origin[card.id] = card, source
    return MappingProxyType(cards)


def read_maturity_links(config_dir: Path, found: dict, out: Collector) -> MaturityLinks:
    raw = out.read("maturity_links.yaml", lambda: load_yaml(config_dir / "maturity_links.yaml"), None)
    return read_links(raw, out.checker("maturity_links.yaml")) if raw is not None else MaturityLinks(())


def read_permissions(config_dir: Path, found: dict, out: Collector) -> Any:
    return out.read("permissions.yaml", lambda: load_permissions(config_dir / "permissions.yaml"), None)


def read_alerts(config_dir: Path, found: dict, out: Collector) -> AlertRules:
    """``alerts.yaml`` (optional: without it every scorecard is watched with the built-in defaults)."""
    if not (config_dir / "alerts.yaml").is_file():
        return AlertRules()
    raw = out.read("alerts.yaml", lambda: load_yaml(config_dir / "alerts.yaml"), None)
    return read_alert_rules(raw, out.checker("alerts.yaml")) if raw is not None else AlertRules()


@dataclass(frozen=True)
class FileKind:
    name: str      # the field of Definitions
    read: Callable[[Path, dict, Collector], Any]


# in dependency order: the catalogue reads the entities, the scorecards the catalogue
KINDS: tuple[FileKind, ...] = (
    FileKind("entities", read_entities),
    FileKind("catalogue", read_kpis),
    FileKind("models", read_models),
    FileKind("scorecards", read_scorecards),
    FileKind("maturity_links", read_maturity_links),
    FileKind("permissions", read_permissions),
    FileKind("alert_rules", read_alerts),
)
