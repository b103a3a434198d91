"""Issue 14.8: the audit log reads as German (or English) sentences, not ids and dict reprs."""
from __future__ import annotations

import re
from pathlib import Path

from core.i18n import keys, t
from services import audit_view, workshop
from services.demo_assessment import seed_demo_rounds
from storage import assessments as repo
from storage.audit import entries

ROOT = Path(__file__).resolve().parents[2]
LITERAL = re.compile(r'action(?:: str)?\s*=\s*"([a-z_]+\.[a-z_]+)"')
VERSIONED = re.compile(r'actor, "([a-z_]+\.[a-z_]+)", "[a-z_]+"\)')  # storage.assessments._versioned_write
STATUS = re.compile(r'action=f"round\.\{status\}"')


def _recorded_actions() -> set[str]:
    found: set[str] = set()
    for pkg in ("storage", "services", "usecases", "auth"):
        for path in (ROOT / pkg).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            found |= set(LITERAL.findall(text)) | set(VERSIONED.findall(text))
            if STATUS.search(text):
                found |= {"round.open", "round.closed"}
    return found


def test_every_action_the_code_records_has_a_name_in_both_languages():
    actions = _recorded_actions()
    assert {"target.set", "rating.set", "dataset.import", "round.closed", "client.create"} <= actions
    missing = sorted(a for a in actions if f"audit.action.{a}" not in keys())
    assert missing == [], f"add audit.action.<id> to config/i18n/audit.yaml: {missing}"
    for action in actions:
        assert t(f"audit.action.{action}", "de") != t(f"audit.action.{action}", "en"), action


def test_a_target_change_reads_as_words_in_german_and_english(engine, client):
    seed_demo_rounds(engine, client.id, seed=7)
    rnd = repo.list_rounds(engine, client.id)[0]
    model = workshop.model_by_id(rnd.model_id)
    domain = model.top_groups[0].id
    version = repo.targets(engine, client.id, rnd.id)[domain].version
    workshop.set_target(engine, client.id, rnd.id, model, domain, 4.5, expected_version=version, actor="local")
    rows = entries(engine, client.id, limit=1)
    assert rows[0]["action"] == "target.set" and rows[0]["after"] == {"target": 4.5}

    de = audit_view.readable(rows, "de").iloc[0]
    assert (de["Aktion"], de["Objekt"], de["Von"], de["Nachher"]) == (
        "Zielniveau gesetzt", "Zielniveau", "Einzelplatz (lokal)", "Zielniveau: 4,50")
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", de["Zeitpunkt"])
    en = audit_view.readable(rows, "en").iloc[0]
    assert (en["Action"], en["After"]) == ("Target level set", "Target level: 4.50")


def test_no_cell_shows_none_a_dict_or_an_unknown_field_is_kept_by_its_id():
    rows = [{"at": None, "actor": "anna", "action": "dataset.import", "entity": "dataset", "entity_key": "3",
             "before": None, "after": {"label": "v3", "rows": {"orders": 16273}, "active": True, "new_field": "x"}}]
    cell = audit_view.readable(rows, "de").iloc[0]
    assert cell["Nachher"] == "Bezeichnung: v3; Zeilen: orders 16.273; aktiv: ja; new_field: x"
    assert cell["Vorher"] == "" and cell["Von"] == "anna"
    shown = audit_view.readable(rows, "de").to_string()
    assert "None" not in shown and "{" not in shown
