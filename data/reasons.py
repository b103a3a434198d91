"""The failure table's reasons in the user's language (issue 14.7).

The mapper and the validator write each reason in English (the command line, the CSV report and
the logs read it so); a page shows it translated. Every reason the code writes has one of the
shapes below - ``tests/data/test_reasons.py`` produces each of them from real bad files and checks
that none stays English - and a plausibility rule carries its own German text in
``config/entities.yaml``. A reason of no known shape is shown as written, never hidden.
"""
from __future__ import annotations

import re

import pandas as pd

from core.i18n import t
from data.schema import load_schema

SHAPES = (
    ("reason.column_not_found", re.compile(r"column '(?P<column>.+)' not found in the file \(columns: (?P<columns>.*)\)")),
    ("reason.invalid_boolean", re.compile(r"not a valid yes/no value \(.*\)")),
    ("reason.invalid.", re.compile(r"not a valid (?P<kind>number|whole number|date|yes/no value|id|text|value)")),
    ("reason.required_column", re.compile(r"required column '(?P<field>.+)' is missing")),
    ("reason.kept_missing", re.compile(r"kept column '(?P<column>.+)' not found in the file")),
    ("reason.unpivot_missing", re.compile(r"unpivot column '(?P<column>.+)' not found")),
    ("reason.duplicate", re.compile(r"duplicate (?P<name>\S+) \(first in row (?P<row>\d+)\)")),
    ("reason.required_empty", re.compile(r"required value '(?P<field>.+)' is empty")),
)
KINDS = {"number": "number", "whole number": "integer", "date": "date", "yes/no value": "boolean", "id": "id",
         "text": "text", "value": "value"}


def _rules() -> dict[str, object]:
    """English text of every plausibility rule -> its bilingual message."""
    return {r.message.en: r.message for e in load_schema().values() for r in e.plausibility}


def reason_text(reason: str, lang: str, rules: dict | None = None) -> str:
    """``reason`` in ``lang``; as written when it has no known shape (or ``lang`` is English)."""
    if lang == "en" or not reason:
        return reason
    for key, shape in SHAPES:
        if match := shape.fullmatch(reason):
            values = match.groupdict()
            if "kind" in values:  # German needs the whole phrase per kind (keine gültige Zahl, kein gültiges Datum)
                return t(f"reason.invalid.{KINDS[values['kind']]}", lang)
            return t(key, lang, **values)
    rule = (rules if rules is not None else _rules()).get(reason)
    return rule.get(lang) if rule is not None else reason


def reasons_in(reasons: pd.Series, lang: str) -> pd.Series:
    """The failure table's ``reason`` column in ``lang`` (each distinct reason translated once)."""
    rules = _rules()
    distinct = {r: reason_text(r, lang, rules) for r in reasons.dropna().unique()}
    return reasons.map(distinct).astype("string")
