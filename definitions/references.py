"""The semantic pass over the whole set: references from one file into another resolve.

Each check takes the loaded ``Definitions`` (as far as each file was valid) and the collector,
and reports every dangling reference with its file and path. References inside one file
(objective causes, formula parts, entity fields of the catalogue) are checked by the file's
own loader; a scorecard's KPI ids are checked by the scorecard loader against the catalogue
the registry hands it.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from definitions.files import Collector
from scorecards.references import did_you_mean

if TYPE_CHECKING:  # the registry imports this module: the type only, no import circle
    from definitions.registry import Definitions

LINKS = "maturity_links.yaml"


def maturity_links(defs: "Definitions", out: Collector) -> None:
    """Link domains are top groups (domains) of a maturity model; linked KPIs are in the catalogue."""
    domains = {g.id for m in defs.models.values() for g in m.groups}
    kpis = set(defs.catalogue.ids)
    for domain, ids in defs.maturity_links.links:
        path = f"links.{domain}"
        if domains and domain not in domains:
            out.add(f"{LINKS}: {path}", f"{domain!r} is not a domain of any maturity model",
                    did_you_mean(domain, domains) or f"domains: {', '.join(sorted(domains))}")
        for i, kpi in enumerate(ids):
            if kpis and kpi not in kpis:
                out.add(f"{LINKS}: {path}[{i}]", f"{kpi!r} is not in the catalogue",
                        did_you_mean(kpi, kpis) or "use an id of the KPI catalogue (python cli.py kpi list)")


def scorecard_directions(defs: "Definitions", out: Collector) -> None:
    """A scorecard that states a catalogue KPI's direction states the catalogue's (churn stays lower-is-better)."""
    known = {k.id: k.direction.value for k in defs.catalogue}
    for card in defs.scorecards.values():
        source = f"scorecards/{Path(card.source).name}"
        for i, objective in enumerate(card.objectives):
            for j, k in enumerate(objective.kpis):
                want = known.get(k.kpi)
                if k.direction_declared and want and k.direction.value != want and k.kind.value != "manual":
                    out.add(f"{source}: objectives[{i}].kpis[{j}].direction",
                            f"{k.direction.value!r} contradicts the catalogue: {k.kpi} is {want}",
                            "leave the direction out to take the catalogue's")


def alert_rules(defs: "Definitions", out: Collector) -> None:
    """Alert rules name existing scorecards, catalogue KPIs (computed ones, on the card they are for)
    and dimensions some catalogue KPI can be sliced by."""
    rules, where = defs.alert_rules, "alerts.yaml"
    cards = set(defs.scorecards)
    for path, card_id in rules.card_refs:
        if cards and card_id not in cards:
            out.add(f"{where}: {path}", f"{card_id!r} is not a scorecard",
                    did_you_mean(card_id, cards) or f"scorecards: {', '.join(sorted(cards))}")
    catalogue = {k.id: k for k in defs.catalogue}
    for path, card_id, kpi in rules.kpi_refs:
        if not catalogue:
            break
        if kpi not in catalogue:
            out.add(f"{where}: {path}", f"{kpi!r} is not in the catalogue",
                    did_you_mean(kpi, catalogue) or "use an id of the KPI catalogue (python cli.py kpi list)")
        elif catalogue[kpi].kind.value != "computed":
            out.add(f"{where}: {path}", f"{kpi!r} is not computed from the data: the monitor has no series of it")
        elif card_id in defs.scorecards and kpi not in defs.scorecards[card_id].computed_kpi_ids:
            out.add(f"{where}: {path}", f"{kpi!r} is not a KPI of scorecard {card_id!r}",
                    "add it to the scorecard, or leave it out here")
    dims = {name for k in defs.catalogue for name, _ in k.dimensions}
    for path, dim in rules.slice_refs:
        if dims and dim not in dims:
            out.add(f"{where}: {path}", f"{dim!r} is no dimension of any catalogue KPI",
                    did_you_mean(dim, dims) or f"dimensions: {', '.join(sorted(dims))}")


CHECKS: tuple[Callable[["Definitions", Collector], None], ...] = (maturity_links, scorecard_directions, alert_rules)
