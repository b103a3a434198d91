"""``python cli.py kpi list|compute``: exit codes and the JSON shape, on a small directory of CSVs."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import cli

CONTACTS = """channel;responded;contacted_at;campaign_id
web;ja;05.01.2024;K1
web;nein;20.01.2024;K1
web;ja;03.02.2024;K2
email;nein;10.01.2024;K2
email;ja;11.02.2024;K2
"""
ORDERS = """channel,product,customer_id,order_date,revenue,product_category
web,P1,C1,2024-01-10,100,X
web,P2,C1,2024-02-05,50,Y
store,P1,C2,2024-01-15,120,X
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / "campaign_contacts.csv").write_text(CONTACTS, encoding="utf-8")
    (tmp_path / "orders.csv").write_text(ORDERS, encoding="utf-8")
    return tmp_path


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_compute_json_by_channel(data_dir, capsys) -> None:
    code, out, _ = run(["kpi", "compute", "--data", str(data_dir), "--kpi", "campaign_response_rate,revenue",
                        "--by", "channel"], capsys)
    assert code == 0
    assert json.loads(out) == [
        {"kpi": "campaign_response_rate", "channel": "email", "value": 0.5, "numerator": 1.0, "denominator": 2.0},
        {"kpi": "campaign_response_rate", "channel": "web", "value": 2 / 3, "numerator": 2.0, "denominator": 3.0},
        {"kpi": "revenue", "channel": "store", "value": 120.0},
        {"kpi": "revenue", "channel": "web", "value": 150.0}]


def test_compute_by_month_with_range_and_filter(data_dir, capsys) -> None:
    code, out, _ = run(["kpi", "compute", "--data", str(data_dir), "--kpi", "campaign_response_rate",
                        "--period", "month", "--from", "2024-02", "--to", "2024-02", "--filter", "channel=web,email"],
                       capsys)
    assert code == 0
    assert json.loads(out) == [{"kpi": "campaign_response_rate", "period": "2024-02", "value": 1.0,
                                "numerator": 2.0, "denominator": 2.0}]


def test_compute_all_gives_nan_as_null(data_dir, capsys) -> None:
    code, out, _ = run(["kpi", "compute", "--data", str(data_dir), "--kpi", "all"], capsys)
    rows = {r["kpi"]: r for r in json.loads(out)}
    assert code == 0 and len(rows) == 21
    assert rows["win_rate"] == {"kpi": "win_rate", "value": None, "numerator": 0.0, "denominator": 0.0}
    assert rows["maturity_index"]["value"] is None
    assert 0 < rows["data_completeness"]["value"] <= 1


def test_compute_csv_and_table(data_dir, capsys) -> None:
    code, out, _ = run(["kpi", "compute", "--data", str(data_dir), "--kpi", "revenue", "--format", "csv"], capsys)
    assert code == 0 and out.splitlines() == ["kpi,value,numerator,denominator", "revenue,270.0,,"]
    code, out, _ = run(["kpi", "compute", "--data", str(data_dir), "--kpi", "campaign_response_rate",
                        "--format", "table"], capsys)
    assert code == 0 and "3 von 5 Kontakten haben reagiert" in out and "60,0 %" in out


@pytest.mark.parametrize(("args", "named"), [
    (["--kpi", "umsatz"], "umsatz"),
    (["--kpi", "revenue", "--by", "kanal"], "kanal"),
    (["--kpi", "revenue", "--from", "Januar"], "Januar"),
    (["--kpi", "revenue", "--filter", "channel"], "channel"),
    (["--kpi", "revenue", "--filter", "kanal=web"], "kanal"),
])
def test_bad_input_exits_2_naming_it(data_dir, capsys, args, named) -> None:
    code, _, err = run(["kpi", "compute", "--data", str(data_dir), *args], capsys)
    assert code == 2 and named in err


def test_bad_data_exits_2_with_the_validation_report(data_dir, capsys) -> None:
    (data_dir / "orders.csv").write_text("channel,product,revenue\nweb,P1,zehn\n", encoding="utf-8")
    code, out, err = run(["kpi", "compute", "--data", str(data_dir), "--kpi", "revenue"], capsys)
    assert code == 2 and out == ""
    assert "orders.csv" in err and "zehn" in err


def test_list_json_and_table(capsys) -> None:
    code, out, _ = run(["kpi", "list", "--format", "json"], capsys)
    rows = json.loads(out)
    assert code == 0 and len(rows) == 21
    assert rows[0]["id"] == "campaign_response_rate" and rows[0]["unit"] == "ratio"
    assert rows[0]["parts"] == ["numerator", "denominator"]
    code, out, _ = run(["kpi", "list", "--lang", "en"], capsys)
    assert code == 0 and "Churn rate" in out and "Retention" in out


def test_csv_output_neutralises_a_channel_that_starts_a_formula(tmp_path, capsys) -> None:
    """A CRM export may carry any text; ``--format csv`` is opened in Excel, so a dimension value
    starting with ``=`` leaves the command quoted (core.cells), while numbers stay numbers."""
    (tmp_path / "orders.csv").write_text(ORDERS.replace("store,", '"=HYPERLINK(""http://x"",""y"")",'),
                                         encoding="utf-8")
    code, out, _ = run(["kpi", "compute", "--data", str(tmp_path), "--kpi", "revenue", "--by", "channel",
                        "--format", "csv"], capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0] == "kpi,channel,value,numerator,denominator"
    assert "revenue,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",120.0,," in lines
    assert "revenue,web,150.0,," in lines
