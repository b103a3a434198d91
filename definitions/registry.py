"""One registry of every definition file, loaded together and checked as a whole.

``load_definitions`` reads ``config/`` (entities, KPI catalogue, maturity models, scorecards,
maturity links, permissions, alert rules) with each package's own loader, then runs the semantic pass of
``definitions.references`` over the whole set, like dbt's manifest validator: every problem of
every file is collected with its file and path and raised as one ConfigError:

    scorecards/crm_default.yaml: objectives[6].kpis[0].kpi: 'win_rat' is not in the catalogue (did you mean 'win_rate'?)

``shipped()`` is the registry of ``config/``, loaded once per process; tests load another
folder with ``load_definitions(path)``. ``check()`` returns the problems instead of raising.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analytics.alert_rules import AlertRules
from assessment.model import MaturityModel
from auth.roles import Permissions
from core.errors import ConfigError, InputError, Problem
from core.settings import CONFIG_DIR
from data.schema import EntitySchema
from definitions.files import KINDS, Collector
from definitions.references import CHECKS
from kpis.catalogue import Catalogue
from lifecycle.reality import MaturityLinks
from scorecards.model import Scorecard


@dataclass(frozen=True, eq=False)
class Definitions:
    """Every definition of one config folder; the mappings are read-only and keyed by id."""

    config_dir: Path
    entities: Mapping[str, EntitySchema]
    catalogue: Catalogue
    models: Mapping[str, MaturityModel]
    scorecards: Mapping[str, Scorecard]
    maturity_links: MaturityLinks
    permissions: Permissions | None
    alert_rules: AlertRules

    def scorecard(self, scorecard_id: str) -> Scorecard:
        if scorecard_id not in self.scorecards:
            raise InputError(f"no scorecard {scorecard_id!r}", hint=f"one of {sorted(self.scorecards)}",
                             key="definitions.no_scorecard", hint_key="definitions.one_of",
                             values={"id": scorecard_id, "choices": ", ".join(sorted(self.scorecards))})
        return self.scorecards[scorecard_id]

    def model(self, model_id: str) -> MaturityModel:
        if model_id not in self.models:
            raise InputError(f"no maturity model {model_id!r}", hint=f"one of {sorted(self.models)}",
                             key="definitions.no_model", hint_key="definitions.one_of",
                             values={"id": model_id, "choices": ", ".join(sorted(self.models))})
        return self.models[model_id]


def _collect(config_dir: Path) -> tuple[Definitions, list[Problem]]:
    out = Collector()
    found: dict = {}
    for kind in KINDS:
        found[kind.name] = kind.read(config_dir, found, out)
    defs = Definitions(config_dir=config_dir, **found)
    for check in CHECKS:
        check(defs, out)
    return defs, out.all()


def load_definitions(config_dir: Path = CONFIG_DIR) -> Definitions:
    """Every definition of ``config_dir``; one ConfigError lists every problem of every file."""
    defs, problems = _collect(Path(config_dir))
    if problems:
        files = len({p.where.split(":", 1)[0] for p in problems})
        raise ConfigError(f"{config_dir}: {len(problems)} problem{'s' if len(problems) != 1 else ''} in "
                          f"{files} definition file{'s' if files != 1 else ''}", problems,
                          hint="each line names the file and the path inside it",
                          key="definitions.problems", hint_key="definitions.problems_hint",
                          values={"folder": str(config_dir), "problems": len(problems), "files": files})
    return defs


def check(config_dir: Path = CONFIG_DIR) -> tuple[Problem, ...]:
    """The problems of ``config_dir`` (empty when every file and every reference is valid)."""
    return tuple(_collect(Path(config_dir))[1])


@lru_cache(maxsize=1)
def shipped() -> Definitions:
    """The registry of the shipped ``config/``, loaded once per process (``shipped.cache_clear()`` reloads)."""
    return load_definitions(CONFIG_DIR)
