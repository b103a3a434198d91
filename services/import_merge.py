"""How an imported table meets the stored one, and whether its ids point at anything: pure pandas.

Per imported table the user chooses (``services.dataset_versions``):

- ``append`` (the default): the stored rows stay, the imported rows are added. A row whose key
  (``key:`` of ``config/entities.yaml``, e.g. ``order_id``) is already stored is a **duplicate**:
  the **imported row wins** and replaces the stored one, because an export is the CRM's newer state
  of the same record (a corrected amount, a closed ticket); the count is reported. Rows without a
  key value, and tables without a key (campaign contacts, surveys), are always added as new.
  Duplicates inside one file never reach here: validation rejects the repeated key rows.
- ``replace``: the imported rows take the table's place (its history is gone from the new version,
  the earlier versions keep it).

Referential integrity: every field named like another entity's key (``customer_id`` in orders ->
customers) is matched against that entity in the new version. The share of non-empty ids that match
is shown before importing; below ``BLOCK_BELOW`` (50 %) the import is blocked unless the user
accepts it explicitly (a wrong column mapped as customer id), below 100 % it is a warning (new
customers not exported yet). A field whose target entity is not in the version is not checked.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from core.errors import InputError
from data.schema import EntitySchema

APPEND, REPLACE = "append", "replace"
MODES = (APPEND, REPLACE)
BLOCK_BELOW = 0.5  # matched share under which an import is blocked (unless accepted)
EXAMPLES = 5  # unmatched ids shown as examples


@dataclass(frozen=True)
class Merge:
    """What one table's import does: rows before and after, added, duplicates replaced."""

    entity: str
    mode: str
    before: int
    imported: int
    after: int
    duplicates: int  # imported rows whose key was stored already (the imported row won)
    key: str | None


@dataclass(frozen=True)
class Integrity:
    """How many ids of ``entity.field`` match a ``target`` key in the new version."""

    entity: str
    field: str
    target: str
    checked: int  # non-empty ids
    matched: int
    examples: tuple[str, ...]  # a few ids without a match

    @property
    def share(self) -> float:
        return self.matched / self.checked if self.checked else 1.0

    @property
    def blocking(self) -> bool:
        return self.checked > 0 and self.share < BLOCK_BELOW

    @property
    def warning(self) -> bool:
        return self.matched < self.checked


def check_modes(modes: dict[str, str]) -> None:
    for entity, mode in modes.items():
        if mode not in MODES:
            raise InputError(f"{entity}: unknown import mode {mode!r}", hint=f"one of {list(MODES)}",
                             key="import.mode_unknown", values={"entity": entity, "mode": mode,
                                                                "modes": ", ".join(MODES)},
                             hint_key="import.mode_unknown_hint")


def merge(entity: str, stored: pd.DataFrame | None, imported: pd.DataFrame, mode: str,
          key: str | None, before: int | None = None) -> tuple[pd.DataFrame, Merge]:
    """(the table of the new version, what happened). ``stored`` is None when the table is new or
    replaced without being read (``before``: its stored row count then)."""
    before = (0 if stored is None else len(stored)) if before is None else before
    if stored is None or mode == REPLACE:
        return imported, Merge(entity, mode, before, len(imported), len(imported), 0, key)
    imported = _align(imported, stored)
    duplicates = 0
    kept = stored
    if key and key in stored.columns and key in imported.columns:
        ids = imported[key].dropna()
        hit = stored[key].isin(ids) & stored[key].notna()
        duplicates = int(hit.sum())
        kept = stored[~hit]
    frame = pd.concat([kept, imported], ignore_index=True) if len(kept) else imported.reset_index(drop=True)
    return frame, Merge(entity, mode, before, len(imported), len(frame), duplicates, key)


def _align(imported: pd.DataFrame, stored: pd.DataFrame) -> pd.DataFrame:
    """The imported frame with the stored table's columns and dtypes where they agree."""
    out = imported.copy()
    for col, dtype in stored.dtypes.items():
        if col not in out.columns:
            out[col] = pd.Series(pd.NA, index=out.index).astype(dtype) if dtype != object else None
        elif out[col].dtype != dtype:
            try:
                out[col] = out[col].astype(dtype)
            except (TypeError, ValueError):
                pass  # concat keeps a common dtype
    return out


def references(schema: dict[str, EntitySchema]) -> list[tuple[str, str, str]]:
    """(entity, field, target entity) for every field named like another entity's key."""
    keys = {s.key: name for name, s in schema.items() if s.key}
    return [(name, f.name, keys[f.name]) for name, s in schema.items() for f in s.fields
            if f.name in keys and keys[f.name] != name]


def _column(table: pd.DataFrame | Path, name: str) -> pd.Series | None:
    """One column of a frame or of a stored Parquet file (only that column is read); None if absent."""
    if isinstance(table, Path):
        if name not in pq.ParquetFile(table).schema_arrow.names:
            return None
        return pq.read_table(table, columns=[name]).column(0).to_pandas()
    return table[name] if name in table.columns else None


def integrity(frames: dict[str, pd.DataFrame | Path], imported: dict[str, pd.DataFrame], schema: dict[str, EntitySchema]
              ) -> list[Integrity]:
    """The matched share of the ids in each imported table (its imported rows), and in each stored
    table pointing at an imported one (replacing customers can orphan the stored orders), against
    the target table of the new version ``frames``."""
    out = []
    for entity, fld, target in references(schema):
        if (entity not in imported and target not in imported) or entity not in frames or target not in frames:
            continue
        ids = _column(imported.get(entity, frames[entity]), fld)
        if ids is None:
            continue
        ids = ids.dropna().astype(str)
        ids = ids[ids.str.strip() != ""]
        known = set(_column(frames[target], schema[target].key).dropna().astype(str))
        hit = ids.isin(known)
        missing = tuple(dict.fromkeys(ids[~hit]))[:EXAMPLES]
        out.append(Integrity(entity, fld, target, int(len(ids)), int(hit.sum()), missing))
    return out
