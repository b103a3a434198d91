"""What every reader of an export shares (``data.reading`` for CSV, ``data.workbook`` for xlsx):
the limits, the options a manifest may fix, the located failure and the header clean-up."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import DataImportError, Problem

MAX_COLUMNS = 2000
DEFAULT_MAX_BYTES = 500 * 1024 * 1024
DELIMITERS = (";", ",", "\t", "|")
SNIFF_LINES = 60
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


@dataclass(frozen=True)
class ReadOptions:
    """What a manifest may fix; ``None`` means detect."""

    sheet: str | int | None = None
    delimiter: str | None = None
    encoding: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES


def fail(path: Path | str, message: str, line: int | None = None, hint: str = "", *, key: str = "",
         values: dict | None = None, hint_key: str = "") -> DataImportError:
    """The located refusal of a whole file. ``key``/``hint_key``: the translations of ``message`` and
    ``hint`` (``config/i18n/import.yaml``), filled from ``values`` plus ``file`` and ``line``; the
    headline then reads "the file cannot be read" in the user's language, the problem says why."""
    name = Path(path).name
    where = f"{name}: line {line}" if line else name
    filled = {"file": name, "line": line or "", **(values or {})}
    problem = Problem(where, message, key=key, values=tuple(filled.items()), hint_key=hint_key)
    return DataImportError(f"{where}: {message}", [problem], hint=hint, key="import.read.failed" if key else "",
                           values=filled, hint_key=hint_key)


def clean_headers(names: list[object]) -> list[str]:
    """Trimmed header names; blanks become ``column_N``; repeats get ``.2``, ``.3``."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        text = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name)
        text = text.replace("\ufeff", "").strip()
        text = text or f"column_{i}"
        if text in seen:
            seen[text] += 1
            text = f"{text}.{seen[text]}"
        else:
            seen[text] = 1
        out.append(text)
    return out
