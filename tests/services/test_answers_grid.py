"""The heatmap's rows read as questions, not ids (issue 14.8), and N/A is marked (14.10)."""
from __future__ import annotations

import pandas as pd

from services.workshop import answers_grid, model_by_id


def test_rows_are_numbered_question_texts_in_the_language_and_na_is_marked():
    model = model_by_id("crm_default")
    first, second = model.question_ids[:2]
    votes = pd.DataFrame({"question_id": [second, first, first], "participant": ["Anna", "Anna", "Ben"],
                          "value": [3.0, 2.0, None], "not_applicable": [False, False, True]})
    de = answers_grid(model, votes, "de")
    assert de["question"].tolist() == ["01 Wie sind CRM-Ziele und -Strategie …"] * 2 + [
        "02 Wie werden Kunden nach Wert und Potenzial …"]
    assert de["note"].tolist() == ["", "k. A.", ""] and pd.isna(de["value"].iloc[1])
    en = answers_grid(model, votes, "en")
    assert en["note"].tolist()[1] == "n/a" and not en["question"].str.contains("strategy_").any()
