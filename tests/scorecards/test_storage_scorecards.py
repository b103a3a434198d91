"""The scorecard repository on SQLite (and PostgreSQL with TEST_DATABASE_URL): a client's edited
scorecard with optimistic versions, manual values, snapshots; every write audited, every read scoped."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from core.errors import ConflictError, InputError
from scorecards.evaluation import compare_snapshots, evaluate
from scorecards.loader import SCORECARDS_DIR, parse_scorecard
from storage import audit
from storage import scorecards as repo
from storage.clients import create_client

DEFAULT_TEXT = (SCORECARDS_DIR / "crm_default.yaml").read_text(encoding="utf-8")
ROLLUP = yaml.safe_load((Path(__file__).parent / "cases" / "rollup.yaml").read_text(encoding="utf-8"))
CARD = parse_scorecard(ROLLUP["scorecard"], "rollup.yaml")


def test_edited_scorecard_versions_and_conflict(engine, client):
    assert repo.get_setting(engine, client.id, "crm_default") is None
    assert repo.save_setting(engine, client.id, "crm_default", DEFAULT_TEXT, None, actor="berater") == 1
    edited = DEFAULT_TEXT.replace("target: 0.08", "target: 0.09")
    assert repo.save_setting(engine, client.id, "crm_default", edited, 1, actor="berater") == 2
    with pytest.raises(ConflictError) as info:  # a second editor started from version 1
        repo.save_setting(engine, client.id, "crm_default", DEFAULT_TEXT, 1, actor="kollegin")
    assert info.value.current.version == 2 and "target: 0.09" in info.value.current.content
    with pytest.raises(ConflictError):  # "create" when a copy exists already
        repo.save_setting(engine, client.id, "crm_default", DEFAULT_TEXT, None)
    stored = repo.get_setting(engine, client.id, "crm_default")
    assert (stored.version, stored.updated_by, stored.content) == (2, "berater", edited)
    actions = [(e["action"], e["before"], e["after"]) for e in audit.entries(engine, client.id)
               if e["entity"] == "scorecard"]
    assert actions == [("scorecard.save", {"version": 1}, {"version": 2}), ("scorecard.save", None, {"version": 1})]


def test_reset_to_default_needs_the_current_version(engine, client):
    repo.save_setting(engine, client.id, "crm_default", DEFAULT_TEXT, None)
    repo.save_setting(engine, client.id, "crm_default", DEFAULT_TEXT, 1)
    with pytest.raises(ConflictError) as info:
        repo.delete_setting(engine, client.id, "crm_default", 1)
    assert info.value.current.version == 2
    repo.delete_setting(engine, client.id, "crm_default", 2, actor="berater")
    assert repo.get_setting(engine, client.id, "crm_default") is None
    assert audit.entries(engine, client.id)[0]["action"] == "scorecard.reset"


def test_settings_are_scoped_to_the_client(engine, client):
    other = create_client(engine, "Andere AG")
    repo.save_setting(engine, client.id, "crm_default", DEFAULT_TEXT, None)
    assert repo.get_setting(engine, other.id, "crm_default") is None
    assert repo.list_settings(engine, other.id) == []
    assert repo.save_setting(engine, other.id, "crm_default", "id: x", None) == 1  # its own copy
    assert [s.content for s in repo.list_settings(engine, client.id)] == [DEFAULT_TEXT]


def test_manual_values_upsert_and_feed_the_evaluation(engine, client):
    repo.set_manual_value(engine, client.id, "training_hours", "2024-Q1", 4.0, note="HR", actor="anna")
    repo.set_manual_value(engine, client.id, "training_hours", "2024-Q1", 5.0, actor="ben")
    repo.set_manual_value(engine, client.id, "training_hours", "2023-Q4", 3.0, actor="anna")
    other = create_client(engine, "Andere AG")
    repo.set_manual_value(engine, other.id, "training_hours", "2024-Q1", 99.0)
    frame = repo.manual_frame(engine, client.id)
    assert list(zip(frame["kpi"], frame["period"], frame["value"], frame["updated_by"])) == [
        ("training_hours", "2023-Q4", 3.0, "anna"), ("training_hours", "2024-Q1", 5.0, "ben")]
    kpi = evaluate(CARD, None, "2024-Q1", manual=frame).kpi("training_hours")
    assert (kpi.actual, kpi.previous, kpi.achievement, kpi.trend.label) == (5.0, 3.0, 0.75, "up/better")
    changes = [(e["before"], e["after"]) for e in audit.entries(engine, client.id) if e["entity"] == "manual_value"]
    assert changes[1] == ({"value": 4.0, "note": "HR"}, {"value": 5.0, "note": ""})
    assert repo.delete_manual_value(engine, client.id, "training_hours", "2023-Q4")
    assert not repo.delete_manual_value(engine, client.id, "training_hours", "2023-Q4")
    assert list(repo.manual_frame(engine, client.id)["period"]) == ["2024-Q1"]


@pytest.mark.parametrize("period,value,message", [("Q1 2024", 1.0, "'Q1 2024' is not a period"),
                                                  ("2024-Q1", float("nan"), "is not a number"),
                                                  ("2024-Q1", "5", "'5' is not a number")])
def test_manual_value_input_errors(engine, client, period, value, message):
    with pytest.raises(InputError, match=message):
        repo.set_manual_value(engine, client.id, "training_hours", period, value)
    assert len(repo.manual_frame(engine, client.id)) == 0


def test_snapshot_round_trip_list_and_compare(engine, client):
    actuals = pd.DataFrame({"kpi": ["revenue", "revenue"], "period": ["2023-Q4", "2024-Q1"], "value": [95.0, 90.0]})
    first = evaluate(CARD, actuals, "2023-Q4").to_dict()
    second = evaluate(CARD, actuals, "2024-Q1").to_dict()
    a = repo.save_snapshot(engine, client.id, first, label="Board Q4", dataset_version=3, actor="anna")
    b = repo.save_snapshot(engine, client.id, second, label="Board Q1", dataset_version=4, round_id=None)
    got = repo.get_snapshot(engine, client.id, a)
    assert got.payload == first
    assert (got.info.scorecard_id, got.info.period, got.info.label, got.info.dataset_version) == (
        "mini", "2023-Q4", "Board Q4", 3)
    assert [s.id for s in repo.list_snapshots(engine, client.id)] == [b, a]
    assert repo.list_snapshots(engine, client.id, "other") == []
    other = create_client(engine, "Andere AG")
    assert repo.get_snapshot(engine, other.id, a) is None and repo.list_snapshots(engine, other.id) == []
    diff = compare_snapshots(repo.get_snapshot(engine, client.id, a).payload,
                             repo.get_snapshot(engine, client.id, b).payload).set_index("kpi")
    assert diff.loc["revenue", "actual_delta"] == -5.0
    assert [e["action"] for e in audit.entries(engine, client.id)][:2] == ["snapshot.create", "snapshot.create"]
    assert not repo.delete_snapshot(engine, other.id, a)
    assert repo.delete_snapshot(engine, client.id, a) and repo.get_snapshot(engine, client.id, a) is None


def test_snapshot_needs_scorecard_and_period(engine, client):
    with pytest.raises(InputError, match="needs 'scorecard' and 'period'"):
        repo.save_snapshot(engine, client.id, {"kpis": []})
