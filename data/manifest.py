"""The one mapping format: a YAML manifest saying how each export file (or live table, ``source:``,
``data.manifest_source``) maps onto an entity. Used by the command line (``--data manifest.yaml``),
the tests and the app's saved mapping profiles (``Manifest.to_yaml``). See ``docs/import-manifest.md``.
A folder of files named after the entities (``orders.csv``, ``customers.xlsx`` ...) works without one.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import yaml

from core.errors import DataImportError, Problem
from core.yamlio import Checker, load_yaml, parse_yaml
from data.manifest_checks import check_empty, check_field, value_key
from data.manifest_source import LiveTable, check_sources, entity_source
from data.reading import DELIMITERS, SUFFIXES, ReadOptions
from data.schema import ENTITY_NAMES, EntitySchema, load_schema

KEYS = ("file", "sheet", "delimiter", "encoding", "decimal", "thousands", "date_format", "columns", "values",
        "empty", "constants", "keep", "unpivot", "source")
DECIMALS = (",", ".")
THOUSANDS = (".", ",", " ", "'", "")
READABLE = SUFFIXES


@dataclass(frozen=True)
class Unpivot:
    """Wide -> long: each source column in ``columns`` becomes a row with ``into`` = its value."""

    columns: dict[str, Any]
    into: str
    value: str


@dataclass(frozen=True)
class EntityMapping:
    entity: str
    file: str
    sheet: str | int | None = None
    delimiter: str | None = None
    encoding: str | None = None
    decimal: str | None = None
    thousands: str | None = None
    date_format: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # canonical field -> source column
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # field -> {source value: canonical}
    constants: dict[str, Any] = field(default_factory=dict)
    keep: tuple[str, ...] = ()
    unpivot: Unpivot | None = None
    empty: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field -> source values that mean "empty"
    source: LiveTable | None = None  # a live database table or query instead of a file (data.manifest_source)

    def read_options(self, max_bytes: int | None = None) -> ReadOptions:
        opts = ReadOptions(sheet=self.sheet, delimiter=self.delimiter, encoding=self.encoding)
        return ReadOptions(opts.sheet, opts.delimiter, opts.encoding, max_bytes) if max_bytes else opts

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"source": self.source.to_dict()} if self.source else {"file": self.file}
        for key in ("sheet", "delimiter", "encoding", "decimal", "thousands", "date_format"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        for key in ("columns", "values", "constants"):
            if getattr(self, key):
                out[key] = dict(getattr(self, key))
        if self.empty:
            out["empty"] = {k: list(v) for k, v in self.empty.items()}
        if self.keep:
            out["keep"] = list(self.keep)
        if self.unpivot:
            out["unpivot"] = {"columns": dict(self.unpivot.columns), "into": self.unpivot.into,
                              "value": self.unpivot.value}
        return out


@dataclass(frozen=True)
class Manifest:
    entities: dict[str, EntityMapping]
    base_dir: Path
    source: str = ""

    @property
    def live(self) -> bool:  # every entity reads a live database (source:), none a file
        return bool(self.entities) and all(m.source is not None for m in self.entities.values())

    def path_for(self, entity: str) -> Path:
        return self.base_dir / self.entities[entity].file

    def to_yaml(self) -> str:
        """The manifest as YAML (a mapping profile); ``parse_manifest`` reads it back."""
        body = {name: self.entities[name].to_dict() for name in ENTITY_NAMES if name in self.entities}
        return yaml.safe_dump(body, sort_keys=False, allow_unicode=True, default_flow_style=False)


def load_manifest(path: str | Path) -> Manifest:
    """Read and validate a manifest file; files are resolved relative to its folder."""
    path = Path(path)
    try:
        raw = load_yaml(path)
    except Exception as exc:  # ConfigError from the loader -> an import error naming the file
        problems = getattr(exc, "problems", ()) or (Problem(path.name, str(exc)),)
        raise DataImportError(f"{path.name}: cannot read the manifest", problems, key="import.manifest.unreadable",
                              values={"file": path.name}) from None
    return parse_manifest(raw, path.resolve().parent, path.name)


def parse_manifest(raw: Any, base_dir: str | Path, source: str = "manifest.yaml") -> Manifest:
    """Validate a parsed manifest; every problem is reported with its path."""
    if isinstance(raw, str):
        try:
            raw = parse_yaml(raw, source)
        except Exception as exc:
            raise DataImportError(f"{source}: not valid YAML", getattr(exc, "problems", ()),
                                  key="import.manifest.not_yaml", values={"file": source}) from None
    base = Path(base_dir).resolve()
    schema = load_schema()
    check = Checker(source)
    out: dict[str, EntityMapping] = {}
    root = check.mapping(raw, "")
    if not root and not check.problems:
        check.add("", "the manifest maps no entity", f"use entity names as keys: {list(ENTITY_NAMES)}")
    for name, spec in root.items():
        name = str(name)
        if name not in schema:
            check.add(name, "unknown entity", f"one of {list(ENTITY_NAMES)}")
            continue
        mapping = _entity(check, name, check.mapping(spec, name), schema[name], base)
        if mapping is not None:
            out[name] = mapping
    check_sources(check, out)
    try:
        check.done(f"{source}: {len(check.problems.items)} problem(s) in the manifest")
    except Exception as exc:
        raise DataImportError(str(exc), exc.problems, hint="fix the manifest and retry", key="import.manifest.problems",
                              values={"file": source, "count": len(exc.problems)},
                              hint_key="import.manifest.fix_hint") from None
    return Manifest(out, base, source)


def _entity(check: Checker, name: str, spec: dict, schema: EntitySchema, base: Path) -> EntityMapping | None:
    check.unknown_keys(spec, KEYS, name)
    fields = set(schema.field_names)
    source = entity_source(check, spec, name)
    file = check.str(spec, "file", name, required="source" not in spec)
    if file is not None and "source" not in spec:
        _check_file(check, f"{name}.file", file, base)
    sheet = spec.get("sheet")
    if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, (str, int))):
        check.add(f"{name}.sheet", f"expected a sheet name or index, found {sheet!r}")
    delimiter = check.str(spec, "delimiter", name, required=False)
    if delimiter == "tab":
        delimiter = "\t"
    if delimiter is not None and delimiter not in DELIMITERS:
        check.add(f"{name}.delimiter", f"{delimiter!r} is not one of {list(DELIMITERS)}")
    encoding = check.str(spec, "encoding", name, required=False)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            check.add(f"{name}.encoding", f"unknown encoding {encoding!r}", "utf-8, utf-8-sig or cp1252")
    decimal = _choice(check, spec, name, "decimal", DECIMALS)
    thousands = _choice(check, spec, name, "thousands", THOUSANDS)
    date_format = check.str(spec, "date_format", name, required=False)
    if date_format is not None and "%" not in date_format:
        check.add(f"{name}.date_format", f"{date_format!r} is not a strftime format", 'e.g. "%d.%m.%Y"')
    columns = {}
    for fld, src in check.mapping(spec.get("columns", {}) or {}, f"{name}.columns").items():
        check_field(check, f"{name}.columns.{fld}", str(fld), fields)
        if not isinstance(src, (str, int)) or isinstance(src, bool):
            check.add(f"{name}.columns.{fld}", f"expected a source column name, found {src!r}")
        columns[str(fld)] = str(src)
    values = {}
    for fld, table in check.mapping(spec.get("values", {}) or {}, f"{name}.values").items():
        check_field(check, f"{name}.values.{fld}", str(fld), fields)
        values[str(fld)] = {value_key(k): v for k, v in check.mapping(table, f"{name}.values.{fld}").items()}
    empty = check_empty(check, spec.get("empty", {}) or {}, name, fields, values)
    constants = {}
    for fld, value in check.mapping(spec.get("constants", {}) or {}, f"{name}.constants").items():
        check_field(check, f"{name}.constants.{fld}", str(fld), fields)
        if isinstance(value, (dict, list)):
            check.add(f"{name}.constants.{fld}", "expected a single value")
        constants[str(fld)] = value
    keep = tuple(str(k) for k in check.sequence(spec.get("keep", []) or [], f"{name}.keep"))
    for i, k in enumerate(keep):
        if k in fields:
            check.add(f"{name}.keep[{i}]", f"{k!r} is a canonical field of {name}", "map it under columns instead")
    unpivot = _unpivot(check, spec.get("unpivot"), name, fields)
    for fld in columns:
        if fld in constants:
            check.add(f"{name}.constants.{fld}", "field is mapped under columns as well")
    if file is None and source is None:
        return None
    return EntityMapping(name, file or "", sheet, delimiter, encoding, decimal, thousands, date_format, columns, values,
                         constants, keep, unpivot, empty, source)


def _check_file(check: Checker, path: str, file: str, base: Path) -> None:
    if PurePosixPath(file).is_absolute() or PureWindowsPath(file).is_absolute() or PureWindowsPath(file).drive:
        check.add(path, f"{file!r} is an absolute path", "give the file relative to the manifest's folder")
        return
    target = (base / file).resolve()
    if not target.is_relative_to(base):
        check.add(path, f"{file!r} points outside the manifest's folder", "keep data files beside the manifest")
        return
    if target.suffix.lower() not in READABLE:
        check.add(path, f"{file!r}: unsupported file type", f"one of {list(READABLE)}")


def _unpivot(check: Checker, raw: Any, name: str, fields: set[str]) -> Unpivot | None:
    if raw is None:
        return None
    p = f"{name}.unpivot"
    spec = check.mapping(raw, p)
    check.unknown_keys(spec, ("columns", "into", "value"), p)
    cols = check.mapping(spec.get("columns"), f"{p}.columns")
    if not cols and isinstance(spec.get("columns"), dict):
        check.add(f"{p}.columns", "lists no source column")
    into = check.str(spec, "into", p)
    value = check.str(spec, "value", p)
    for key, ref in (("into", into), ("value", value)):
        if ref is not None:
            check_field(check, f"{p}.{key}", ref, fields)
    if into is not None and into == value:
        check.add(f"{p}.value", "must differ from into")
    if into is None or value is None or not cols:
        return None
    return Unpivot({str(k): v for k, v in cols.items()}, into, value)


def _choice(check: Checker, spec: dict, name: str, key: str, choices: tuple[str, ...]) -> str | None:
    value = spec.get(key)
    if value is None:
        return None
    if value not in choices:
        check.add(f"{name}.{key}", f"{value!r} is not one of {list(choices)}")
        return None
    return value


def manifest_for_directory(folder: str | Path) -> Manifest:
    """Identity mapping for a folder holding files named after the entities."""
    base = Path(folder).resolve()
    if not base.is_dir():
        raise DataImportError(f"{folder}: not a folder", [Problem(str(folder), "not a folder")],
                              key="import.manifest.not_folder", values={"folder": str(folder)})
    found: dict[str, EntityMapping] = {}
    for name in ENTITY_NAMES:
        for suffix in (".csv", ".tsv", ".txt", ".xlsx"):
            candidate = base / f"{name}{suffix}"
            if candidate.is_file():
                found[name] = EntityMapping(name, candidate.name)
                break
    if not found:
        names = ", ".join(n + ".csv" for n in ENTITY_NAMES)
        raise DataImportError(f"{base.name}: no data files found",
                              [Problem(str(base), "no file named after an entity")],
                              hint=f"name files {names} or pass a manifest .yaml", key="import.manifest.no_files",
                              values={"folder": base.name, "names": names}, hint_key="import.manifest.no_files_hint")
    return Manifest(found, base, base.name)


def resolve_manifest(path: str | Path) -> Manifest:
    """A manifest file, or a folder (its ``manifest.yaml`` if present, else identity mapping)."""
    path = Path(path)
    if path.is_dir():
        inner = path / "manifest.yaml"
        return load_manifest(inner) if inner.is_file() else manifest_for_directory(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        if not path.is_file():
            raise DataImportError(f"{path}: file not found", [Problem(str(path), "file not found")],
                                  key="import.manifest.not_found", values={"file": str(path)})
        return load_manifest(path)
    if path.is_file() and path.stem in ENTITY_NAMES and path.suffix.lower() in READABLE:
        return Manifest({path.stem: EntityMapping(path.stem, path.name)}, path.resolve().parent, path.name)
    raise DataImportError(f"{path}: expected a manifest .yaml, a folder, or a file named after an entity",
                          [Problem(str(path), "not a manifest or folder")], key="import.manifest.what",
                          values={"path": str(path)})
