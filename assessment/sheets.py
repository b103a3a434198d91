"""Answer sheets: the blank template (one row per question) and reading filled-in sheets back.

A sheet has the columns ``question_id``, ``participant`` (optional), ``answer`` (an option's value,
or ``n/a``) and ``note`` (optional); other columns (domain, question text) are ignored. CSV may be
UTF-8 (with or without BOM) or cp1252, separated by ``;`` or ``,`` (decimal commas are fine with
``;``); ``.xlsx`` is read with python-calamine. Rows with an empty answer are skipped (not filled
in); a row with an answer but no question id, and every other bad row, becomes a Problem naming
file and row, raised together as one InputError.
"""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from assessment.model import MaturityModel
from assessment.scoring import normalise_answers
from core.cells import neutralise_frame
from core.errors import InputError, Problem

NA_WORDS = {"n/a", "na", "n.a.", "k.a.", "k. a.", "nicht anwendbar", "not applicable"}
TEMPLATE_COLUMNS = ("question_id", "domain", "question", "participant", "answer", "note")


def template(model: MaturityModel, participants: list[str] | None = None, lang: str = "de") -> pd.DataFrame:
    """The blank answer sheet: one row per question (and per participant, when given)."""
    rows = pd.DataFrame({
        "question_id": list(model.question_ids),
        "domain": [model.domain_of(q.id).name.get(lang) for q in model.questions()],
        "question": [q.text.get(lang) for q in model.questions()],
    })
    people = pd.DataFrame({"participant": list(participants or [""])})
    sheet = rows.merge(people, how="cross")
    sheet["answer"] = ""
    sheet["note"] = ""
    return sheet[list(TEMPLATE_COLUMNS)].astype("string")


def write_template(model: MaturityModel, out: str | Path, participants: list[str] | None = None,
                   lang: str = "de") -> Path:
    out = Path(out)
    sheet = template(model, participants, lang)
    if out.suffix.lower() == ".xlsx":  # every text a string cell, whatever it starts with
        with pd.ExcelWriter(out, engine="xlsxwriter",
                            engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as xl:
            sheet.to_excel(xl, index=False)
    else:  # participant names and texts that could start a formula get a leading quote
        neutralise_frame(sheet).to_csv(out, index=False, sep=";", encoding="utf-8-sig")
    return out


def _read_raw(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        try:
            return pd.read_excel(path, dtype=str, engine="calamine", keep_default_na=False).fillna("")
        except Exception as exc:  # calamine raises its own types for broken workbooks
            raise InputError(f"{path.name}: cannot read the workbook", [Problem(path.name, str(exc)[:200])],
                             hint="save it again as .xlsx or export CSV", key="sheet.unreadable_workbook",
                             values={"file": path.name}, hint_key="sheet.unreadable_workbook_hint") from None
    data = path.read_bytes()
    text = ""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = text.splitlines()[0] if text else ""
    sep = ";" if first.count(";") >= first.count(",") and ";" in first else ("\t" if "\t" in first else ",")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path.name}: not a readable CSV file", [Problem(path.name, str(exc)[:200])],
                         key="sheet.unreadable_csv", values={"file": path.name}) from None
    if sep == ";" and "answer" in frame:  # German Excel: decimal comma
        frame["answer"] = frame["answer"].str.replace(",", ".", regex=False)
    return frame


def read_answers(path: str | Path, model: MaturityModel) -> pd.DataFrame:
    """A filled-in sheet as the answers frame (question_id, participant, value, not_applicable, note)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found", [Problem(str(path), "file not found", key="file.not_found")],
                         key="file.missing", values={"file": path.name})
    raw = _read_raw(path)
    raw.columns = [str(c).strip().lower().lstrip("\ufeff") for c in raw.columns]
    missing = [c for c in ("question_id", "answer") if c not in raw.columns]
    if missing:
        raise InputError(f"{path.name}: required column(s) missing: {', '.join(missing)}",
                         [Problem(f"{path.name}: row 1", f"columns found: {list(raw.columns)}", key="sheet.columns_found",
                                  values=(("columns", ", ".join(map(str, raw.columns))),))],
                         hint="the sheet needs question_id and answer; participant and note are optional",
                         key="sheet.columns_missing", values={"file": path.name, "columns": ", ".join(missing)},
                         hint_key="sheet.columns_missing_hint")
    df = pd.DataFrame({
        "row": raw.index + 2,  # header is row 1
        "question_id": raw["question_id"].astype("string").str.strip(),
        "participant": (raw["participant"] if "participant" in raw else pd.Series("", index=raw.index))
        .astype("string").fillna("").str.strip(),
        "answer": raw["answer"].astype("string").fillna("").str.strip(),
        "note": (raw["note"] if "note" in raw else pd.Series("", index=raw.index)).astype("string").fillna(""),
    })
    df = df[df["answer"] != ""]
    df["not_applicable"] = df["answer"].str.lower().isin(NA_WORDS)
    df["value"] = pd.to_numeric(df["answer"].where(~df["not_applicable"]), errors="coerce")
    anonymous = df["participant"] == ""
    df.loc[anonymous, "participant"] = "row " + df.loc[anonymous, "row"].astype(str)
    problems = _problems(df, model, path.name)
    if problems:
        raise InputError(f"{path.name}: {len(problems)} bad row(s)", problems,
                         hint="use the question ids of the template and one of each question's option values, or n/a",
                         key="sheet.bad_rows", values={"file": path.name, "count": len(problems)},
                         hint_key="sheet.bad_rows_hint")
    return normalise_answers(df[["question_id", "participant", "value", "not_applicable", "note"]])


def _problems(df: pd.DataFrame, model: MaturityModel, name: str) -> list[Problem]:
    """Unknown ids, answers outside the options, N/A where not allowed, repeated rows (vectorised)."""
    questions = list(model.questions())
    allowed = pd.DataFrame([(q.id, v) for q in questions for v in q.values], columns=["question_id", "value"])
    allowed["ok"] = True
    na_ok = pd.Series({q.id: q.not_applicable_allowed for q in questions}, dtype=bool)
    no_id = (df["question_id"].fillna("") == "").to_numpy(dtype=bool)
    known = df["question_id"].isin(model.question_ids)
    hit = df.merge(allowed, on=["question_id", "value"], how="left")["ok"].fillna(False).to_numpy(dtype=bool)
    na_bad = df["not_applicable"] & ~_lookup(df["question_id"], na_ok.to_dict(), True).astype(bool)
    dup = df.duplicated(["question_id", "participant"], keep="first")
    allowed_text = _lookup(df["question_id"], {q.id: ", ".join(f"{v:g}" for v in q.values) for q in questions},
                           "").astype("string")
    checks = [  # (mask, message) per kind of problem; messages built for every row, kept where masked
        (no_id, pd.Series("answer " + df["answer"] + " has no question_id", index=df.index)),
        (~known & ~no_id, "question_id " + df["question_id"] + " is not in model " + model.id),
        (known & ~df["not_applicable"] & ~hit,
         "answer " + df["answer"] + " is not an option of " + df["question_id"] + " (allowed: " + allowed_text + ")"),
        (known & na_bad, "n/a is not allowed for " + df["question_id"]),
        (dup, "second answer of " + df["participant"] + " to " + df["question_id"]),
    ]
    issues = pd.concat([pd.DataFrame({"row": df["row"][mask], "msg": msg[mask]}) for mask, msg in checks])
    issues = issues.sort_values("row", kind="stable")
    return [Problem(f"{name}: row {r}", m) for r, m in zip(issues["row"], issues["msg"])]


def _lookup(keys: pd.Series, table: dict, default) -> pd.Series:
    """``table[key]`` per row, ``default`` for unknown or empty keys. Looked up on plain Python
    values: mapping an Arrow-backed column whose every key is unknown gives an all-null Arrow
    column that ``fillna`` cannot fill (``ArrowInvalid: Invalid null value``)."""
    found = keys.astype(object).map(table)
    return found.where(found.notna(), default)
