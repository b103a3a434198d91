"""Load and validate the KPI catalogue (``config/kpis.yaml``) into frozen ``KpiDefinition``s.

Checked in stages, every problem collected with its path (``kpis[3].parts.numerator.where.chanel``): shape
(keys, types, enums), then meaning (entities and fields exist, formulas use known parts and allowed syntax, ids unique).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.settings import CONFIG_DIR
from core.yamlio import Checker, load_yaml
from data.schema import CUSTOMER_DIMENSIONS, EntitySchema, FieldType, load_schema
from kpis.definitions import (COMPARISONS, ActiveSpan, Agg, Condition, Direction, Duration, Exists, Kind,
                              KpiDefinition, Part, Perspective, Stage, Unit)
from kpis.formulas import check_formula

KPIS_FILE = CONFIG_DIR / "kpis.yaml"
KPI_KEYS = ("id", "name", "description", "unit", "direction", "stage", "perspective", "kind", "entity",
            "date_field", "dimensions", "kept", "parts", "formula", "explain")
PART_KEYS = ("agg", "field", "duration", "where", "per", "having", "exists", "active_at_period_start")


@dataclass(frozen=True)
class Catalogue:
    kpis: tuple[KpiDefinition, ...]

    def __iter__(self) -> Iterator[KpiDefinition]:
        return iter(self.kpis)

    def __len__(self) -> int:
        return len(self.kpis)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(k.id for k in self.kpis)

    def get(self, kpi_id: str) -> KpiDefinition:
        for k in self.kpis:
            if k.id == kpi_id:
                return k
        raise KeyError(kpi_id)
    def by_stage(self, stage: Stage | str) -> tuple[KpiDefinition, ...]:
        return tuple(k for k in self.kpis if Stage(stage) in k.stages)

    def by_perspective(self, perspective: Perspective | str) -> tuple[KpiDefinition, ...]:
        return tuple(k for k in self.kpis if k.perspective is Perspective(perspective))


@lru_cache(maxsize=8)
def _load(path: Path) -> Catalogue:
    return parse_catalogue(load_yaml(path), path.name)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The catalogue at ``path`` (default ``config/kpis.yaml``); ConfigError lists every problem."""
    return _load(Path(path) if path else KPIS_FILE)


def parse_catalogue(raw: Any, source: str = "kpis.yaml", schema: dict[str, EntitySchema] | None = None) -> Catalogue:
    """Check the parsed catalogue against ``schema`` (default: the shipped entities); ConfigError lists all."""
    catalogue = read_catalogue(raw, check := Checker(source), schema)
    check.done()
    return catalogue


def read_catalogue(raw: Any, check: Checker, schema: dict[str, EntitySchema] | None = None) -> Catalogue:
    """The catalogue as far as it is valid; problems go to ``check`` (``definitions`` raises them)."""
    schema = load_schema() if schema is None else schema
    root = check.mapping(raw, "")
    check.unknown_keys(root, ("kpis",), "")
    kpis, ids = [], []
    for i, item in enumerate(check.sequence(root.get("kpis"), "kpis")):
        path = f"kpis[{i}]"
        kpi = _kpi(check, check.mapping(item, path), path, schema)
        if kpi is not None:
            kpis.append(kpi)
            ids.append((kpi.id, f"{path}.id"))
    check.unique(ids, "KPI id")
    return Catalogue(tuple(kpis))


def _kpi(check: Checker, d: dict, path: str, schema: dict[str, EntitySchema]) -> KpiDefinition | None:
    if not d:
        return None
    check.unknown_keys(d, KPI_KEYS, path)
    kind = check.enum(d, "kind", path, Kind, required=False, default=Kind.COMPUTED)
    common = dict(
        id=check.ident(d, "id", path), name=check.text(d, "name", path),
        description=check.text(d, "description", path),
        unit=check.enum(d, "unit", path, Unit, default=Unit.SCORE),
        direction=check.enum(d, "direction", path, Direction, default=Direction.HIGHER_IS_BETTER),
        stages=_stages(check, d, path),
        perspective=check.enum(d, "perspective", path, Perspective, default=Perspective.CUSTOMER),
        kind=kind, explain=check.text(d, "explain", path) if "explain" in d else None)
    if kind is Kind.EXTERNAL:
        for key in ("entity", "date_field", "parts", "formula", "dimensions"):
            if key in d:
                check.add(check.join(path, key), "not allowed for kind external (the caller supplies the value)")
        return KpiDefinition(**common)
    entity = check.choice(d, "entity", path, list(schema))
    fields = {f.name: f.type for f in schema[entity].fields} if entity else {}
    kept = tuple(str(k) for k in check.sequence(d.get("kept", []), f"{path}.kept"))
    for k in kept:
        fields.setdefault(k, FieldType.TEXT)
    date_field = check.str(d, "date_field", path, required=False)
    if date_field is not None and entity and fields.get(date_field) is not FieldType.DATE:
        check.add(f"{path}.date_field", f"{date_field!r} is not a date field of {entity}")
    dims = _dimensions(check, d.get("dimensions", []), f"{path}.dimensions", entity, fields)
    parts = []
    for name, spec in check.mapping(d.get("parts"), f"{path}.parts").items():
        ppath = f"{path}.parts.{name}"
        if not str(name).isidentifier() or str(name).startswith("_"):
            check.add(ppath, "a part name must be a plain identifier (letters, digits, _)")
        parts.append(_part(check, str(name), check.mapping(spec, ppath), ppath, entity, fields, schema, date_field))
    if not parts and "parts" in d:
        check.add(f"{path}.parts", "a computed KPI needs at least one part")
    names = {p.name for p in parts}
    default = ("numerator / denominator" if {"numerator", "denominator"} <= names
               else next(iter(names)) if len(names) == 1 else None)
    formula = check.str(d, "formula", path, required=default is None, default=default) or ""
    if formula and names:
        for problem in check_formula(formula, frozenset(names)):
            check.add(f"{path}.formula", problem)
    if common["unit"] is Unit.RATIO and parts and not {"numerator", "denominator"} <= names:
        check.add(f"{path}.parts", "a ratio KPI names its parts numerator and denominator")
    return KpiDefinition(**common, entity=entity, date_field=date_field, dimensions=dims, kept=kept,
                         parts=tuple(parts), formula=formula)


def _stages(check: Checker, d: dict, path: str) -> tuple[Stage, ...]:
    """``stage: retention`` or ``stage: [selection, acquisition]``."""
    raw = d.get("stage")
    if not isinstance(raw, list):
        stage = check.enum(d, "stage", path, Stage)
        return (stage,) if stage else ()
    choices = [s.value for s in Stage]
    for j, s in enumerate(raw):
        if s not in choices:
            check.add(f"{path}.stage[{j}]", f"{s!r} is not one of {choices}")
    return tuple(Stage(s) for s in raw if s in choices)


def _dimensions(check: Checker, raw: Any, path: str, entity: str | None, fields: dict) -> tuple[tuple[str, str], ...]:
    out: dict[str, str] = {}
    for j, item in enumerate(check.sequence(raw, path)):
        pairs = item.items() if isinstance(item, dict) else [(item, item)]
        for alias, column in pairs:
            if not isinstance(column, str) or column not in fields:
                check.add(f"{path}[{j}]", f"{column!r} is not a field of {entity}")
                continue
            out[str(alias)] = column
    if entity and "customer_id" in fields:  # customer dimensions through the join with customers
        for dim in CUSTOMER_DIMENSIONS:
            out.setdefault(dim, dim)
    return tuple(out.items())


def _part(check: Checker, name: str, d: dict, path: str, entity: str | None, fields: dict,
          schema: dict, date_field: str | None) -> Part:
    check.unknown_keys(d, PART_KEYS, path)
    agg = check.enum(d, "agg", path, Agg, default=Agg.COUNT)
    field = _field(check, d.get("field"), f"{path}.field", entity, fields) if "field" in d else None
    duration = None
    if "duration" in d:
        dd = check.mapping(d["duration"], f"{path}.duration")
        check.unknown_keys(dd, ("from", "to", "unit"), f"{path}.duration")
        start, end = (_field(check, dd.get(k), f"{path}.duration.{k}", entity, fields, FieldType.DATE)
                      for k in ("from", "to"))
        duration = Duration(start or "", end or "", check.choice(dd, "unit", f"{path}.duration", ["days", "hours"],
                                                                  default="days"))
    if agg not in (Agg.COUNT, None) and "field" not in d and "duration" not in d:
        check.add(f"{path}.agg", f"{agg.value if agg else '?'} needs a field or a duration")
    if field and duration:
        check.add(path, "give either field or duration, not both")
    if agg in (Agg.SUM, Agg.MEAN, Agg.MEDIAN) and field and fields.get(field) not in (FieldType.NUMBER,
                                                                                       FieldType.INTEGER, None):
        check.add(f"{path}.field", f"{agg.value} needs a number field, {field!r} is {fields[field].value}")
    where = _where(check, d.get("where", {}), f"{path}.where", entity, fields)
    per = _field(check, d["per"], f"{path}.per", entity, fields) if "per" in d else None
    having: list[tuple[str, float]] = []
    if "having" in d:
        if per is None:
            check.add(f"{path}.having", "having needs per (the entity to count, e.g. per: customer_id)")
        hd = check.mapping(d["having"], f"{path}.having")
        check.unknown_keys(hd, COMPARISONS, f"{path}.having")
        having = [(op, v) for op in COMPARISONS
                  if (v := check.number(hd, op, f"{path}.having", required=False)) is not None]
    exists = _exists(check, d["exists"], f"{path}.exists", entity, fields, schema) if "exists" in d else None
    active = None
    if "active_at_period_start" in d:
        raw = d["active_at_period_start"]
        ap = f"{path}.active_at_period_start"
        if raw is True:
            start = schema[entity].date_field if entity else None
            active = ActiveSpan(start or "", date_field or "")
        else:
            ad = check.mapping(raw, ap)
            check.unknown_keys(ad, ("from", "to"), ap)
            active = ActiveSpan(*(_field(check, ad.get(k), f"{ap}.{k}", entity, fields, FieldType.DATE) or ""
                                  for k in ("from", "to")))
        if agg is not Agg.COUNT or per:
            check.add(ap, "active_at_period_start works with agg: count and without per")
    return Part(name, agg or Agg.COUNT, field, duration, where, per, tuple(having), exists, active)


def _field(check: Checker, value: Any, path: str, entity: str | None, fields: dict,
           want: FieldType | None = None) -> str | None:
    if not isinstance(value, str) or value not in fields:
        if entity:
            check.add(path, f"{value!r} is not a field of {entity}", "fields: " + ", ".join(sorted(fields)))
        return None
    if want is not None and fields[value] is not want:
        check.add(path, f"{value!r} is not a {want.value} field")
    return value


def _where(check: Checker, raw: Any, path: str, entity: str | None, fields: dict) -> tuple[Condition, ...]:
    out = []
    for fname, cond in check.mapping(raw, path).items():
        cpath = f"{path}.{fname}"
        fname = _field(check, fname, cpath, entity, fields)
        if fname is None:
            continue
        ftype = fields[fname]
        if isinstance(cond, dict):
            for op, value in cond.items():
                if op == "in":
                    values = check.sequence(value, f"{cpath}.in")
                    out.append(Condition(fname, "in", tuple(_value(check, v, ftype, f"{cpath}.in") for v in values)))
                elif op == "is_null":
                    if not isinstance(value, bool):
                        check.add(f"{cpath}.is_null", f"expected true or false, found {value!r}")
                    out.append(Condition(fname, "is_null", bool(value)))
                elif op in COMPARISONS:
                    if ftype not in (FieldType.NUMBER, FieldType.INTEGER, FieldType.DATE):
                        check.add(f"{cpath}.{op}", f"{op} needs a number or date field, {fname!r} is {ftype.value}")
                    out.append(Condition(fname, op, _value(check, value, ftype, f"{cpath}.{op}")))
                else:
                    check.add(f"{cpath}.{op}", f"unknown operator; allowed: {['in', 'is_null', *COMPARISONS]}")
        else:
            out.append(Condition(fname, "eq", _value(check, cond, ftype, cpath)))
    return tuple(out)


def _value(check: Checker, value: Any, ftype: FieldType, path: str) -> object:
    """A literal of the field's type (dates become datetimes); wrong types are reported."""
    if ftype is FieldType.BOOLEAN:
        ok = isinstance(value, bool)
    elif ftype in (FieldType.NUMBER, FieldType.INTEGER):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif ftype is FieldType.DATE:
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                pass
        ok = isinstance(value, date)
        if ok and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
    else:
        ok = isinstance(value, str)
    if not ok:
        text = ftype in (FieldType.ID, FieldType.TEXT, FieldType.CATEGORY)
        check.add(path, f"{value!r} does not fit a {ftype.value} field", "quote text values in YAML" if text else "")
    return value


def _exists(check: Checker, raw: Any, path: str, entity: str | None, fields: dict, schema: dict) -> Exists | None:
    d = check.mapping(raw, path)
    check.unknown_keys(d, ("entity", "key", "after"), path)
    other = check.choice(d, "entity", path, list(schema))
    ofields = {f.name: f.type for f in schema[other].fields} if other else {}
    key = check.str(d, "key", path)
    if key and (key not in fields or key not in ofields):
        check.add(f"{path}.key", f"{key!r} must be a field of both {entity} and {other}")
    after = check.mapping(d.get("after"), f"{path}.after")
    check.unknown_keys(after, ("field", "than"), f"{path}.after")
    ofield = _field(check, after.get("field"), f"{path}.after.field", other, ofields, FieldType.DATE)
    than = _field(check, after.get("than"), f"{path}.after.than", entity, fields, FieldType.DATE)
    if other and key and ofield and than:
        return Exists(other, key, ofield, than)
    return None


def known_kpis() -> dict[str, str]:
    """The catalogue's KPI ids with their default direction (what the scorecard loader's
    ``known_kpis`` argument expects)."""
    return {k.id: k.direction.value for k in load_catalogue()}
