"""The one YAML loader: safe, bounded, and validating with located problems.

``load_yaml`` parses (``yaml.safe_load`` semantics, UTF-8) with limits against oversized
files and alias bombs (``MAX_EXPANDED_NODES``: the document as expanded, not its references); ``Checker`` reads the parsed tree field by field and collects every
problem with its path (``kpis[3].direction``), so a broken file is reported in one go.
"""
from __future__ import annotations

import math
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, TypeVar

import yaml

from core.errors import ConfigError, Problem, ProblemList
from core.i18n import Text

MAX_YAML_BYTES = 5 * 1024 * 1024
# An alias costs nothing to parse but everything to walk: a 20-line "billion laughs" document
# stands for 10^9 values once a consumer (json.dumps, a hash, a copy) expands it. So the bound is
# on the document as expanded - every value counted as often as aliases repeat it - not on the
# number of references: a model of 194 questions sharing one options list through an anchor
# expands to about 15,000 nodes and loads; a 5 MB file without aliases stays well below the bound.
MAX_EXPANDED_NODES = 1_000_000

E = TypeVar("E", bound=Enum)


def expanded_size(root: yaml.Node, limit: int = MAX_EXPANDED_NODES) -> int:
    """Nodes in the document with every alias expanded, counted without expanding anything.

    Each distinct node is visited once (an aliased node's size is memoised), so a bomb is
    measured in the time its source takes to read. Raises yaml.YAMLError at the first node
    whose expanded size passes ``limit``, or on a node that contains itself (a recursive alias).
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        kids = _children(node)
        if not children_done:
            if key in open_nodes:
                raise yaml.YAMLError(f"recursive alias (line {node.start_mark.line + 1}): "
                                     "a value that contains itself")
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((kid, False) for kid in kids if id(kid) not in sizes)
            continue
        open_nodes.discard(key)
        size = 1 + sum(sizes[id(kid)] for kid in kids)
        if size > limit:
            raise yaml.YAMLError(
                f"the document expands to more than {limit:,} values through alias references "
                f"(line {node.start_mark.line + 1}); refusing a possible alias bomb")
        sizes[key] = size
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text; raise ConfigError naming the source, line and column on any error."""
    if len(text.encode("utf-8", errors="ignore")) > MAX_YAML_BYTES:
        raise ConfigError(f"{source}: file larger than {MAX_YAML_BYTES // (1024 * 1024)} MB",
                          [Problem(source, "file too large", key="yaml.too_large_problem")], key="yaml.too_large",
                          values={"file": source, "mb": MAX_YAML_BYTES // (1024 * 1024)})
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            expanded_size(node)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{source}: line {mark.line + 1}, column {mark.column + 1}" if mark else source
        raise ConfigError(f"{source}: not valid YAML", [Problem(where, str(exc.problem or exc))], key="yaml.invalid",
                          values={"file": source}) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML", [Problem(source, str(exc))], key="yaml.invalid",
                          values={"file": source}) from None


def load_yaml(path: str | Path) -> Any:
    """Read a UTF-8 YAML file and parse it; errors name the file."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_YAML_BYTES:
            raise ConfigError(f"{p.name}: file larger than {MAX_YAML_BYTES // (1024 * 1024)} MB",
                              [Problem(str(p), f"{size} bytes")], key="yaml.too_large",
                              values={"file": p.name, "mb": MAX_YAML_BYTES // (1024 * 1024)})
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{p}: file not found", [Problem(str(p), "file not found", key="file.not_found")],
                          key="file.missing", values={"file": str(p)}) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p.name}: not UTF-8", [Problem(str(p), f"byte {exc.start}: {exc.reason}")],
                          hint="save the file as UTF-8", key="yaml.not_utf8", values={"file": p.name},
                          hint_key="yaml.not_utf8_hint") from None
    return parse_yaml(text, p.name)


_MISSING = object()


class Checker:
    """Reads a parsed YAML tree and collects problems instead of failing on the first one.

    Every accessor takes the parent mapping, the key and the parent's path, and returns the
    value (or ``default``) after recording a problem when it is missing or of the wrong type.
    """

    def __init__(self, source: str):
        self.problems = ProblemList(source)

    def add(self, path: str, message: str, hint: str = "") -> None:
        self.problems.add(path, message, hint)

    def done(self, headline: str | None = None) -> None:
        self.problems.raise_if_any(ConfigError, headline)

    @staticmethod
    def join(path: str, key: str | int) -> str:
        if isinstance(key, int):
            return f"{path}[{key}]"
        return f"{path}.{key}" if path else str(key)

    def mapping(self, value: Any, path: str) -> dict:
        if isinstance(value, dict):
            return value
        self.add(path, f"expected a mapping, found {_kind(value)}")
        return {}

    def sequence(self, value: Any, path: str) -> list:
        if isinstance(value, list):
            return value
        self.add(path, f"expected a list, found {_kind(value)}")
        return []

    def unknown_keys(self, d: dict, allowed: Iterable[str], path: str) -> None:
        allowed = set(allowed)
        for key in d:
            if key not in allowed:
                self.add(self.join(path, str(key)), f"unknown key; allowed: {sorted(allowed)}")

    def get(self, d: dict, key: str, path: str, required: bool = True, default: Any = None) -> Any:
        if key in d and d[key] is not None:
            return d[key]
        if required:
            self.add(self.join(path, key), "required key is missing")
        return default

    def str(self, d: dict, key: str, path: str, required: bool = True, default: str | None = None) -> str | None:
        value = self.get(d, key, path, required, _MISSING)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.add(self.join(path, key), f"expected text, found {_kind(value)}")
            return default
        if not isinstance(value, str):
            self.add(self.join(path, key), f"expected text, found number {value!r}", "quote it in YAML")
            return str(value)
        return value

    def ident(self, d: dict, key: str, path: str, required: bool = True) -> str | None:
        value = self.str(d, key, path, required)
        if value is not None and not _is_ident(value):
            self.add(self.join(path, key), f"{value!r} is not a snake_case id (a-z, 0-9, _ and . allowed)")
        return value

    def number(self, d: dict, key: str, path: str, required: bool = True, default: float | None = None,
               minimum: float | None = None, maximum: float | None = None, exclusive_min: bool = False) -> float | None:
        value = self.get(d, key, path, required, _MISSING)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            self.add(self.join(path, key), f"expected a number, found {_kind(value)} {value!r}")
            return default
        if minimum is not None and (value <= minimum if exclusive_min else value < minimum):
            self.add(self.join(path, key), f"{value!r} must be {'>' if exclusive_min else '>='} {minimum}")
        if maximum is not None and value > maximum:
            self.add(self.join(path, key), f"{value!r} must be <= {maximum}")
        return float(value)

    def boolean(self, d: dict, key: str, path: str, default: bool) -> bool:
        value = self.get(d, key, path, False, _MISSING)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.add(self.join(path, key), f"expected true or false, found {value!r}")
            return default
        return value

    def enum(self, d: dict, key: str, path: str, enum: type[E], required: bool = True, default: E | None = None) -> E | None:
        value = self.get(d, key, path, required, _MISSING)
        if value is _MISSING:
            return default
        choices = [m.value for m in enum]
        if value not in choices:
            self.add(self.join(path, key), f"{value!r} is not one of {choices}")
            return default
        return enum(value)

    def choice(self, d: dict, key: str, path: str, choices: Iterable[str], required: bool = True,
               default: str | None = None) -> str | None:
        value = self.get(d, key, path, required, _MISSING)
        if value is _MISSING:
            return default
        choices = list(choices)
        if value not in choices:
            self.add(self.join(path, key), f"{value!r} is not one of {choices}")
            return default
        return value

    def text(self, d: dict, key: str, path: str, required: bool = True) -> Text:
        """A bilingual text: either a mapping {de: ..., en: ...} or a plain string (used for both)."""
        value = self.get(d, key, path, required, _MISSING)
        if value is _MISSING:
            return Text("", "")
        if isinstance(value, str):
            return Text(value, value)
        if isinstance(value, dict):
            de, en = value.get("de"), value.get("en")
            for lang, v in (("de", de), ("en", en)):
                if not isinstance(v, str) or not v.strip():
                    self.add(self.join(self.join(path, key), lang), "missing or empty text")
            return Text(de if isinstance(de, str) else "", en if isinstance(en, str) else "")
        self.add(self.join(path, key), f"expected text or {{de, en}}, found {_kind(value)}")
        return Text("", "")

    def unique(self, ids: Iterable[tuple[str, str]], what: str = "id") -> None:
        """``ids`` are (id, path) pairs; every repeat is reported at its path."""
        seen: dict[str, str] = {}
        for ident, path in ids:
            if ident is None:
                continue
            if ident in seen:
                self.add(path, f"duplicate {what} {ident!r} (first at {seen[ident]})")
            else:
                seen[ident] = path


def _is_ident(value: str) -> bool:
    return bool(value) and all(c.islower() or c.isdigit() or c in "_." for c in value) and not value[0].isdigit()


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {bool: "a boolean", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)
