"""The canonical CRM entities, read from ``config/entities.yaml`` (PRODUCT.md, canonical data)."""
from __future__ import annotations

from dataclasses import dataclass, replace
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
class OutcomeWords:
    """The yes/no words a boolean column understands (``outcome_words`` of ``entities.yaml``),
    lower case; an empty cell is neither."""

    true_words: tuple[str, ...] = ()
    false_words: tuple[str, ...] = ()

    def lookup(self) -> dict[str, bool]:
        return {w: True for w in self.true_words} | {w: False for w in self.false_words}


class PlausibilityCheck(str, Enum):
    NOT_NEGATIVE = "not_negative"    # columns: [number]            broken when < 0
    NOT_BEFORE = "not_before"        # columns: [date, other date]  broken when the first is before the second
    BETWEEN = "between"              # columns: [number], min, max  broken when outside [min, max]
    ONLY_IF_TRUE = "only_if_true"    # columns: [any, boolean]      broken when the first is given, the second not true


@dataclass(frozen=True)
class PlausibilityRule:
    """One declared rule (``plausibility`` of ``entities.yaml``); ``columns[0]`` is the one reported."""

    entity: str
    columns: tuple[str, ...]
    check: PlausibilityCheck
    message: Text
    minimum: float | None = None
    maximum: float | None = None

    @property
    def field(self) -> str:
        return self.columns[0]

    @property
    def key(self) -> str:
        """The failure table's ``reason_key`` of this rule (``data.reasons``): ``rule.orders.quantity.not_negative``."""
        return f"rule.{self.entity}.{'.'.join(self.columns)}.{self.check.value}"


@dataclass(frozen=True)
class EntitySchema:
    name: str
    label: Text
    key: str | None
    date_field: str | None
    fields: tuple[FieldSpec, ...]
    outcome_words: OutcomeWords = OutcomeWords()
    plausibility: tuple[PlausibilityRule, ...] = ()  # this entity's rules, in file order
    dimension_aliases: tuple[tuple[str, str], ...] = ()  # (dimension asked for, this entity's column)

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
    """The entities of ``path``, each carrying the outcome words and its plausibility rules;
    ConfigError lists every problem."""
    check = Checker(path.name)
    out = read_schema(load_yaml(path), check)
    check.done()
    return out


def outcome_words(path: Path = ENTITIES_FILE) -> OutcomeWords:
    """The yes/no words of ``path`` (default: the shipped ``config/entities.yaml``)."""
    schema = load_schema(path)
    return next(iter(schema.values())).outcome_words if schema else OutcomeWords()


def read_schema(raw: object, check: Checker) -> dict[str, EntitySchema]:
    """Parse and check the entity file, recording problems in ``check`` instead of raising
    (``definitions`` collects the problems of every file before it raises)."""
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
    words = _outcome_words(check, root)
    yes_no = [f"{e.name}.{f.name}" for e in out.values() for f in e.fields if f.type is FieldType.BOOLEAN]
    if yes_no and not (words.true_words and words.false_words):
        check.add("outcome_words", "needs true_words and false_words: yes/no fields read them",
                  "yes/no fields: " + ", ".join(yes_no[:5]))
    rules = _plausibility(check, root, out)
    aliases = _dimension_aliases(check, root, out)
    return {n: replace(e, outcome_words=words, plausibility=tuple(r for r in rules if r.entity == n),
                       dimension_aliases=aliases.get(n, ()))
            for n, e in out.items()}



_RULE_KEYS = ("entity", "columns", "check", "message", "min", "max")
_RULE_COLUMNS = {  # check -> the field type each column must have (None: any)
    PlausibilityCheck.NOT_NEGATIVE: ((FieldType.NUMBER, FieldType.INTEGER),),
    PlausibilityCheck.NOT_BEFORE: ((FieldType.DATE,), (FieldType.DATE,)),
    PlausibilityCheck.BETWEEN: ((FieldType.NUMBER, FieldType.INTEGER),),
    PlausibilityCheck.ONLY_IF_TRUE: (None, (FieldType.BOOLEAN,)),
}


def _outcome_words(check: Checker, root: dict) -> OutcomeWords:
    """``outcome_words: {true_words: [...], false_words: [...]}``: lower case, none in both lists."""
    d = check.mapping(check.get(root, "outcome_words", ""), "outcome_words") if "outcome_words" in root else {}
    check.unknown_keys(d, ("true_words", "false_words"), "outcome_words")
    lists: dict[str, list[tuple[str, str]]] = {}
    for key in ("true_words", "false_words"):
        path = f"outcome_words.{key}"
        items = check.sequence(d.get(key), path) if key in d else []
        words = []
        for i, word in enumerate(items):
            wpath = f"{path}[{i}]"
            if not isinstance(word, str) or not word.strip():
                check.add(wpath, f"expected a non-empty word, found {word!r}", "quote words YAML reads as "
                          "yes/no or numbers: \"yes\", \"no\", \"1\"")
            elif word != word.strip().lower():
                check.add(wpath, f"{word!r} must be written in lower case without surrounding spaces",
                          f"write {word.strip().lower()!r}; cells are compared case-insensitively")
            else:
                words.append((word, wpath))
        check.unique(words, "word")
        lists[key] = words
    first_true = {w: wp for w, wp in reversed(lists["true_words"])}
    for word, wpath in lists["false_words"]:
        if word in first_true:
            check.add(wpath, f"{word!r} is also a true word ({first_true[word]})", "a word means yes or no, not both")
    return OutcomeWords(tuple(dict.fromkeys(w for w, _ in lists["true_words"])),
                        tuple(dict.fromkeys(w for w, _ in lists["false_words"] if w not in first_true)))


def _plausibility(check: Checker, root: dict, entities: dict[str, EntitySchema]) -> list[PlausibilityRule]:
    """``plausibility: [{entity, columns, check, message: {de, en}, min, max}]`` over known columns."""
    rules = []
    items = check.sequence(root.get("plausibility"), "plausibility") if "plausibility" in root else []
    for i, item in enumerate(items):
        path = f"plausibility[{i}]"
        d = check.mapping(item, path)
        check.unknown_keys(d, _RULE_KEYS, path)
        name = check.choice(d, "entity", path, list(entities))
        kind = check.enum(d, "check", path, PlausibilityCheck)
        message = check.text(d, "message", path)
        raw_columns = check.get(d, "columns", path)
        columns = check.sequence(raw_columns, f"{path}.columns") if raw_columns is not None else []
        fields = {f.name: f.type for f in entities[name].fields} if name else {}
        wanted = _RULE_COLUMNS.get(kind, ()) if kind else ()
        if kind and columns and len(columns) != len(wanted):
            check.add(f"{path}.columns", f"{kind.value} takes {len(wanted)} column(s), found {len(columns)}")
        for j, column in enumerate(columns):
            cpath = f"{path}.columns[{j}]"
            if not name:
                continue
            if not isinstance(column, str) or column not in fields:
                check.add(cpath, f"{column!r} is not a field of {name}", "fields: " + ", ".join(fields))
            elif j < len(wanted) and wanted[j] and fields[column] not in wanted[j]:
                check.add(cpath, f"{kind.value} needs a {' or '.join(t.value for t in wanted[j])} field, "
                          f"{column!r} is {fields[column].value}")
        low = check.number(d, "min", path, required=kind is PlausibilityCheck.BETWEEN)
        high = check.number(d, "max", path, required=kind is PlausibilityCheck.BETWEEN)
        if kind is not PlausibilityCheck.BETWEEN:
            for key in ("min", "max"):
                if key in d:
                    check.add(f"{path}.{key}", f"only for check {PlausibilityCheck.BETWEEN.value}")
        elif low is not None and high is not None and low > high:
            check.add(path, f"min {low:g} must be <= max {high:g}")
        if name and kind and columns and all(isinstance(c, str) for c in columns):
            rules.append(PlausibilityRule(name, tuple(columns), kind, message, low, high))
    return rules


def _dimension_aliases(check: Checker, root: dict, entities: dict[str, EntitySchema]
                       ) -> dict[str, tuple[tuple[str, str], ...]]:
    """``dimension_aliases: {entity: {dimension: column}}``: a filter or breakdown dimension that the
    entity holds under another column (``opportunities: {channel: source_channel}``)."""
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    d = check.mapping(root.get("dimension_aliases"), "dimension_aliases") if "dimension_aliases" in root else {}
    for name, pairs in d.items():
        path = f"dimension_aliases.{name}"
        if name not in entities:
            check.add(path, f"{name!r} is not an entity", "entities: " + ", ".join(entities))
            continue
        fields = entities[name].field_names
        found = []
        for dim, column in check.mapping(pairs, path).items():
            dpath = f"{path}.{dim}"
            if dim in fields:
                check.add(dpath, f"{dim!r} is a field of {name} already", "an alias names what the entity lacks")
            elif not isinstance(column, str) or column not in fields:
                check.add(dpath, f"{column!r} is not a field of {name}", "fields: " + ", ".join(fields))
            else:
                found.append((str(dim), column))
        out[str(name)] = tuple(found)
    return out


def entity(name: str) -> EntitySchema:
    return load_schema()[name]


ENTITY_NAMES = ("customers", "campaigns", "campaign_contacts", "opportunities", "orders", "service_tickets", "surveys")
CUSTOMER_DIMENSIONS = ("segment", "region", "acquisition_channel")
