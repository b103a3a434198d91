"""``python cli.py forecast``: rows, --to cutting the fit, and exit 2 on bad input."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import cli

HEAD = "channel,product,customer_id,order_date,revenue,product_category"


def write_orders(folder: Path, months: int) -> Path:
    folder.mkdir(exist_ok=True)
    rng = np.random.default_rng(1)
    rows = [HEAD]
    for m in range(months):
        rev = 100 + m + 30 * np.sin(2 * np.pi * m / 12) + rng.normal(0, 3)
        rows.append(f"web,P1,C{m % 3},{2022 + m // 12}-{m % 12 + 1:02d}-10,{rev:.2f},X")
    (folder / "orders.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main(["forecast", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_rows_follow_the_last_period(tmp_path, capsys):
    code, out, _ = run(["--data", str(write_orders(tmp_path / "d", 36)), "--kpi", "revenue", "--horizon", "3"], capsys)
    rows = json.loads(out)
    assert code == 0
    assert [r["period"] for r in rows] == ["2025-01", "2025-02", "2025-03"]
    assert set(rows[0]) == {"kpi", "period", "value", "lower", "upper", "method"}
    assert all(r["lower"] <= r["value"] <= r["upper"] and r["value"] >= 0 for r in rows)


def test_to_cuts_the_fit_exactly_like_truncated_data(tmp_path, capsys):
    full, cut = write_orders(tmp_path / "full", 36), write_orders(tmp_path / "cut", 30)
    _, by_to, _ = run(["--data", str(full), "--kpi", "revenue", "--horizon", "4", "--to", "2024-06"], capsys)
    _, truncated, _ = run(["--data", str(cut), "--kpi", "revenue", "--horizon", "4"], capsys)
    assert json.loads(by_to) == json.loads(truncated)
    assert json.loads(by_to)[0]["period"] == "2024-07"


def test_csv_format(tmp_path, capsys):
    code, out, _ = run(["--data", str(write_orders(tmp_path / "d", 30)), "--kpi", "revenue", "--horizon", "2",
                        "--format", "csv"], capsys)
    assert code == 0 and out.splitlines()[0] == "kpi,period,value,lower,upper,method" and len(out.splitlines()) == 3


@pytest.mark.parametrize("extra, where", [
    (["--kpi", "revenue", "--horizon", "13"], "--horizon"),
    (["--kpi", "revenue", "--horizon", "0"], "--horizon"),
    (["--kpi", "no_such_kpi"], "no_such_kpi"),
    (["--kpi", "revenue", "--to", "2030-01"], "--to"),
])
def test_bad_input_is_exit_2_and_located(tmp_path, capsys, extra, where):
    code, _, err = run(["--data", str(write_orders(tmp_path / "d", 30)), *extra], capsys)
    assert code == 2 and where in err


def test_a_money_per_unit_kpi_is_not_clipped_to_a_rate(tmp_path, capsys):
    """cost_per_response is a numerator/denominator KPI in euros: its forecast may exceed 1
    (the command clipped every such KPI to 0..1, as if it were a percentage, and printed 1.0)."""
    folder = tmp_path / "d"
    folder.mkdir()
    rows = ["campaign_id,customer_id,channel,contacted_at,responded,converted,cost"]
    for m in range(24):
        for c in range(10):
            rows.append(f"K1,C{c},email,{2023 + m // 12}-{m % 12 + 1:02d}-{c + 1:02d},{'true' if c < 4 else 'false'},false,"
                        f"{20 + m % 12}")
    (folder / "campaign_contacts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = run(["--data", str(folder), "--kpi", "cost_per_response", "--horizon", "2"], capsys)
    assert code == 0, err
    values = [r["value"] for r in json.loads(out)]
    assert min(values) > 40  # 10 contacts x 20-31 EUR for 4 responses: 50-78 EUR per response
