"""The audit log as people read it (issue 14.8): actions, objects and changed fields in the user's
language, numbers and times in its format, the local operator named as such. Ids stay where they
help (the key column, and an action the table does not know yet is shown as its id, never hidden).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import pandas as pd

from auth.guard import Principal
from core.formatting import number
from core.i18n import name_for, t

COLUMNS = ("at", "actor", "action", "entity", "entity_key", "before", "after")
LOCAL_ACTOR = Principal.local().username  # the single user of a local installation


def _value(value: object, lang: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return t("audit.yes" if value else "audit.no", lang)
    if isinstance(value, (int, float)):
        return number(value, lang, 0 if float(value).is_integer() else 2)
    if isinstance(value, Mapping):
        return ", ".join(f"{name_for('audit.field', str(k), lang)} {_value(v, lang)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v, lang) for v in value)
    return str(value)


def change_text(change: object, lang: str) -> str:
    """``{'target': 4.0, 'note': 'x'}`` -> ``Zielwert: 4; Notiz: x`` (empty for no change)."""
    if change is None or (isinstance(change, float) and pd.isna(change)):
        return ""
    if isinstance(change, Mapping):
        return "; ".join(f"{name_for('audit.field', str(k), lang)}: {_value(v, lang)}" for k, v in change.items())
    return _value(change, lang)


def when(value: object, lang: str) -> str:
    if not isinstance(value, datetime):
        return "" if value is None else str(value)
    return value.strftime("%d.%m.%Y %H:%M") if lang == "de" else value.strftime("%Y-%m-%d %H:%M")


def actor_text(actor: str, lang: str) -> str:
    return t("audit.actor.local", lang) if actor in ("", LOCAL_ACTOR) else actor


def readable(entries: list[dict], lang: str) -> pd.DataFrame:
    """One row per entry, newest first, every cell text, column names translated."""
    rows = [{"at": when(e.get("at"), lang), "actor": actor_text(e.get("actor") or "", lang),
             "action": name_for("audit.action", e.get("action") or "", lang),
             "entity": name_for("audit.entity", e.get("entity") or "", lang), "entity_key": e.get("entity_key") or "",
             "before": change_text(e.get("before"), lang), "after": change_text(e.get("after"), lang)}
            for e in entries]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.rename(columns=lambda c: t(f"settings.audit.col.{c}", lang))
