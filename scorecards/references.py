"""A scorecard's KPI references, resolved against the KPI catalogue.

A card names catalogue KPIs (computed by the engine, or ``kind: external``: supplied by the caller)
and its own manual KPIs. ``known_ids`` turns the loader's ``known_kpis`` argument into the ids a
card may name (with their default direction) and the definitions to resolve them from;
``resolved`` gives one KPI its name, unit, kind and stages.
"""
from __future__ import annotations

import difflib
from typing import Iterable, Mapping

from core.i18n import Text
from kpis.catalogue import Catalogue, load_catalogue
from kpis.definitions import Kind, KpiDefinition
from scorecards.model import Direction, KpiKind, ManualKpi

KnownKpis = Catalogue | Mapping[str, "Direction | str"] | Iterable[str] | None


def known_ids(known_kpis: KnownKpis) -> tuple[dict[str, Direction | None] | None, dict[str, KpiDefinition]]:
    """(the ids a card may name with their default direction, None: no check; the definitions)."""
    if isinstance(known_kpis, Catalogue):
        return {k.id: Direction(k.direction.value) for k in known_kpis}, {k.id: k for k in known_kpis}
    definitions = {k.id: k for k in load_catalogue()}
    if known_kpis is None:
        return None, definitions
    if isinstance(known_kpis, Mapping):
        return {str(k): (Direction(v) if v else None) for k, v in known_kpis.items()}, definitions
    return {str(k): None for k in known_kpis}, definitions


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """``did you mean 'win_rate'?`` for a close choice (``win_rat``), else ''."""
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.75)
    return f"did you mean {close[0]!r}?" if close else ""


def resolved(name: Text | None, manual: ManualKpi | None, definition: KpiDefinition | None) -> dict:
    """Name (the card's own first), unit, kind and stages from the manual KPI or the catalogue."""
    if manual is not None:
        return dict(name=name or manual.name, unit=manual.unit, kind=KpiKind.MANUAL, stages=())
    if definition is None:
        return dict(name=name, unit="score", kind=KpiKind.COMPUTED, stages=())
    kind = KpiKind.EXTERNAL if definition.kind is Kind.EXTERNAL else KpiKind.COMPUTED
    return dict(name=name or definition.name, unit=definition.unit.value, kind=kind,
                stages=tuple(s.value for s in definition.stages))
