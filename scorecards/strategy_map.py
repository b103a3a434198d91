"""The strategy map as plain data: objectives as nodes in their perspective's row, ``causes`` as
edges, each node with the status and score of an evaluation (grey without one).

Rows run top-down in the scorecard's perspective order (financial on top, learning & growth at
the bottom in the default); columns number the objectives within a row, left to right in file
order. ``charts.strategy_map`` draws it; any other renderer (Excel, PDF) can too.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.i18n import Text
from scorecards.model import Scorecard
from scorecards.result import ScorecardResult
from scorecards.rules import Status


@dataclass(frozen=True)
class MapNode:
    id: str
    name: Text
    perspective: str
    row: int              # 0 = top row (the first perspective)
    column: int           # 0-based position in the row
    columns: int          # how many objectives the row holds (for centring)
    status: Status
    score: float | None


@dataclass(frozen=True)
class MapEdge:
    source: str           # the objective that drives ...
    target: str           # ... this one
    loop: bool            # part of a feedback loop (the target also drives the source, maybe indirectly)


@dataclass(frozen=True)
class MapRow:
    perspective: str
    name: Text
    row: int
    status: Status
    score: float | None


@dataclass(frozen=True)
class StrategyMap:
    rows: tuple[MapRow, ...]
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]

    def node(self, objective_id: str) -> MapNode:
        return next(n for n in self.nodes if n.id == objective_id)

    def to_dict(self) -> dict:
        return {"rows": [{"perspective": r.perspective, "row": r.row, "status": r.status.value, "score": r.score,
                          "name": {"de": r.name.de, "en": r.name.en}} for r in self.rows],
                "nodes": [{"id": n.id, "perspective": n.perspective, "row": n.row, "column": n.column,
                           "columns": n.columns, "status": n.status.value, "score": n.score,
                           "name": {"de": n.name.de, "en": n.name.en}} for n in self.nodes],
                "edges": [{"source": e.source, "target": e.target, "loop": e.loop} for e in self.edges]}


def _reachable(start: str, links: dict[str, tuple[str, ...]]) -> set[str]:
    seen, todo = set(), list(links.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(links.get(node, ()))
    return seen


def strategy_map(card: Scorecard, result: ScorecardResult | None = None) -> StrategyMap:
    """Nodes and edges of ``card``; statuses and scores from ``result`` when given."""
    scores = {o.id: (o.status, o.score) for o in result.objectives} if result else {}
    p_scores = {p.id: (p.status, p.score) for p in result.perspectives} if result else {}
    rows, nodes = [], []
    for r, perspective in enumerate(card.perspectives):
        status, score = p_scores.get(perspective.id, (Status.GREY, None))
        rows.append(MapRow(perspective.id, perspective.name, r, status, score))
        members = card.objectives_of(perspective.id)
        for c, o in enumerate(members):
            status, score = scores.get(o.id, (Status.GREY, None))
            nodes.append(MapNode(o.id, o.name, o.perspective, r, c, len(members), status, score))
    links = {o.id: o.causes for o in card.objectives}
    edges = tuple(MapEdge(o.id, target, o.id in _reachable(target, links))
                  for o in card.objectives for target in o.causes)
    return StrategyMap(tuple(rows), tuple(nodes), edges)
