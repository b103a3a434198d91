"""Reading a whole dataset: manifest (or folder) -> canonical frames + report + quality.

``read_dataset(path)`` is the entry point of the command line (``--data PATH``) and of the
import service. Nothing here writes anything; storing is ``storage.datasets``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from core.errors import DataImportError, Problem
from data.manifest import Manifest, resolve_manifest
from data.mapping import apply_mapping
from data.quality import quality_summary
from data.reading import DEFAULT_MAX_BYTES, read_table
from data.schema import ENTITY_NAMES, load_schema
from data.typed_csv import read_entity
from data.validation import ValidationReport, merge_reports, validate


@dataclass(frozen=True, eq=False)
class ImportResult:
    frames: dict[str, pd.DataFrame]  # valid rows per entity, canonical columns and dtypes
    report: ValidationReport
    quality: dict
    manifest: Manifest
    rejected: dict[str, pd.DataFrame] = field(default_factory=dict)  # source rows + row + reason

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def row_counts(self) -> dict[str, int]:
        return {k: int(len(v)) for k, v in self.frames.items()}

    @property
    def rejected_counts(self) -> dict[str, int]:
        return {k: int(len(v)) for k, v in self.rejected.items() if len(v)}

    def raise_if_invalid(self, limit: int = 50) -> None:
        """Raise ``DataImportError`` listing the report's problems (the first ``limit``) when it
        is not clean; the command line then prints them and exits 2."""
        if self.report.ok:
            return
        table = self.report.to_frame()
        problems = [Problem(f"{r.file}: " + (f"row {r.row}, " if not pd.isna(r.row) else "") + f"column {r.column!r}",
                            (f"value {r.value!r}: " if not pd.isna(r.value) else "") + str(r.reason))
                    for r in table.head(limit).itertuples(index=False)]
        more = f" (first {limit} shown)" if len(table) > limit else ""
        source = self.manifest.source or "import"
        raise DataImportError(f"{source}: {len(table)} problem(s) in the data{more}",
                              problems, hint="fix the rows named above, or import with --accept-partial",
                              key="import.invalid", values={"source": source, "count": len(table)},
                              hint_key="import.invalid_hint")


def read_dataset(path: str | Path | Manifest, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 typed_read: bool = True) -> ImportResult:
    """Read, map and validate every entity of a manifest .yaml, a folder, or a ``Manifest``.

    Unreadable files raise ``DataImportError``; bad rows go into ``result.report``. A CSV file is
    first read typed while parsed (``data.typed_csv``, unless ``typed_read`` is False); a file
    with any problem is read as text, which locates them."""
    manifest = path if isinstance(path, Manifest) else resolve_manifest(path)
    schema = load_schema()
    frames: dict[str, pd.DataFrame] = {}
    rejected: dict[str, pd.DataFrame] = {}
    reports: list[ValidationReport] = []
    mapped_all: dict[str, pd.DataFrame] = {}  # before rejection: quality counts duplicates and implausible rows
    for name in ENTITY_NAMES:
        mapping = manifest.entities.get(name)
        if mapping is None:
            continue
        file = manifest.path_for(name)
        quick = read_entity(file, mapping, schema[name], mapping.read_options(max_bytes)) if typed_read else None
        if quick is not None:  # a clean CSV file, typed while parsed
            mapped, valid, bad, report = quick
        else:
            raw = read_table(file, mapping.read_options(max_bytes))
            mapped, parse_problems = apply_mapping(raw, mapping, schema[name], mapping.file)
            valid, bad, report = validate(schema[name], raw, mapped, parse_problems, mapping.file)
        frames[name], rejected[name], mapped_all[name] = valid, bad, mapped
        reports.append(report)
    report = merge_reports(reports)
    return ImportResult(frames, report, quality_summary(mapped_all, report.rejected), manifest, rejected)
