"""Validation of mapped frames: bad rows become a failure table, not an exception.

The ``ValidationReport`` lists one problem per row and column (pandera style): entity, file,
row (the source line as the user sees it in Excel, header = line 1), column, field, value,
reason (in English, and as ``reason_key``/``reason_values`` for the page: ``data.reasons``). The
command line, the CSV report and the rejected rows read the English ``reason``. The plausibility
rules are data (``config/entities.yaml``); ``rule_mask`` interprets one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.cells import neutralise_frame
from data import reasons as why
from data.mapping import PROBLEM_COLUMNS, empty_problems, parse_booleans, problem_frame
from data.schema import EntitySchema, PlausibilityCheck, PlausibilityRule

CSV_COLUMNS = [c for c in PROBLEM_COLUMNS if c not in ("reason_key", "reason_values")]


def rule_mask(rule: PlausibilityRule, frame: pd.DataFrame) -> pd.Series:
    """True where the row breaks the declared rule (``plausibility`` of ``config/entities.yaml``)."""
    first = frame[rule.columns[0]]
    if rule.check is PlausibilityCheck.NOT_NEGATIVE:
        broken = first < 0
    elif rule.check is PlausibilityCheck.NOT_BEFORE:
        broken = first < frame[rule.columns[1]]
    elif rule.check is PlausibilityCheck.BETWEEN:
        broken = (first < rule.minimum) | (first > rule.maximum)
    else:  # ONLY_IF_TRUE
        broken = first.notna() & ~frame[rule.columns[1]].fillna(False)
    return broken.fillna(False).astype(bool)


@dataclass(frozen=True, eq=False)
class ValidationReport:
    """Every problem of one import. ``ok`` when there is none."""

    problems: pd.DataFrame = field(default_factory=empty_problems)
    rows: dict[str, int] = field(default_factory=dict)  # rows mapped per entity
    rejected: dict[str, int] = field(default_factory=dict)  # rows rejected per entity

    @property
    def ok(self) -> bool:
        return self.problems.empty

    def to_frame(self) -> pd.DataFrame:
        """The failure table, sorted by entity, file and row (column-level problems first)."""
        out = self.problems.copy()
        out["_r"] = out["row"].fillna(0)
        return out.sort_values(["entity", "file", "_r"], kind="stable").drop(columns="_r").reset_index(drop=True)

    def summary(self) -> dict[str, dict[str, int]]:
        """Per entity: rows, valid, rejected, problems (JSON-serialisable)."""
        counts = self.problems.groupby("entity").size().to_dict() if not self.problems.empty else {}
        names = list(dict.fromkeys(list(self.rows) + list(counts)))
        return {e: {"rows": int(self.rows.get(e, 0)), "valid": int(self.rows.get(e, 0) - self.rejected.get(e, 0)),
                    "rejected": int(self.rejected.get(e, 0)), "problems": int(counts.get(e, 0))} for e in names}

    def describe(self, limit: int = 20) -> str:
        """Plain text for the command line: a count line per entity, then the first problems."""
        lines = [f"{e}: {c['rows']} rows, {c['rejected']} rejected, {c['problems']} problems"
                 for e, c in self.summary().items()]
        table = self.to_frame()
        for r in table.head(limit).itertuples(index=False):
            row = f"row {r.row}" if not pd.isna(r.row) else "all rows"
            value = "" if pd.isna(r.value) else f" value {r.value!r}:"
            lines.append(f"  {r.file}: {row}, column {r.column!r}:{value} {r.reason}")
        if len(table) > limit:
            lines.append(f"  ... and {len(table) - limit} more")
        return "\n".join(lines)


def write_report_csv(report: "ValidationReport", path) -> None:
    """The failure table as a UTF-8 CSV (with BOM, so Excel shows umlauts), formulas neutralised; the
    English ``reason`` only (the key and its values are for the page)."""
    neutralise_frame(report.to_frame()[CSV_COLUMNS]).to_csv(path, index=False, encoding="utf-8-sig",
                                                            lineterminator="\n")


def merge_reports(reports: list[ValidationReport]) -> ValidationReport:
    frames = [r.problems for r in reports if not r.problems.empty]
    problems = pd.concat(frames, ignore_index=True) if frames else empty_problems()
    rows, rejected = {}, {}
    for r in reports:
        rows.update(r.rows)
        rejected.update(r.rejected)
    return ValidationReport(problems[PROBLEM_COLUMNS], rows, rejected)


def _located(frame: pd.DataFrame, raw: pd.DataFrame | None, name: str, mask: np.ndarray) -> tuple[str, pd.Series]:
    """(source column, values as the user wrote them) of field ``name`` at the rows in ``mask``."""
    src = frame.attrs.get("sources", {}).get(name, name)
    if raw is not None and src in raw.columns and raw.index.is_unique:
        return src, raw[src].reindex(frame.index[mask]).astype("string")
    return src, frame[name][mask].astype("string")


def check_rules(entity: EntitySchema, frame: pd.DataFrame, source: str,
                raw: pd.DataFrame | None = None) -> pd.DataFrame:
    """Problems from the rules and duplicate keys (no parse problems)."""
    found: list[pd.DataFrame] = []
    for rule in entity.plausibility:
        mask = rule_mask(rule, frame).to_numpy(dtype=bool)
        if mask.any():
            column, values = _located(frame, raw, rule.field, mask)
            found.append(problem_frame(entity.name, source, frame.index[mask], column, values, rule.key,
                                       rule.field, english=rule.message.en))
    if entity.key and entity.key in frame:
        key = frame[entity.key]
        dup = (key.duplicated(keep="first") & key.notna()).to_numpy(dtype=bool)
        if dup.any():
            rows = pd.Series(frame.index.to_numpy(), index=range(len(frame)))
            first = rows.groupby(key.to_numpy(), sort=False).transform("min").to_numpy()
            column, values = _located(frame, raw, entity.key, dup)
            part = problem_frame(entity.name, source, frame.index[dup], column, values, why.DUPLICATE, entity.key)
            reason, encoded = why.per_row(why.DUPLICATE, {"name": entity.key}, "row",
                                           pd.Series(first[dup].astype("int64")))
            part["reason"], part["reason_values"] = reason.to_numpy(), encoded.to_numpy()
            found.append(part)
    return pd.concat(found, ignore_index=True) if found else empty_problems()


def missing_values(entity: EntitySchema, frame: pd.DataFrame, parse: pd.DataFrame, source: str) -> pd.DataFrame:
    """Required fields left empty (values that failed to parse are reported once, by the mapper)."""
    found = []
    whole_column = set(parse.loc[parse["row"].isna(), "field"].dropna())
    for name in entity.required:
        if name not in frame or name in whole_column:
            continue
        mask = frame[name].isna().to_numpy(dtype=bool).copy()
        unparsed = parse.loc[(parse["field"] == name).fillna(False) & parse["row"].notna(), "row"]
        mask &= ~np.isin(frame.index.to_numpy(), unparsed.to_numpy(dtype="int64"))
        if mask.any():
            column = frame.attrs.get("sources", {}).get(name, name)
            found.append(problem_frame(entity.name, source, frame.index[mask], column, [None] * int(mask.sum()),
                                       why.REQUIRED_EMPTY, name, {"field": name}))
    return pd.concat(found, ignore_index=True) if found else empty_problems()


def derive_fields(entity: EntitySchema, frame: pd.DataFrame) -> pd.DataFrame:
    """Fill a yes/no field the export lacks from its evidence: ``customers.churned`` from
    ``churned_at``; ``opportunities.won`` from a stage reading won/lost (open stages stay empty)."""
    sources = frame.attrs.get("sources", {})
    if entity.name == "customers" and "churned" not in sources and frame["churned"].isna().all():
        frame = frame.assign(churned=frame["churned_at"].notna().astype("boolean"))
    elif entity.name == "opportunities" and "won" not in sources and frame["won"].isna().all():
        frame = frame.assign(won=parse_booleans(frame["stage"], entity.outcome_words))
    frame.attrs["sources"] = sources
    return frame


def validate(entity: EntitySchema, raw: pd.DataFrame, frame: pd.DataFrame, parse: pd.DataFrame,
             source: str) -> tuple[pd.DataFrame, pd.DataFrame, ValidationReport]:
    """(valid rows, rejected source rows with ``reason``, report) for one entity's mapped frame."""
    frame = derive_fields(entity, frame)
    problems = pd.concat([p for p in (parse, missing_values(entity, frame, parse, source),
                                      check_rules(entity, frame, source, raw)) if not p.empty] or [empty_problems()],
                         ignore_index=True)[PROBLEM_COLUMNS]
    whole = problems["row"].isna()
    if whole.any():  # a column problem: the mapping is wrong, nothing of this entity is usable
        bad_rows = raw.index.to_numpy()
        reasons = pd.Series("; ".join(problems.loc[whole, "reason"].astype(str)), index=raw.index)
    else:
        bad_rows = problems["row"].dropna().to_numpy(dtype="int64")
        reasons = problems.groupby("row")["reason"].agg(lambda s: "; ".join(dict.fromkeys(s)))
    bad = np.isin(frame.index.to_numpy(), bad_rows) if len(bad_rows) else np.zeros(len(frame), dtype=bool)
    valid = (frame[~bad] if bad.any() else frame).reset_index(drop=True)  # a clean file: no copy
    rejected_raw = (raw[raw.index.isin(bad_rows)] if len(bad_rows) else raw.iloc[0:0]).copy()
    rejected_raw.insert(0, "row", rejected_raw.index.to_numpy())
    rejected_raw["reason"] = reasons.reindex(rejected_raw.index).astype("string").to_numpy()
    report = ValidationReport(problems, {entity.name: len(frame)}, {entity.name: int(bad.sum())})
    return valid, rejected_raw.reset_index(drop=True), report
