"""Answer sheets: template, reading CSV (encodings, separators) and xlsx, bad rows named."""
from __future__ import annotations

import pandas as pd
import pytest

from assessment.sheets import read_answers, template, write_template
from core.errors import InputError


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
