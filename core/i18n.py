"""Texts in German and English.

``Text`` carries a definition's own texts (model questions, KPI names). UI strings live in one
table, split by area into ``config/i18n/*.yaml`` (``key: {de: ..., en: ...}``; a key defined in two
files is an error), read through ``t(key, lang)``.
A missing key is an error in tests (``tests/test_i18n.py`` scans the code for ``t("...")``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
I18N_DIR = Path(__file__).resolve().parent.parent / "config" / "i18n"


@dataclass(frozen=True)
class Text:
    de: str
    en: str

    def get(self, lang: str) -> str:
        return (self.en if lang == "en" else self.de) or self.de or self.en

    def __str__(self) -> str:  # German first
        return self.de or self.en


@lru_cache(maxsize=1)
def _table() -> dict[str, Text]:
    from core.yamlio import Checker, load_yaml

    table: dict[str, Text] = {}
    origin: dict[str, str] = {}
    check = Checker("config/i18n")
    for path in sorted(I18N_DIR.glob("*.yaml")):
        raw = load_yaml(path)
        for key, value in check.mapping(raw, path.name).items():
            key = str(key)
            if key in origin:
                check.add(f"{path.name}: {key}", f"defined twice (also in {origin[key]})")
                continue
            origin[key] = path.name
            table[key] = check.text({key: value}, key, path.name)
    check.done()
    return table


def keys() -> frozenset[str]:
    return frozenset(_table())


def name_for(prefix: str, name: object, lang: str) -> str:
    """An id as people read it: ``<prefix>.<name>`` of the table (``charts.label.email`` -> "E-Mail"),
    else the id itself - a value the table does not name yet is shown, never hidden."""
    key = f"{prefix}.{name}"
    return t(key, lang) if key in _table() else str(name)


@dataclass(frozen=True)
class Term:
    """A placeholder value that is itself a key of the table (a role, an action), translated into
    the same language as the text around it: ``t("denied.role", "de", role=Term("auth.role.manager"))``."""

    key: str

    def __str__(self) -> str:
        return t(self.key, "en")


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The UI text for ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``
    (a ``Term`` value is translated too)."""
    text = _table().get(key)
    if text is None:
        return key  # visible, and caught by the i18n test
    out = text.get(lang)
    if not values:
        return out
    return out.format(**{k: t(v.key, lang) if isinstance(v, Term) else v for k, v in values.items()})
