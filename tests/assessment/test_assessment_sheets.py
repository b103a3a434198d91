"""Answer sheets: template, reading CSV (encodings, separators) and xlsx, bad rows named."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from assessment.sheets import read_answers, template, write_template
from core.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def test_template_has_one_row_per_question_and_participant(default_model):
    sheet = template(default_model, ["Anna", "Ben"], lang="en")
    assert list(sheet.columns) == ["question_id", "domain", "question", "participant", "answer", "note"]
    assert len(sheet) == 2 * len(default_model.question_ids)
    assert sheet.iloc[0].tolist() == ["strategy_goals", "Strategy and customer orientation",
                                      "How are CRM goals and strategy set?", "Anna", "", ""]


def test_template_round_trip_skips_blank_answers(default_model, tmp_path):
    path = write_template(default_model, tmp_path / "answers.csv", ["Anna"])
    sheet = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    sheet.loc[sheet["question_id"] == "sales_forecast", "answer"] = "4"
    sheet.loc[sheet["question_id"] == "org_partners", "answer"] = "n/a"
    sheet.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    answers = read_answers(path, default_model)
    assert answers[["question_id", "participant", "value", "not_applicable"]].to_dict("records") == [
        {"question_id": "sales_forecast", "participant": "Anna", "value": 4.0, "not_applicable": False},
        {"question_id": "org_partners", "participant": "Anna", "value": pytest.approx(float("nan"), nan_ok=True),
         "not_applicable": True}]


@pytest.mark.parametrize("content,encoding", [
    ("question_id;participant;answer;note\nportal_status;Jürgen;0,25;Prüfung läuft\n", "cp1252"),
    ("\ufeffquestion_id,participant,answer,note\nportal_status,Jürgen,0.25,Prüfung läuft\n", "utf-8"),
    ("question_id;participant;answer;note\nportal_status;Jürgen;0.25;Prüfung läuft\n", "utf-8"),
])
def test_csv_encodings_and_separators(foreign_model, tmp_path, content, encoding):
    path = tmp_path / "a.csv"
    path.write_bytes(content.encode(encoding))
    answers = read_answers(path, foreign_model)
    assert answers.iloc[0][["question_id", "participant", "value", "note"]].tolist() == [
        "portal_status", "Jürgen", 0.25, "Prüfung läuft"]


def test_xlsx_is_read(foreign_model, tmp_path):
    path = tmp_path / "a.xlsx"
    pd.DataFrame({"question_id": ["faq_search", "routing_skills"], "answer": ["0.5", "n/a"]}).to_excel(path, index=False)
    answers = read_answers(path, foreign_model)
    assert answers["question_id"].tolist() == ["faq_search", "routing_skills"]
    assert answers["not_applicable"].tolist() == [False, True]
    assert answers["participant"].tolist() == ["row 2", "row 3"]  # no names: each row stands alone


def test_bad_rows_are_each_named_with_file_and_row(foreign_model, tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("question_id;participant;answer\n"
                    "portal_status;Anna;1\n"
                    "portal_statuss;Anna;1\n"       # row 3: unknown id
                    "faq_search;Anna;3\n"           # row 4: not an option
                    "faq_feedback;Anna;n/a\n"       # row 5: n/a not allowed here
                    "portal_status;Anna;0,5\n"      # row 6: Anna answered twice
                    "routing_skills;Ben;\n", encoding="utf-8")  # row 7: blank = not filled in, fine
    with pytest.raises(InputError) as info:
        read_answers(path, foreign_model)
    assert [str(p) for p in info.value.problems] == [
        "answers.csv: row 3: question_id portal_statuss is not in model digital_service_check",
        "answers.csv: row 4: answer 3 is not an option of faq_search (allowed: 0, 0.25, 0.5, 1)",
        "answers.csv: row 5: n/a is not allowed for faq_feedback",
        "answers.csv: row 6: second answer of Anna to portal_status",
    ]


def test_missing_columns_are_reported(foreign_model, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("frage,antwort\nx,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="required column\\(s\\) missing: question_id, answer"):
        read_answers(path, foreign_model)


ALL_BAD = {  # every row of the sheet is bad in the same way (issue 15.2: no row gives the columns a type)
    "unknown ids": ("question_id;participant;answer\nnope_1;A;3\nnope_2;B;2\n",
                    ["row 2: question_id nope_1 is not in model crm_default",
                     "row 3: question_id nope_2 is not in model crm_default"]),
    "unknown ids answered n/a": ("question_id;answer\nnope_1;n/a\nnope_2;k.A.\n",
                                 ["row 2: question_id nope_1 is not in model crm_default",
                                  "row 3: question_id nope_2 is not in model crm_default"]),
    "answers outside the options": ("question_id;answer\nstrategy_goals;9\nsales_forecast;viel\n",
                                    ["row 2: answer 9 is not an option of strategy_goals (allowed: 1, 2, 3, 4, 5)",
                                     "row 3: answer viel is not an option of sales_forecast (allowed: 1, 2, 3, 4, 5)"]),
    "answers without a question id": ("question_id;answer\n;3\n ;4\n",
                                      ["row 2: answer 3 has no question_id", "row 3: answer 4 has no question_id"]),
}


@pytest.mark.parametrize("content,expected", ALL_BAD.values(), ids=ALL_BAD.keys())
def test_a_sheet_whose_every_row_is_bad_names_each_row(default_model, tmp_path, content, expected):
    path = tmp_path / "antworten.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_answers(path, default_model)
    assert [str(p) for p in caught.value.problems] == [f"antworten.csv: {e}" for e in expected]


def test_assess_score_on_an_all_unknown_sheet_exits_2_naming_file_and_row(tmp_path):
    path = tmp_path / "antworten.csv"
    path.write_text(ALL_BAD["unknown ids"][0], encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "assess", "score", "--model", "crm_default",
                           "--answers", str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "antworten.csv: row 2: question_id nope_1 is not in model crm_default" in done.stderr
    assert "Traceback" not in done.stderr and "ArrowInvalid" not in done.stderr
