"""The canonical CRM entities, read from ``config/entities.yaml`` (PRODUCT.md, canonical data)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

from core.i18n import Text
from core.settings import CONFIG_DIR
from core.yamlio import Checker, load_yaml

ENTITIES_FILE = CONFIG_DIR / "entities.yaml"


class FieldType(str, Enum):
    ID = "id"
    TEXT = "text"
    CATEGORY = "category"
    DATE = "date"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"

    @property
    def pandas_dtype(self) -> str:
        """The dtype of a canonical column after import."""
        return {"id": "string", "text": "string", "category": "string", "date": "datetime64[us]",
                "number": "float64", "integer": "Int64", "boolean": "boolean"}[self.value]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: FieldType
    required: bool
    default: object
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class EntitySchema:
    name: str
    label: Text
    key: str | None
    date_field: str | None
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if not f.required)

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.type is FieldType.CATEGORY)


@lru_cache(maxsize=4)
def load_schema(path: Path = ENTITIES_FILE) -> dict[str, EntitySchema]:
    raw = load_yaml(path)
    check = Checker(path.name)
    out: dict[str, EntitySchema] = {}
    root = check.mapping(raw, "")
    for name, spec in check.mapping(root.get("entities"), "entities").items():
        p = f"entities.{name}"
        spec = check.mapping(spec, p)
        fields = []
        for fname, f in check.mapping(spec.get("fields"), f"{p}.fields").items():
            fp = f"{p}.fields.{fname}"
            f = check.mapping(f, fp)
            ftype = check.enum(f, "type", fp, FieldType, default=FieldType.TEXT)
            fields.append(FieldSpec(str(fname), ftype, check.boolean(f, "required", fp, False), f.get("default"),
                                    tuple(str(s) for s in check.sequence(f.get("synonyms", []), f"{fp}.synonyms"))))
        names = {f.name for f in fields}
        key = check.str(spec, "key", p, required=False)
        date_field = check.str(spec, "date_field", p, required=False)
        for what, ref in (("key", key), ("date_field", date_field)):
            if ref is not None and ref not in names:
                check.add(f"{p}.{what}", f"{ref!r} is not a field of {name}")
        out[str(name)] = EntitySchema(str(name), check.text(spec, "name", p), key, date_field, tuple(fields))
    check.done()
    return out


def entity(name: str) -> EntitySchema:
    return load_schema()[name]


ENTITY_NAMES = ("customers", "campaigns", "campaign_contacts", "opportunities", "orders", "service_tickets", "surveys")
CUSTOMER_DIMENSIONS = ("segment", "region", "acquisition_channel")
