"""Checks of the manifest's value lists (``data.manifest``): a field name that exists, the ``empty:``
values of a field, a value-translation key as text."""
from __future__ import annotations

from typing import Any

from core.yamlio import Checker


def check_empty(check: Checker, spec: Any, name: str, fields: set[str], values: dict) -> dict[str, tuple[str, ...]]:
    """``empty: {field: [source values]}``: those values become empty cells (like ``value: null``)."""
    out: dict[str, tuple[str, ...]] = {}
    for fld, listed in check.mapping(spec, f"{name}.empty").items():
        path = f"{name}.empty.{fld}"
        check_field(check, path, str(fld), fields)
        items = [listed] if isinstance(listed, (str, int, float)) else listed
        if not isinstance(items, list) or any(isinstance(v, (dict, list)) or v is None for v in items):
            check.add(path, f"expected a list of source values, found {listed!r}", 'e.g. ["Offen", "In Arbeit"]')
            continue
        keys = tuple(value_key(v) for v in items)
        both = sorted({k.strip().lower() for k in keys} & {str(k).strip().lower() for k in values.get(str(fld), {})})
        if both:
            check.add(path, f"{both} also translated under values.{fld}", "list a value in one place only")
        out[str(fld)] = keys
    return out


def check_field(check: Checker, path: str, fld: str, fields: set[str]) -> None:
    if fld not in fields:
        check.add(path, f"unknown field {fld!r}", f"one of {sorted(fields)}")


def value_key(value: Any) -> str:
    """A value-translation key as text (YAML may read yes/no/01 as bool or int)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
