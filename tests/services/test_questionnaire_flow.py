"""The offline round trip (issue 6, must-show 3): export the questionnaire of a round, change answers
with openpyxl as a client would, import, see the diff, confirm, and the scores update; every write
is in the audit log. A tampered file (other model version, answer 7) is refused naming the rows.

Worked examples: every consensus rating starts at 2, so the maturity index is 2.0. The model's
domain weights are strategy 1.5, data_quality 1.5 and 1.0 for the seven others (sum 10). Raising
all questions of one domain to a value v gives index = (10 * 2 + w * (v - 2)) / 10.
"""
from __future__ import annotations

import io

import openpyxl
import pytest
import yaml

from core.errors import ConflictError, InputError
from reports.questionnaire import HEADER_ROW, STAMP_SHEET, option_label
from services import questionnaire, workshop
from storage import assessments as repo
from storage.audit import entries

CASES = yaml.safe_load("""
- {domain: strategy, answer: 4, index: 2.3}        # (20 + 1.5 * 2) / 10
- {domain: service, answer: 3, index: 2.1}         # (20 + 1.0 * 1) / 10
- {domain: data_quality, answer: 1, index: 1.85}   # (20 - 1.5 * 1) / 10
""")


@pytest.fixture
def rnd(engine, client):
    model = workshop.model_by_id("crm_default")
    rnd = workshop.start_round(engine, client.id, model.id, "Offline-Runde", ["Anna"], actor="lead")
    for qid in model.question_ids:
        repo.set_rating(engine, client.id, rnd.id, qid, 2.0, rationale="Workshop", evidence="Protokoll", actor="lead")
    return rnd


def _export(engine, client, rnd) -> openpyxl.Workbook:
    buffer = io.BytesIO()
    questionnaire.export(engine, client.id, rnd.id, "de", buffer, client_name=client.name)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def _rows(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value}


def _save(book) -> io.BytesIO:
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_export_holds_the_current_answers_as_drop_downs(engine, client, rnd):
    book = _export(engine, client, rnd)
    ws = book["Fragebogen"]
    rows = _rows(ws)
    assert len(rows) == len(workshop.model_by_id("crm_default").question_ids)
    assert ws.cell(rows["strategy_goals"], 4).value == "2 - Gemanagt"
    assert ws.protection.sheet and not ws.cell(rows["strategy_goals"], 4).protection.locked
    assert book[STAMP_SHEET].sheet_state == "veryHidden"


@pytest.mark.parametrize("case", CASES, ids=[c["domain"] for c in CASES])
def test_round_trip_updates_the_scores_and_audits(engine, client, rnd, case):
    model = workshop.model_by_id("crm_default")
    assert workshop.result(engine, client.id, rnd.id).maturity_index == pytest.approx(2.0)
    book = _export(engine, client, rnd)
    ws, rows = book["Fragebogen"], _rows(book["Fragebogen"])
    changed = [q.id for q in model.group(case["domain"]).iter_questions()]
    first = model.question(changed[0])
    label = first.option(float(case["answer"])).label.de
    ws.cell(rows[changed[0]], 4).value = option_label(case["answer"], label)  # picked from the drop-down
    for qid in changed[1:]:
        ws.cell(rows[qid], 4).value = case["answer"]  # typed as a number
    ws.cell(rows[changed[0]], 5).value = "Kunde: bestätigt"
    answers = questionnaire.read(engine, client.id, rnd.id, _save(book), source="kunde.xlsx")
    diff = questionnaire.diff(engine, client.id, rnd.id, answers)
    assert diff["question_id"].tolist() == sorted(changed)
    assert set(diff["before"]) == {2} and set(diff["after"]) == {case["answer"]}
    assert diff.set_index("question_id").at[changed[0], "note_after"] == "Kunde: bestätigt"
    assert workshop.result(engine, client.id, rnd.id).maturity_index == pytest.approx(2.0)  # not merged yet

    merged = questionnaire.merge(engine, client.id, rnd.id, diff, actor="berater", source="kunde.xlsx")
    assert sorted(merged.written) == sorted(changed) and merged.skipped == ()
    assert workshop.result(engine, client.id, rnd.id).maturity_index == pytest.approx(case["index"])
    stored = repo.ratings_frame(engine, client.id, rnd.id).set_index("question_id")
    assert stored.at[changed[0], "note"] == "Kunde: bestätigt"
    assert stored.at[changed[0], "rationale"] == "Workshop" and stored.at[changed[0], "evidence"] == "Protokoll"
    log = entries(engine, client.id)
    rating_sets = {e["entity_key"] for e in log if e["action"] == "rating.set" and e["actor"] == "berater"}
    assert rating_sets == {f"{rnd.id}/{q}" for q in changed}
    (summary,) = [e for e in log if e["action"] == "questionnaire.import"]
    assert summary["after"]["file"] == "kunde.xlsx" and sorted(summary["after"]["questions"]) == sorted(changed)
    again = questionnaire.diff(engine, client.id, rnd.id, answers)
    assert again.empty  # importing the same file again changes nothing


def test_tampered_file_is_refused_naming_the_rows(engine, client, rnd):
    book = _export(engine, client, rnd)
    ws, rows = book["Fragebogen"], _rows(book["Fragebogen"])
    stamp = book[STAMP_SHEET]
    version_row = next(r for r in range(1, stamp.max_row + 1) if stamp.cell(r, 1).value == "model_version")
    stamp.cell(version_row, 2).value = "9.9"
    bad_row = rows["sales_forecast"]
    ws.cell(bad_row, 4).value = 7
    with pytest.raises(InputError) as info:
        questionnaire.read(engine, client.id, rnd.id, _save(book), source="kunde.xlsx")
    where = [p.where for p in info.value.problems]
    messages = " | ".join(p.message for p in info.value.problems)
    assert f"sheet 'stamp', row {version_row}, column B (model_version)" in where[0]
    assert "model_version is '9.9', expected '1.0'" in messages
    assert any(f"row {bad_row}, column D" in w for w in where) and "answer '7' is not one of the options" in messages
    assert workshop.result(engine, client.id, rnd.id).maturity_index == pytest.approx(2.0)


def test_file_of_another_round_is_refused(engine, client, rnd):
    other = workshop.start_round(engine, client.id, "crm_default", "Andere Runde", actor="lead")
    book = _export(engine, client, rnd)
    with pytest.raises(InputError, match="another assessment round") as info:
        questionnaire.read(engine, client.id, other.id, _save(book), source="kunde.xlsx")
    assert f"round_id is '{rnd.id}', expected '{other.id}'" in info.value.problems[0].message


def test_a_rating_changed_after_the_diff_is_a_conflict(engine, client, rnd):
    book = _export(engine, client, rnd)
    ws, rows = book["Fragebogen"], _rows(book["Fragebogen"])
    ws.cell(rows["strategy_goals"], 4).value = 5
    answers = questionnaire.read(engine, client.id, rnd.id, _save(book))
    diff = questionnaire.diff(engine, client.id, rnd.id, answers)
    version = int(diff.at[0, "version"])
    repo.set_rating(engine, client.id, rnd.id, "strategy_goals", 3.0, expected_version=version, actor="kollege")
    with pytest.raises(ConflictError):
        questionnaire.merge(engine, client.id, rnd.id, diff, actor="berater")
    assert repo.ratings_frame(engine, client.id, rnd.id).set_index("question_id").at["strategy_goals", "value"] == 3.0


def test_a_conflict_on_one_row_merges_nothing(engine, client, rnd):
    """The merge is one transaction: a conflict on the second question leaves the first unwritten too."""
    book = _export(engine, client, rnd)
    ws, rows = book["Fragebogen"], _rows(book["Fragebogen"])
    ws.cell(rows["strategy_goals"], 4).value = 5
    ws.cell(rows["strategy_segments"], 4).value = 5
    answers = questionnaire.read(engine, client.id, rnd.id, _save(book))
    diff = questionnaire.diff(engine, client.id, rnd.id, answers)
    assert set(diff["question_id"]) == {"strategy_goals", "strategy_segments"}
    before = repo.ratings_frame(engine, client.id, rnd.id).set_index("question_id")
    late = diff.set_index("question_id").at["strategy_segments", "version"]
    repo.set_rating(engine, client.id, rnd.id, "strategy_segments", 2.0, expected_version=int(late), actor="kollege")
    with pytest.raises(ConflictError, match="strategy_segments"):
        questionnaire.merge(engine, client.id, rnd.id, diff, actor="berater")
    after = repo.ratings_frame(engine, client.id, rnd.id).set_index("question_id")
    assert after.loc["strategy_goals", "value"] == before.loc["strategy_goals", "value"]
    assert not [e for e in entries(engine, client.id) if e["action"] == "questionnaire.import"]


def test_blank_answer_and_n_a(engine, client, rnd):
    book = _export(engine, client, rnd)
    ws, rows = book["Fragebogen"], _rows(book["Fragebogen"])
    ws.cell(rows["strategy_goals"], 4).value = None  # cleared: a consensus cannot be removed offline
    ws.cell(rows["strategy_segments"], 4).value = "n. a. (nicht zutreffend)"
    answers = questionnaire.read(engine, client.id, rnd.id, _save(book))
    diff = questionnaire.diff(engine, client.id, rnd.id, answers)
    merged = questionnaire.merge(engine, client.id, rnd.id, diff, actor="berater")
    assert merged.written == ("strategy_segments",) and merged.skipped == ("strategy_goals",)
    stored = repo.ratings_frame(engine, client.id, rnd.id).set_index("question_id")
    assert bool(stored.at["strategy_segments", "not_applicable"]) and stored.at["strategy_goals", "value"] == 2.0
