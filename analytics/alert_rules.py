"""Alert rules (``config/alerts.yaml``): which KPIs the monitor watches, how sensitive it is, how
much history a trend break needs, which slices it looks at, and how long a KPI needs to settle.
Pure; read by the definitions registry (``definitions.files.read_alerts``), whose semantic pass
checks the scorecard and KPI ids against the scorecards and the catalogue
(``definitions.references.alert_rules``).

    defaults:                      # every scorecard; each key optional
      sensitivity: 3               # k in median ± k · 1.4826 · MAD
      min_history: 6               # periods of history a trend break needs
      window: 12                   # past periods the band is drawn from
      slices: [channel, segment]   # dimensions watched besides the total
      settle: 0                    # newest periods not judged yet (the KPI still changes there)
      every: month                 # period length of the trend-break check
      forecast_periods: 2          # "turns red" looks this many scorecard periods ahead (0: never)
      kpis: null                   # the KPIs watched
    scorecards:
      crm_default:
        sensitivity: 2.5           # what differs for one card; the rest from defaults
        kpis:                      # a mapping: what differs for one KPI (all are still watched)
          win_back_rate: {settle: 3}

What a YAML ``null`` means, key by key (what a user reads into it): ``kpis: null`` every computed
KPI of the scorecard (``[]``: none); ``window: null`` no limit, the whole history;
``sensitivity``, ``min_history``, ``slices``, ``settle``, ``every``, ``forecast_periods``: ``null``
the default (in a card block the ``defaults:`` value, in ``defaults:`` the built-in one, in a KPI's
block the card's). ``slices: []`` watches the total only. A missing file is the built-in defaults.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from core.yamlio import Checker

EVERY = ("month", "quarter")
PER_KPI = ("sensitivity", "min_history", "window", "slices", "settle")
_KEYS = PER_KPI + ("every", "kpis", "forecast_periods")
MAX_SETTLE = 24


@dataclass(frozen=True)
class Rules:
    """How the monitor watches one scorecard (``for_kpi``: one KPI of it)."""

    k: float = 3.0
    min_history: int = 6
    window: int | None = 12               # None: the whole history
    slices: tuple[str, ...] = ("channel", "segment")
    kpis: tuple[str, ...] | None = None   # None: every computed KPI of the card
    every: str = "month"
    forecast_periods: int = 2             # turns_red looks this many card periods ahead; 0: never
    settle: int = 0                       # the newest periods of the data not judged yet
    # per KPI what differs from the card's rules: ((kpi, ((field, value), ...)), ...)
    overrides: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()

    def for_kpi(self, kpi: str) -> "Rules":
        """The rules one KPI is judged by: the card's with the KPI's own values over them."""
        changes = dict(self.overrides).get(kpi)
        return replace(self, **dict(changes)) if changes else self

    def groups(self, kpis) -> dict["Rules", list[str]]:
        """``kpis`` by the rules they are judged by (one trend-break pass per distinct rule set)."""
        out: dict[Rules, list[str]] = {}
        for kpi in kpis:
            out.setdefault(replace(self.for_kpi(kpi), kpis=None, overrides=()), []).append(kpi)
        return out


@dataclass(frozen=True)
class AlertRules:
    """The rules of every scorecard: ``for_card(id)`` (the defaults for a card without a block)."""

    defaults: Rules = Rules()
    cards: Mapping[str, Rules] = field(default_factory=lambda: MappingProxyType({}))
    # where each reference stands in the file, for the semantic pass: (path, scorecard id or None, value)
    kpi_refs: tuple[tuple[str, str | None, str], ...] = ()
    slice_refs: tuple[tuple[str, str], ...] = ()
    card_refs: tuple[tuple[str, str], ...] = ()

    def for_card(self, scorecard_id: str) -> Rules:
        return self.cards.get(scorecard_id, self.defaults)


def read_alert_rules(raw: Any, check: Checker) -> AlertRules:
    """Shape of ``alerts.yaml``: types, ranges, known keys; references are checked by the registry."""
    if raw is None:
        return AlertRules()
    top = check.mapping(raw, "")
    check.unknown_keys(top, ("defaults", "scorecards"), "")
    refs: dict[str, list] = {"kpi": [], "slice": [], "card": []}
    defaults = _block(check, top.get("defaults"), "defaults", Rules(), None, refs)
    cards = {}
    for card_id, block in check.mapping(top.get("scorecards") or {}, "scorecards").items():
        path = check.join("scorecards", str(card_id))
        refs["card"].append((path, str(card_id)))
        cards[str(card_id)] = _block(check, block, path, defaults, str(card_id), refs)
    return AlertRules(defaults, MappingProxyType(cards), tuple(refs["kpi"]), tuple(refs["slice"]),
                      tuple(refs["card"]))


def _block(check: Checker, raw: Any, path: str, base: Rules, card: str | None, refs: dict) -> Rules:
    if raw is None:
        return base
    block = check.mapping(raw, path)
    check.unknown_keys(block, _KEYS, path)
    changes = _changes(check, block, path, base, refs)
    if block.get("forecast_periods") is not None:
        value = block["forecast_periods"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 12:
            check.add(check.join(path, "forecast_periods"), f"expected a whole number 0..12, found {value!r}")
        else:
            changes["forecast_periods"] = value
    if block.get("every") is not None:
        changes["every"] = check.choice(block, "every", path, EVERY, default=base.every)
    if "kpis" in block:
        changes["kpis"], changes["overrides"] = _kpis(check, block["kpis"], check.join(path, "kpis"), base, card, refs)
    return replace(base, **changes)


def _changes(check: Checker, block: dict, path: str, base: Rules, refs: dict) -> dict[str, Any]:
    """The keys a KPI may set too (``PER_KPI``), checked; a ``null`` is no change (``window``: no limit)."""
    changes: dict[str, Any] = {}
    if block.get("sensitivity") is not None:
        changes["k"] = check.number(block, "sensitivity", path, minimum=0, exclusive_min=True, default=base.k)
    if block.get("min_history") is not None:
        changes["min_history"] = _count(check, block, "min_history", path, base.min_history)
    if "window" in block:
        changes["window"] = None if block["window"] is None else _count(check, block, "window", path, base.window)
    if block.get("settle") is not None:
        value = block["settle"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SETTLE:
            check.add(check.join(path, "settle"), f"expected a whole number of periods 0..{MAX_SETTLE}, found {value!r}")
        else:
            changes["settle"] = value
    if block.get("slices") is not None:
        changes["slices"] = _ids(check, block["slices"], check.join(path, "slices"), refs["slice"])
    return changes


def _kpis(check: Checker, raw: Any, path: str, base: Rules, card: str | None, refs: dict):
    """``kpis:`` null (every computed KPI), a list (only these), or a mapping id -> what differs for
    that KPI: a mapping changes how KPIs are judged, not which are watched (those stay ``base``'s)."""
    if raw is None:
        return None, base.overrides
    if not isinstance(raw, dict):
        ids = _ids(check, raw, path, refs["kpi"], card, kpi=True)
        return ids, tuple(o for o in base.overrides if o[0] in ids)
    overrides = dict(base.overrides)
    for kpi, block in raw.items():
        where = check.join(path, str(kpi))
        refs["kpi"].append((where, card, str(kpi)))
        mine = check.mapping(block, where) if block is not None else {}
        check.unknown_keys(mine, PER_KPI, where)
        changes = {**dict(overrides.get(str(kpi), ())), **_changes(check, mine, where, base, refs)}
        overrides[str(kpi)] = tuple(sorted(changes.items()))
    return base.kpis, tuple((k, v) for k, v in overrides.items() if v)


def _count(check: Checker, block: dict, key: str, path: str, default: int | None) -> int | None:
    value = block[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        check.add(check.join(path, key), f"expected a whole number of periods >= 2, found {value!r}")
        return default
    return value


def _ids(check: Checker, raw: Any, path: str, refs: list, card: str | None = None, kpi: bool = False
         ) -> tuple[str, ...]:
    out = []
    for i, item in enumerate(check.sequence(raw, path)):
        where = f"{path}[{i}]"
        if not isinstance(item, str):
            check.add(where, f"expected an id, found {item!r}", "quote it in YAML")
            continue
        refs.append((where, card, item) if kpi else (where, item))
        out.append(item)
    return tuple(out)
