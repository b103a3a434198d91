"""``python cli.py report`` from the database and from files, and ``questionnaire export|import``:
exit codes, the files open, and an import merges only with --yes."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from cli import main

MODEL = "config/models/crm_default.yaml"


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """A data folder with the demo client (small dataset) and one closed round, every rating at 3."""
    from core.settings import Settings
    from services import workshop
    from services.importing import load_demo_client
    from storage import assessments as repo
    from storage.db import connect, forget

    root = tmp_path_factory.mktemp("cli")
    settings = Settings(root, f"sqlite:///{root / 'cockpit.db'}", False, False, 200)
    engine = connect(settings.database_url)
    client, _info = load_demo_client(engine, settings.dataset_dir, name="Muster AG", customers=200)
    model = workshop.model_by_id("crm_default")
    rnd = workshop.start_round(engine, client.id, model.id, "Runde 1", actor="test")
    for qid in model.question_ids:
        repo.set_rating(engine, client.id, rnd.id, qid, 3.0, actor="test")
    repo.set_status(engine, client.id, rnd.id, "closed", actor="test")  # only a closed round feeds a report
    forget(settings.database_url)
    return root, rnd.id


@pytest.fixture
def env(installation, monkeypatch):
    root, round_id = installation
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(root))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return root, round_id


def _cover(path) -> dict:
    ws = openpyxl.load_workbook(path).worksheets[0]  # Deckblatt / Cover
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}


def test_report_from_the_database_with_pdf(env, tmp_path, capsys):
    code = main(["report", "--client", "Muster AG", "--period", "2025-Q3", "--out", str(tmp_path / "r.xlsx"),
                 "--pdf", str(tmp_path / "r.pdf"), "--lang", "en", "--raw"])
    assert code == 0, capsys.readouterr().err
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames[:5] == ["Cover", "Maturity", "Questions", "Roadmap", "Balanced scorecard"]
    assert any(name.startswith("Raw data") for name in book.sheetnames)
    cover = _cover(tmp_path / "r.xlsx")
    assert cover["Client"] == "Muster AG" and cover["Period"] == "2025-Q3"
    assert cover["CRM maturity index"] == pytest.approx(3.0)
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("args, message", [
    (["--client", "Niemand GmbH", "--period", "2025-Q3"], "There is no client 'Niemand GmbH'"),
    (["--client", "Muster AG", "--period", "2031-Q1"], "There is no data for period 2031-Q1"),
    (["--client", "Muster AG", "--period", "2025-Q7"], "'2025-Q7' is not a period"),
    (["--client", "Muster AG"], "--period is required"),
    (["--client", "Muster AG", "--period", "2025-Q3", "--scorecard", "nope"], "nope.yaml: file not found"),
    ([], "Give either --client"),
])
def test_bad_input_exits_2_with_a_clear_message(env, tmp_path, capsys, args, message):
    assert main(["report", *args, "--out", str(tmp_path / "r.xlsx")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "r.xlsx").exists()


def test_report_from_files(tmp_path, capsys):
    from assessment.loader import load_model

    assert main(["demo-data", "--out", str(tmp_path / "data"), "--customers", "150"]) == 0
    model = load_model(MODEL)
    answers = pd.DataFrame({"question_id": list(model.question_ids), "participant": "Anna", "answer": "4"})
    answers.loc[0, "answer"] = "2"  # strategy_goals: the strategy domain (4 questions) scores (2+4+4+4)/4 = 3.5
    answers.to_csv(tmp_path / "answers.csv", index=False)
    out = tmp_path / "files.xlsx"
    code = main(["report", "--data", str(tmp_path / "data"), "--model", MODEL, "--answers",
                 str(tmp_path / "answers.csv"), "--scorecard", "crm_default", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    cover = _cover(out)
    assert cover["Zeitraum"] == "2025-Q4"  # the last complete quarter of the data
    assert cover["CRM-Reifegradindex"] == pytest.approx((1.5 * 3.5 + 8.5 * 4) / 10)
    book = openpyxl.load_workbook(out)
    assert "Balanced Scorecard" in book.sheetnames and "KPI Summen je Quartal" in book.sheetnames


def test_report_from_files_needs_model_and_answers_together(tmp_path, capsys):
    assert main(["report", "--model", MODEL, "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "--model and --answers go together" in capsys.readouterr().err


def test_questionnaire_export_then_import_merges_only_with_yes(env, tmp_path, capsys):
    from reports.questionnaire import HEADER_ROW

    _root, round_id = env
    path = tmp_path / "q.xlsx"
    assert main(["questionnaire", "export", "--client", "muster-ag", "--round", str(round_id), "--out", str(path)]) == 0
    book = openpyxl.load_workbook(path)
    ws = book["Fragebogen"]
    row = next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value == "tech_mobile")
    ws.cell(row, 4).value = 5
    book.save(path)
    capsys.readouterr()
    args = ["questionnaire", "import", "--client", "Muster AG", "--round", str(round_id), "--file", str(path)]
    assert main(args) == 0
    shown = capsys.readouterr().out
    assert "tech_mobile: 3 -> 5" in shown and "nothing merged" in shown
    assert main(args + ["--yes"]) == 0
    assert "merged 1 rating(s); maturity index 3.00 -> 3.07" in capsys.readouterr().out  # technology 11/3, weight 1
    assert main(args) == 0
    assert "no changes" in capsys.readouterr().out
    assert main(["questionnaire", "import", "--client", "Muster AG", "--round", "999", "--file", str(path)]) == 2
