"""The offline questionnaire of an assessment round: export, read back, diff, merge (no Streamlit).

export -> (filled offline) -> ``read`` (validated against the round's model id and version and the
round id in the file's stamp) -> ``diff`` against the consensus ratings the database holds, with
the version each row was read at -> the user confirms -> ``merge`` writes the changed ratings with
``storage.assessments.set_rating`` (optimistic version: a rating changed in the meantime raises
``ConflictError`` instead of being overwritten; each write records its ``rating.set`` audit entry)
and one ``questionnaire.import`` audit entry summarising the import.

``set_rating`` opens one transaction per rating (the repository's seam), so a merge is not a
single transaction: every row is validated before the first write, and a conflict stops the
merge at that row (the rows before it are merged and audited; importing again shows what is left).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

import pandas as pd
from openpyxl import load_workbook
from sqlalchemy import Engine

from assessment.model import MaturityModel
from core.errors import InputError, Problem
from core.i18n import t
from reports.cells import is_missing
from reports.questionnaire import NA, STAMP_SHEET, diff_answers, export_questionnaire, read_questionnaire
from services.workshop import model_by_id, validate_vote
from storage import assessments as repo


@dataclass(frozen=True)
class MergeResult:
    written: tuple[str, ...]   # question ids whose consensus rating was written
    skipped: tuple[str, ...]   # blank in the file but set in the database: a rating cannot be cleared


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _cell(frame: pd.DataFrame, qid: str, column: str) -> str:
    value = frame.at[qid, column] if qid in frame.index else None
    return "" if is_missing(value) else str(value)


def questions_frame(model: MaturityModel, lang: str) -> pd.DataFrame:
    """question_id, domain, text, options [(value, label)], allow_na: what the export writes."""
    rows = [{"question_id": q.id, "domain": model.domain_of(q.id).name.get(lang), "text": q.text.get(lang),
             "options": [(_plain(o.value), (o.label.get(lang) or o.text.get(lang))) for o in q.options],
             "allow_na": q.not_applicable_allowed} for q in model.questions()]
    return pd.DataFrame(rows)


def current_answers(engine: Engine, client_id: int, round_id: int) -> pd.DataFrame:
    """question_id, value (option value or ``n/a``), note, rationale, evidence, version: the consensus ratings."""
    ratings = repo.ratings_frame(engine, client_id, round_id)
    values = ratings["value"].astype(object).map(lambda v: None if is_missing(v) else _plain(v))
    return pd.DataFrame({"question_id": ratings["question_id"].astype(str),
                         "value": values.where(~ratings["not_applicable"], NA),
                         "note": ratings["note"].astype(object), "rationale": ratings["rationale"].astype(object),
                         "evidence": ratings["evidence"].astype(object), "version": ratings["version"]})


def _round_model(engine: Engine, client_id: int, round_id: int):
    rnd = repo.get_round(engine, client_id, round_id)
    return rnd, model_by_id(rnd.model_id)


def export(engine: Engine, client_id: int, round_id: int, lang: str, target: Any, client_name: str = "") -> None:
    """Write the round's questionnaire with the current consensus ratings filled in."""
    rnd, model = _round_model(engine, client_id, round_id)
    meta = {"model_id": model.id, "model_version": model.version, "round_id": str(rnd.id), "client": client_name}
    export_questionnaire(meta, questions_frame(model, lang), current_answers(engine, client_id, round_id), lang,
                         target)


def read(engine: Engine, client_id: int, round_id: int, file: str | BinaryIO, source: str | None = None,
         lang: str = "de") -> pd.DataFrame:
    """The answers of a filled file (question_id, value, note); InputError naming each bad row."""
    rnd, model = _round_model(engine, client_id, round_id)
    answers = read_questionnaire(file, model.id, model.version, questions_frame(model, lang), source=source)
    if hasattr(file, "seek"):
        file.seek(0)
    stamp = load_workbook(file, read_only=True)[STAMP_SHEET]
    found = {str(r[0]): r[1] for r in stamp.iter_rows(min_row=1, max_col=2, values_only=True)}
    if str(found.get("round_id")) != str(rnd.id):
        where = f"{source or 'questionnaire.xlsx'}: sheet '{STAMP_SHEET}' (round_id)"
        raise InputError(f"{source or 'The file'} belongs to another assessment round.",
                         [Problem(where, f"round_id is '{found.get('round_id')}', expected '{rnd.id}'",
                                  key="questionnaire.round_mismatch",
                                  values=(("found", found.get("round_id")), ("expected", rnd.id)))],
                         hint="export the questionnaire of this round, or pick the round the file came from",
                         key="questionnaire.other_round", hint_key="questionnaire.other_round_hint",
                         values={"file": source or "questionnaire.xlsx"})
    return answers


def diff(engine: Engine, client_id: int, round_id: int, answers: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """question_id, question, before, after, note_before, note_after, version: what a merge would change."""
    _rnd, model = _round_model(engine, client_id, round_id)
    current = current_answers(engine, client_id, round_id)
    out = diff_answers(current[["question_id", "value", "note"]], answers)
    texts = {q.id: q.text.get(lang) for q in model.questions()}
    out.insert(1, "question", out["question_id"].map(texts))
    version = current.set_index("question_id")["version"]
    out["version"] = out["question_id"].map(version).astype("Int64")
    return out


def merge(engine: Engine, client_id: int, round_id: int, changes: pd.DataFrame, actor: str,
          source: str = "questionnaire.xlsx") -> MergeResult:
    """Write the confirmed ``changes`` (a ``diff`` frame) as consensus ratings, with the version read, in ONE
    transaction together with the summary audit entry: a conflict on any row merges nothing."""
    _rnd, model = _round_model(engine, client_id, round_id)
    current = current_answers(engine, client_id, round_id).set_index("question_id")
    plan, skipped = [], []
    for row in changes.to_dict("records"):  # one row per changed question: a few dozen at most
        qid, after, note = str(row["question_id"]), row["after"], row.get("note_after")
        if is_missing(after):
            skipped.append(qid)
            continue
        na = after == NA
        value = None if na else float(after)
        validate_vote(model, qid, value, na)
        version = row.get("version")
        plan.append((qid, value, na, "" if is_missing(note) else str(note),
                     None if is_missing(version) else int(version),
                     _cell(current, qid, "rationale"), _cell(current, qid, "evidence")))
    rows = [{"question_id": qid, "value": value, "not_applicable": na,
             "rationale": rationale or t("reporting.rationale", "de", file=source), "note": note,
             "evidence": evidence or "", "expected_version": version}
            for qid, value, na, note, version, rationale, evidence in plan]
    written = [r["question_id"] for r in rows]
    if rows:  # all rows and the summary audit entry in one transaction: all or nothing
        repo.set_ratings(engine, client_id, round_id, rows, actor=actor,
                         summary={"file": source, "questions": written, "skipped": skipped})
    return MergeResult(tuple(written), tuple(skipped))
