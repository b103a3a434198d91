"""The failure table's reasons as keys (issue 14.7): written where the problem is found, read in
the user's language.

Every problem of the failure table carries ``reason_key`` - a ``reason.*`` key of the translation
table (``config/i18n/import.yaml``) or, for a plausibility rule, the rule's ``key``
(``rule.orders.quantity.not_negative``: its de/en message is in ``config/entities.yaml``) - and
``reason_values``, the key's placeholders as JSON text. The English ``reason`` beside them is the
same key filled in English (the command line, the CSV report, the rejected rows and the logs read
it). A page shows ``reasons_in(table, lang)``: each distinct key with its values translated once.
A key nothing translates (a rule of a schema other than the shipped one) shows the English text.
"""
from __future__ import annotations

import io
import json
import string
from collections.abc import Mapping

import numpy as np
import pandas as pd
from pyarrow import json as pa_json

from core.i18n import t
from data.schema import FieldType, load_schema

RULE = "rule."
INVALID = {FieldType.NUMBER: "reason.invalid.number", FieldType.INTEGER: "reason.invalid.integer",
           FieldType.DATE: "reason.invalid.date", FieldType.BOOLEAN: "reason.invalid_boolean"}
COLUMN_NOT_FOUND = "reason.column_not_found"
REQUIRED_COLUMN = "reason.required_column"
KEPT_MISSING = "reason.kept_missing"
UNPIVOT_MISSING = "reason.unpivot_missing"
DUPLICATE = "reason.duplicate"
REQUIRED_EMPTY = "reason.required_empty"
_SLOT = "\x00"  # stands for the one value that differs per row while a template is filled


def reason_text(key: str, values: Mapping[str, object], lang: str) -> str | None:
    """The reason ``key`` with ``values`` in ``lang``; None when nothing translates the key."""
    if key.startswith(RULE):
        rule = next((r for e in load_schema().values() for r in e.plausibility if r.key == key), None)
        return rule.message.get(lang) if rule is not None else None
    text = t(key, lang, **values)
    return None if text == key else text  # ``t`` answers an unknown key with the key


def encode(values: Mapping[str, object]) -> str:
    """``reason_values``: the placeholders as JSON text (keys sorted, umlauts as they are)."""
    return json.dumps(dict(values), ensure_ascii=False, sort_keys=True, default=str)


def per_row(key: str, values: Mapping[str, object], name: str, varying: pd.Series, lang: str = "en"
            ) -> tuple[pd.Series, pd.Series]:
    """(text in ``lang``, ``reason_values``) of ``key`` per row when only the value ``name`` differs
    between rows (``varying``): the template is filled once and the rows' values joined in, vectorised."""
    before, after = (reason_text(key, {**values, name: _SLOT}, lang) or key).split(_SLOT, 1)
    j_before, j_after = encode({**values, name: _SLOT}).split(json.dumps(_SLOT), 1)
    cells = varying.astype("string")
    quoted = cells if pd.api.types.is_numeric_dtype(varying) else cells.map(json.dumps, na_action="ignore")
    return (before + cells + after).astype("string"), (j_before + quoted + j_after).astype("string")


def reasons_in(table: pd.DataFrame, lang: str) -> pd.Series:
    """The failure table's reasons in ``lang`` (from ``reason_key``/``reason_values``; the English
    ``reason`` where no key translates), vectorised: a loop over the few distinct keys, each key's
    text filled with all its rows' values at once."""
    english = table["reason"].astype("string").reset_index(drop=True)
    if lang == "en" or table.empty:
        return english
    keys = table["reason_key"].fillna("").astype(str).to_numpy()
    values = table["reason_values"].fillna("{}").astype(str).reset_index(drop=True)
    out = pd.Series(pd.NA, index=english.index, dtype="string")
    for key in pd.unique(keys):
        rows = np.flatnonzero(keys == key)
        out.iloc[rows] = _filled(key, values.iloc[rows], lang).to_numpy()
    return out.fillna(english)


def _filled(key: str, values: pd.Series, lang: str) -> pd.Series:
    """The text of ``key`` in ``lang`` per entry of ``values`` (JSON texts); NA where nothing translates."""
    none = pd.Series(pd.NA, index=values.index, dtype="string")
    template = reason_text(key, {}, lang) if key.startswith(RULE) else (t(key, lang) if key else key)
    if not template or template == key:
        return none
    parts = list(string.Formatter().parse(template)) if not key.startswith(RULE) else [(template, None, "", None)]
    if all(name is None for _, name, _, _ in parts):
        return pd.Series(template, index=values.index, dtype="string")
    codes, uniques = pd.factorize(values)
    decoded = pa_json.read_json(io.BytesIO("\n".join(uniques).encode("utf-8"))).to_pandas()
    text = pd.Series("", index=range(len(uniques)), dtype="string")
    for literal, name, _, _ in parts:
        text = text + literal
        if name is not None:
            if name not in decoded:
                return none
            text = text + decoded[name].astype("string")
    return pd.Series(text.to_numpy()[codes], index=values.index, dtype="string")
