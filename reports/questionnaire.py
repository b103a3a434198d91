"""The offline questionnaire round trip (openpyxl; the files are small).

``export_questionnaire`` writes a protected workbook: only the answer and note cells are
unlocked, answers are drop-downs limited to the question's options (plus n/a where allowed),
and a very hidden ``stamp`` sheet carries model id, version, round and client.
``read_questionnaire`` checks the file (zip bomb limits first, then openpyxl, which parses XML
through defusedxml when it is installed) and returns the answers, or raises ``InputError`` with
one Problem per bad row naming sheet, row and column. ``diff_answers`` shows what an import
would change, for the "show the diff, merge after confirmation" flow.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from core.errors import DataImportError, InputError, Problem
from core.i18n import LANGUAGES, t
from reports.cells import is_missing

NA = "n/a"  # the value of a "not applicable" answer
STAMP_SHEET, LIST_SHEET = "stamp", "options"
STAMP_KEYS = ("model_id", "model_version", "round_id", "client")
HEADER_ROW = 5  # row of the column headers; questions start below
COLUMNS = ("question_id", "domain", "question", "answer", "note")  # A..E
ANSWER_COL, NOTE_COL = 4, 5
MAX_ENTRIES, MAX_UNZIPPED, MAX_RATIO = 200, 50 * 1024 * 1024, 100


def option_label(value: Any, label: str) -> str:
    """What the drop-down shows: ``3 - Defined: ...``."""
    return f"{value} - {label}" if label else str(value)


def _na_labels() -> set[str]:
    return {NA, "n.a.", "n. a."} | {t("questionnaire.na", lang) for lang in LANGUAGES}


def export_questionnaire(model_meta: dict, questions: pd.DataFrame, answers: pd.DataFrame | None,
                         lang: str, target: str | Path | BinaryIO) -> None:
    """Write the questionnaire of a round.

    ``questions``: question_id, domain, text, options (list of (value, label)), optional
    ``allow_na`` (default True). ``answers``: question_id, value (an option value or ``NA``), note.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = t("questionnaire.sheet", lang)
    ws["A1"] = t("questionnaire.title", lang)
    ws["A1"].font = Font(bold=True, size=14)
    model = f"{model_meta.get('model_id', '')} {model_meta.get('model_version', '')}"
    ws["A2"] = f"{t('questionnaire.model', lang)}: {model}"
    ws["A3"] = f"{t('questionnaire.round', lang)}: {model_meta.get('round_id', '')} · {model_meta.get('client', '')}"
    ws["A4"] = t("questionnaire.instructions", lang)
    headers = ("question_id", t("report.col.domain", lang), t("report.col.question", lang),
               t("questionnaire.col.answer", lang), t("questionnaire.col.note", lang))
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, col, text)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E78")
    for col, width in zip("ABCDE", (14, 24, 60, 40, 40)):
        ws.column_dimensions[col].width = width
    lists = wb.create_sheet(LIST_SHEET)
    current = _current(answers)
    unlocked, wrap = Protection(locked=False), Alignment(wrap_text=True, vertical="top")
    for i, q in enumerate(questions.to_dict("records")):  # one row per question: a few dozen rows
        row = HEADER_ROW + 1 + i
        labels = [option_label(v, lbl) for v, lbl in q["options"]]
        if q.get("allow_na", True) is not False:
            labels.append(t("questionnaire.na", lang))
        for col, label in enumerate(labels, start=2):
            _text(lists, i + 1, col, label)
        _text(lists, i + 1, 1, q["question_id"])
        for col, value in ((1, q["question_id"]), (2, q.get("domain")), (3, q.get("text"))):
            _text(ws, row, col, value).alignment = wrap
        value, note = current.get(str(q["question_id"]), (None, None))
        for col, text in ((ANSWER_COL, _answer_label(value, q["options"], lang)), (NOTE_COL, note)):
            cell = _text(ws, row, col, text)
            cell.protection, cell.alignment = unlocked, wrap
        last = get_column_letter(len(labels) + 1)
        dv = DataValidation(type="list", formula1=f"'{LIST_SHEET}'!$B${i + 1}:${last}${i + 1}", allow_blank=True,
                            showErrorMessage=True, errorStyle="stop", error=t("questionnaire.error_text", lang),
                            errorTitle=t("questionnaire.error_title", lang))
        dv.add(ws.cell(row, ANSWER_COL).coordinate)
        ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths may be changed
    stamp = wb.create_sheet(STAMP_SHEET)
    for row, key in enumerate(STAMP_KEYS, start=1):
        _text(stamp, row, 1, key)
        _text(stamp, row, 2, model_meta.get(key, ""))
    for sheet in (stamp, lists):
        sheet.sheet_state = "veryHidden"
        sheet.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)
    wb.save(target)


def _text(ws, row: int, col: int, value: Any):
    """A text cell that stays text (openpyxl would turn a leading '=' into a formula); blank if missing."""
    cell = ws.cell(row, col)
    if not is_missing(value):
        cell.value = str(value)
        cell.data_type = "s"
    return cell


def _current(answers: pd.DataFrame | None) -> dict[str, tuple[Any, Any]]:
    if answers is None or answers.empty:
        return {}
    notes = answers["note"] if "note" in answers else pd.Series([None] * len(answers), index=answers.index)
    return dict(zip(answers["question_id"].astype(str), zip(answers["value"], notes)))


def _answer_label(value: Any, options: list, lang: str) -> str | None:
    if is_missing(value):
        return None
    if value == NA:
        return t("questionnaire.na", lang)
    for option_value, label in options:
        if str(option_value) == str(value):
            return option_label(option_value, label)
    return str(value)


def check_zip(path: str | Path | BinaryIO, source: str) -> None:
    """Refuse xlsx bombs before parsing: entry count, total uncompressed size, compression ratio."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataImportError(f"{source}: not an Excel (xlsx) file", [Problem(source, str(exc))],
                              key="questionnaire.not_xlsx", values={"file": source}) from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    problems = []
    if len(infos) > MAX_ENTRIES:
        problems.append(Problem(source, f"{len(infos)} zip entries, at most {MAX_ENTRIES} allowed",
                                key="questionnaire.entries", values=(("found", len(infos)), ("max", MAX_ENTRIES))))
    if total > MAX_UNZIPPED:
        problems.append(Problem(source, f"{total} bytes unpacked, at most {MAX_UNZIPPED} allowed",
                                key="questionnaire.unpacked", values=(("found", total), ("max", MAX_UNZIPPED))))
    if total > 1024 * 1024 and total / packed > MAX_RATIO:
        problems.append(Problem(source, f"compression ratio {total / packed:.0f}:1, at most {MAX_RATIO}:1 allowed",
                                key="questionnaire.ratio", values=(("found", f"{total / packed:.0f}"), ("max", MAX_RATIO))))
    if problems:
        raise DataImportError(f"{source}: refused as a possible zip bomb", problems,
                              hint="export the questionnaire again from the cockpit", key="questionnaire.bomb",
                              values={"file": source}, hint_key="questionnaire.export_again")
    if hasattr(path, "seek"):
        path.seek(0)


def _sheet_problem(source: str, sheet: str, row: int, col: int, header: str) -> str:
    return f"{source}: sheet '{sheet}', row {row}, column {get_column_letter(col)} ({header})"


def _parse_answer(raw: Any, options: list, allow_na: bool) -> tuple[bool, Any]:
    """(ok, value) of an answer cell: an option label, an option value, or n/a."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if text in _na_labels():
        return allow_na, NA
    by_text = {str(v): v for v, _ in options}
    by_label = {option_label(v, lbl): v for v, lbl in options}
    if text in by_label:
        return True, by_label[text]
    match = re.match(r"^(\S+)\s+-\s", text)
    token = match.group(1) if match else text
    return (token in by_text), by_text.get(token, text)


def read_questionnaire(path: str | Path | BinaryIO, expected_model_id: str, expected_model_version: str,
                       questions: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
    """The answers of a filled questionnaire: question_id, value (option value, ``NA`` or None), note.

    Raises InputError listing every bad row (unknown question, answer outside the options,
    formula cells) and a stamp of another model or version; DataImportError for unsafe files.
    """
    source = source or (Path(path).name if isinstance(path, (str, Path)) else "questionnaire.xlsx")
    check_zip(path, source)
    try:
        wb = load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise DataImportError(f"{source}: the file cannot be read as a workbook", [Problem(source, str(exc))],
                              key="questionnaire.unreadable", values={"file": source}) from None
    problems: list[Problem] = []
    if STAMP_SHEET not in wb.sheetnames:
        raise InputError(f"{source}: not a questionnaire exported by the cockpit",
                         [Problem(source, f"sheet '{STAMP_SHEET}' is missing", key="questionnaire.stamp_missing",
                                  values=(("sheet", STAMP_SHEET),))],
                         hint="export the questionnaire from the cockpit and fill that file in",
                         key="questionnaire.foreign", values={"file": source}, hint_key="questionnaire.foreign_hint")
    stamp = wb[STAMP_SHEET]
    found = {str(stamp.cell(r, 1).value): (r, stamp.cell(r, 2).value) for r in range(1, stamp.max_row + 1)}
    for key, expected in (("model_id", expected_model_id), ("model_version", expected_model_version)):
        row, value = found.get(key, (STAMP_KEYS.index(key) + 1, None))
        if str(value) != str(expected):
            problems.append(Problem(_sheet_problem(source, STAMP_SHEET, row, 2, key),
                                    f"{key} is '{value}', expected '{expected}'",
                                    "the file belongs to another model version: export a fresh questionnaire"))
    names = {t("questionnaire.sheet", lang) for lang in LANGUAGES}
    ws = next((wb[n] for n in wb.sheetnames if n in names), wb.worksheets[0])
    spec = {str(q["question_id"]): (list(q["options"]), q.get("allow_na", True) is not False)
            for q in questions.to_dict("records")}
    headers = {c: str(ws.cell(HEADER_ROW, c).value or COLUMNS[c - 1]) for c in range(1, len(COLUMNS) + 1)}
    out, seen = [], set()
    for cells in ws.iter_rows(min_row=HEADER_ROW + 1, max_col=len(COLUMNS)):  # one row per question
        row = cells[0].row
        where = lambda col: _sheet_problem(source, ws.title, row, col, headers[col])  # noqa: E731
        for cell in cells:
            if cell.data_type == "f":
                problems.append(Problem(where(cell.column), f"formula '{cell.value}' is not allowed", "type the value",
                                        key="questionnaire.formula", values=(("formula", cell.value),),
                                        hint_key="questionnaire.formula_hint"))
        qid, raw, note = cells[0].value, cells[ANSWER_COL - 1].value, cells[NOTE_COL - 1].value
        if is_missing(qid) or str(qid).strip() == "":
            continue
        qid = str(qid).strip()
        if qid not in spec:
            problems.append(Problem(where(1), f"unknown question id '{qid}'", "do not edit the question ids",
                                    key="questionnaire.unknown_question", values=(("question", qid),),
                                    hint_key="questionnaire.unknown_question_hint"))
            continue
        if qid in seen:
            problems.append(Problem(where(1), f"question '{qid}' appears twice", key="questionnaire.twice",
                                    values=(("question", qid),)))
            continue
        seen.add(qid)
        value = None
        if not (raw is None or str(raw).strip() == "" or cells[ANSWER_COL - 1].data_type == "f"):
            options, allow_na = spec[qid]
            ok, value = _parse_answer(raw, options, allow_na)
            if not ok:
                allowed = ", ".join(str(v) for v, _ in options) + (f", {NA}" if allow_na else "")
                problems.append(Problem(where(ANSWER_COL), f"answer '{raw}' is not one of the options ({allowed})",
                                        "pick an answer from the drop-down list", key="questionnaire.not_option",
                                        values=(("answer", raw), ("options", allowed)),
                                        hint_key="questionnaire.not_option_hint"))
        note = None if note is None or str(note).strip() == "" else str(note)
        out.append((qid, value, note))
    if problems:
        n = len(problems)
        raise InputError(f"{source}: {n} problem{'s' if n != 1 else ''} in the questionnaire", problems,
                         key="questionnaire.problems", values={"file": source, "count": n})
    frame = pd.DataFrame(out, columns=["question_id", "value", "note"], dtype=object)
    return frame.astype({"question_id": "string"})


def _norm(series: pd.Series) -> pd.Series:
    """Comparable text of answers: 3, 3.0 and '3' are equal; missing is ''."""
    values = series.astype(object)
    numbers = pd.to_numeric(values, errors="coerce")
    text = values.where(values.notna(), "").astype(str)
    return text.mask(numbers.notna(), numbers.map("{:g}".format))


def diff_answers(db_answers: pd.DataFrame, file_answers: pd.DataFrame) -> pd.DataFrame:
    """question_id, before, after, note_before, note_after: the file's questions whose answer or note differ.

    A blank answer in the file against a stored one is a change (the client cleared it).
    """
    columns = ["question_id", "value", "note"]
    db = db_answers.reindex(columns=columns).astype({"question_id": str, "value": object, "note": object})
    new = file_answers.reindex(columns=columns).astype({"question_id": str, "value": object, "note": object})
    both = new.merge(db, on="question_id", how="left", suffixes=("_after", "_before"))
    changed = (_norm(both["value_after"]) != _norm(both["value_before"])) | \
              (_norm(both["note_after"]) != _norm(both["note_before"]))
    out = both.loc[changed, ["question_id", "value_before", "value_after", "note_before", "note_after"]]
    out = out.rename(columns={"value_before": "before", "value_after": "after"})
    out = out.astype(object).where(out.notna(), None)
    return out.sort_values("question_id", kind="stable").reset_index(drop=True)
