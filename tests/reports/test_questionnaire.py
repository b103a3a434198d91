"""Offline questionnaire round trip: export, fill in with openpyxl as a client would, read back, diff."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import DataImportError, InputError
from reports.questionnaire import diff_answers, export_questionnaire, read_questionnaire

CASES = yaml.safe_load((Path(__file__).parent / "questionnaire_cases.yaml").read_text(encoding="utf-8"))
MODEL = CASES["model"]
OPTIONS = [tuple(o) for o in CASES["options"]]
QUESTIONS = pd.DataFrame(CASES["questions"]).assign(options=[OPTIONS] * len(CASES["questions"]))
STORED = pd.DataFrame(CASES["stored"])


@pytest.fixture
def exported(tmp_path) -> Path:
    path = tmp_path / "fragebogen.xlsx"
    export_questionnaire(MODEL, QUESTIONS, STORED, "de", path)
    return path


def _edit(path: Path, *edits: dict) -> Path:
    wb = openpyxl.load_workbook(path)
    for edit in edits:
        wb[edit.get("sheet", "Fragebogen")][edit["cell"]] = edit["value"]
    out = path.with_name("filled.xlsx")
    wb.save(out)
    return out


def _read(path: Path) -> pd.DataFrame:
    return read_questionnaire(path, MODEL["model_id"], MODEL["model_version"], QUESTIONS)


def test_export_is_protected_with_drop_downs(exported):
    wb = openpyxl.load_workbook(exported)
    ws = wb["Fragebogen"]
    assert ws.protection.sheet and wb.security.lockStructure
    assert [wb[n].sheet_state for n in ("stamp", "options")] == ["veryHidden", "veryHidden"]
    assert [ws.cell(6, c).protection.locked for c in range(1, 6)] == [True, True, True, False, False]
    assert ws["D6"].value == "2 - Managed" and ws["E6"].value == "Workshop März"
    assert ws["C7"].value.startswith("=HYPERLINK") and ws["C7"].data_type == "s"
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert set(rules) == {"D6", "D7", "D8"}
    assert rules["D6"].type == "list" and rules["D6"].showErrorMessage and rules["D6"].errorStyle == "stop"
    lists = wb["options"]
    row1 = [c.value for c in lists[1]]
    assert row1 == ["s1", "1 - Initial", "2 - Managed", "3 - Defined", "4 - Measured", "5 - Optimizing",
                    "n. a. (nicht zutreffend)"]
    assert [c.value for c in lists[3] if c.value][-1] == "5 - Optimizing"  # d1: n/a not allowed
    assert rules["D8"].formula1 == "'options'!$B$3:$F$3"
    stamp = {r[0]: r[1] for r in wb["stamp"].iter_rows(values_only=True)}
    assert stamp == {"model_id": "crm_default", "model_version": "1.2", "round_id": "2025-1", "client": "Muster GmbH"}


def test_unchanged_file_reads_back_the_stored_answers(exported):
    back = _read(exported)
    assert back["question_id"].tolist() == ["s1", "s2", "d1"]
    assert back["value"].tolist() == [2, 3, None]
    assert back["note"].tolist() == ["Workshop März", None, None]
    assert diff_answers(STORED, back).empty


@pytest.mark.parametrize("edit", CASES["edits"], ids=lambda e: e["name"])
def test_client_edit_shows_in_the_diff(exported, edit):
    back = _read(_edit(exported, edit))
    diff = diff_answers(STORED, back)
    assert diff["question_id"].tolist() == [edit["question_id"]]
    row = diff.iloc[0]
    before = STORED.set_index("question_id")["value"].get(edit["question_id"])
    assert row["after"] == edit["after"] and row["before"] == before


def test_note_change_and_cleared_answer(exported):
    back = _read(_edit(exported, {"cell": "E7", "value": "neu"}, {"cell": "D6", "value": None}))
    diff = diff_answers(STORED, back).set_index("question_id")
    assert diff.loc["s2", "note_after"] == "neu" and diff.loc["s2", "before"] == diff.loc["s2", "after"] == 3
    assert diff.loc["s1", "before"] == 2 and diff.loc["s1", "after"] is None


@pytest.mark.parametrize("case", CASES["refused"], ids=lambda c: c["name"])
def test_tampered_file_is_refused_naming_the_row(exported, case):
    with pytest.raises(InputError) as err:
        _read(_edit(exported, case))
    (problem,) = err.value.problems
    assert problem.where.startswith(f"filled.xlsx: {case['where']} (")
    assert case["says"] in problem.message


def test_all_problems_are_reported_at_once(exported):
    with pytest.raises(InputError) as err:
        _read(_edit(exported, *[CASES["refused"][i] for i in (0, 2, 3, 4)]))
    assert len(err.value.problems) == 4
    assert "4 problems" in err.value.message


def test_xlsx_bomb_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (60 * 1024 * 1024) + b"</a>")
    with pytest.raises(DataImportError) as err:
        read_questionnaire(path, "m", "1", QUESTIONS)
    assert "zip bomb" in err.value.message
    assert any("compression ratio" in p.message for p in err.value.problems)


def test_not_a_workbook_is_a_clear_error():
    with pytest.raises(DataImportError, match="not an Excel"):
        read_questionnaire(io.BytesIO(b"hello"), "m", "1", QUESTIONS)


def test_openpyxl_parses_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML
    assert DEFUSEDXML is True


@settings(deadline=None, max_examples=60)  # pandas per example: no deadline on a loaded 2-core box
@given(st.lists(st.sampled_from([1, 2, 3, 4, 5, "n/a", None]), min_size=3, max_size=3),
       st.integers(min_value=0, max_value=2), st.sampled_from([1, 2, 3, 4, 5]))
def test_diff_lists_exactly_the_changed_question(values, changed, new_value):
    stored = pd.DataFrame({"question_id": ["a", "b", "c"], "value": values, "note": [None, "x", None]})
    assert diff_answers(stored, stored).empty
    after = stored.astype({"value": object}).copy()
    after.loc[changed, "value"] = new_value
    diff = diff_answers(stored, after)
    expected = [] if values[changed] == new_value else [["a", "b", "c"][changed]]
    assert diff["question_id"].tolist() == expected
