"""`cli.py assess ...`: exit codes, messages and the JSON contract, reproducing the worked examples."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import cli
from assessment.loader import load_model
from assessment.scoring import score
from assessment_cases import MODELS, ROOT, answers_frame, scoring_cases
from test_assessment_scoring import check_expectations


def test_validate_default_model_exits_0(capsys):
    assert cli.main(["assess", "validate", str(MODELS / "crm_default.yaml")]) == 0
    assert capsys.readouterr().out.startswith("valid: crm_default 1.0 (9 domains")


def test_validate_broken_model_exits_2_listing_every_problem(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: m\nname: M\nversion: '1'\nlevels: [{level: 1, name: A, threshold: 0}]\n"
                   "groups:\n  - {id: a, name: A, weight: 0, aggregation: avg, questions: [{id: q, text: Q}]}\n",
                   encoding="utf-8")
    assert cli.main(["assess", "validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml: groups[0].weight: 0 must be > 0" in err
    assert "bad.yaml: groups[0].aggregation: 'avg' is not one of" in err
    assert "bad.yaml: groups[0].questions[0]: question 'q' has no answer options" in err


def test_validate_threshold_outside_the_attainable_range_exits_2_naming_the_group(tmp_path, capsys):
    # a SAMM-like practice: the sum of three 0..1 level questions scores 0..3; a threshold of 4 is out of reach
    bad = tmp_path / "practice.yaml"
    opts = "[{value: 0, text: 'no'}, {value: 1, text: 'yes'}]"
    bad.write_text("id: m\nname: M\nversion: '1'\n"
                   "levels: [{level: 1, name: A, threshold: 1}, {level: 2, name: B, threshold: 4}]\n"
                   "groups:\n  - id: practice\n    name: P\n    aggregation: sum\n    questions:\n"
                   + "".join(f"      - {{id: l{i}, text: Q, options: {opts}}}\n" for i in (1, 2, 3)),
                   encoding="utf-8")
    assert cli.main(["assess", "validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert ("practice.yaml: levels[1].threshold: 4 is above what group 'practice' (0..3, sum) can score, "
            "so level 2 can never be reached") in err


def test_validate_samm_shaped_model_exits_0(capsys):
    assert cli.main(["assess", "validate", str(MODELS / "example_samm_shaped.yaml")]) == 0
    assert capsys.readouterr().out.startswith("valid: samm_shaped_example 0.1 (2 domains, 14 groups, 18 questions")


def _write_answers(case, path):
    frame = answers_frame(case["answers"])
    frame["answer"] = [("n/a" if na else f"{v:g}") for v, na in zip(frame["value"], frame["not_applicable"])]
    frame[["question_id", "participant", "answer"]].to_csv(path, index=False)


CLI_CASES = [c for c in scoring_cases() if not c.values[0].get("ratings")]


@pytest.mark.parametrize("case", CLI_CASES)
def test_score_json_reproduces_the_worked_examples(case, tmp_path, capsys):
    path = tmp_path / "answers.csv"
    _write_answers(case, path)
    argv = ["assess", "score", "--model", str(MODELS / f"{case['model']}.yaml"), "--answers", str(path),
            "--aggregation", case.get("aggregation", "median"), "--format", "json"]
    if case.get("targets"):
        argv += ["--targets", ",".join(f"{k}={v}" for k, v in case["targets"].items())]
    assert cli.main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    expected_keys = {"model", "maturity_index", "staged_level", "groups", "questions", "explanation"}
    assert set(data) == expected_keys | ({"gaps", "roadmap"} if case.get("targets") else set())
    # the JSON equals the library result for the same answers
    model = load_model(MODELS / f"{case['model']}.yaml")
    result = score(model, answers_frame(case["answers"]), None, case.get("aggregation", "median"),
                   case.get("targets"))
    assert data == json.loads(json.dumps(result.to_dict("en")))
    check_expectations(result, case["expect"])
    assert data["staged_level"] == case["expect"].get("staged_level", data["staged_level"])


def test_score_with_a_bad_row_exits_2_naming_the_row(tmp_path, capsys):
    path = tmp_path / "answers.csv"
    path.write_text("question_id,answer\nstrategy_goals,3\nstrategy_goals_x,3\n", encoding="utf-8")
    code = cli.main(["assess", "score", "--model", "crm_default", "--answers", str(path)])
    assert code == 2
    assert "answers.csv: row 3: question_id strategy_goals_x is not in model crm_default" in capsys.readouterr().err


def test_bad_targets_exit_2(tmp_path, capsys):
    path = tmp_path / "answers.csv"
    path.write_text("question_id,answer\nstrategy_goals,3\n", encoding="utf-8")
    assert cli.main(["assess", "score", "--model", "crm_default", "--answers", str(path), "--targets", "sales"]) == 2
    assert "--targets: sales: expected domain=level" in capsys.readouterr().err


def test_template_then_table_output_in_a_subprocess(tmp_path):
    out = tmp_path / "sheet.csv"
    run = [sys.executable, str(ROOT / "cli.py"), "assess"]
    done = subprocess.run(run + ["template", "--model", "example_foreign", "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8-sig").replace("\n;", "\n").splitlines()
    assert text[0] == "question_id;domain;question;participant;answer;note"
    filled = "question_id;answer\n" + "\n".join(f"{line.split(';')[0]};0.5" for line in text[1:]) + "\n"
    (tmp_path / "filled.csv").write_text(filled, encoding="utf-8")
    done = subprocess.run(run + ["score", "--model", "example_foreign", "--answers", str(tmp_path / "filled.csv")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "maturity index 0.67   staged level 2" in done.stdout  # portal .5, faq .5+.5=1 -> (2*.75+.5)/3
