"""Outcome words and plausibility rules are read from entities.yaml, not from Python constants."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from core.settings import CONFIG_DIR
from data.manifest import EntityMapping
from data.mapping import apply_mapping
from data.quality import entity_quality
from data.schema import load_schema
from data.validation import check_rules


@pytest.fixture
def entities(tmp_path: Path) -> Path:
    path = tmp_path / "entities.yaml"
    shutil.copy(CONFIG_DIR / "entities.yaml", path)
    return path


def _edit(path: Path, old: str, new: str) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_schema(path)


def _contacts(schema: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = pd.DataFrame({"Kanal": ["email", "email", "phone"], "Reaktion": ["jawohl", "nein", "Ja"]}, dtype="string",
                       index=[2, 3, 4])
    mapping = EntityMapping("campaign_contacts", "k.csv", columns={"channel": "Kanal", "responded": "Reaktion"})
    return apply_mapping(raw, mapping, schema["campaign_contacts"], "k.csv")


def test_the_mapping_reads_a_yes_no_word_added_only_in_a_copy_of_entities_yaml(entities: Path):
    shipped, problems = _contacts(load_schema())
    assert shipped["responded"].tolist() == [pd.NA, False, True]
    assert problems["value"].tolist() == ["jawohl"] and problems["reason"].tolist() == [
        "not a valid yes/no value (a value meaning neither, e.g. an open stage, goes under empty:)"]

    schema = _edit(entities, "true_words: [", "true_words: [jawohl, ")
    frame, problems = _contacts(schema)
    assert frame["responded"].tolist() == [True, False, True] and problems.empty


def test_a_plausibility_rule_changed_in_a_copy_changes_the_report_and_the_quality(entities: Path):
    frame = pd.DataFrame({"ticket_id": ["t1", "t2"], "opened_at": pd.to_datetime(["2024-01-01"] * 2),
                          "resolved_at": pd.to_datetime(["2024-01-02"] * 2), "cost": [10.0, 20.0],
                          "satisfaction": [5.0, 3.0]}, index=[2, 3])
    shipped = load_schema()["service_tickets"]
    assert check_rules(shipped, frame, "t.csv").empty

    schema = _edit(entities, "columns: [satisfaction], check: between, min: 1, max: 5,\n"
                   "     message: {de: satisfaction außerhalb 1-5, en: satisfaction outside 1-5}",
                   "columns: [satisfaction], check: between, min: 1, max: 4,\n"
                   "     message: {de: Zufriedenheit über 4, en: satisfaction above 4}")
    report = check_rules(schema["service_tickets"], frame, "t.csv")
    assert report[["row", "field", "value", "reason"]].astype(str).values.tolist() == [
        ["2", "satisfaction", "5.0", "satisfaction above 4"]]
    assert entity_quality("service_tickets", frame)["implausible"] == 0  # the shipped rules
