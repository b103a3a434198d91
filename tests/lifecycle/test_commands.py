"""``cli.py lifecycle``: argument parsing, the views it prints, and bad input."""
from __future__ import annotations

import argparse
import json
from datetime import date

import pandas as pd
import pytest

import cli
from core.errors import InputError
from core.query import Filters
from cli.lifecycle import VIEWS, add_parser, parse_day, render
from data.dataset import read_dataset
from lifecycle import views
from lifecycle.views import compute_view
from tests.lifecycle.examples import frames, load_cases


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    return parser.parse_args(argv)


def test_arguments_become_filters():
    args = _parse(["lifecycle", "--data", "x", "--view", "clv", "--from", "01.02.2024", "--to", "2024-03-01",
                   "--channel", "web", "--channel", "mail", "--segment", "A", "--by", "segment", "--format", "json"])
    assert (args.view, args.by, args.format, args.period) == ("clv", "segment", "json", "month")
    assert parse_day(args.start, "--from") == date(2024, 2, 1) and parse_day(args.end, "--to") == date(2024, 3, 1)
    assert args.channel == ["web", "mail"] and args.segment == ["A"] and args.region is None


def test_bad_date_names_the_flag():
    with pytest.raises(InputError) as err:
        parse_day("2024-13-01", "--from")
    assert "--from" in err.value.describe() and "YYYY-MM-DD" in err.value.describe()


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders_as_json_csv_and_table(view):
    shop = frames(load_cases("funnel")[0])
    frame = compute_view(shop, view, Filters.of(date(2024, 1, 1), date(2024, 3, 1)), "month", "segment")
    assert len(frame) > 0
    records = json.loads(render(frame, "json"))
    assert len(records) == len(frame) and set(records[0]) == set(frame.columns)
    assert render(frame, "csv").splitlines()[0] == ",".join(frame.columns)
    assert render(frame.iloc[0:0], "table") == "(no rows)"


def test_funnel_json_numbers():
    shop = frames(load_cases("funnel")[0])
    records = json.loads(render(compute_view(shop, "funnel", Filters.of(date(2024, 1, 1), date(2024, 3, 1))), "json"))
    assert [(r["step"], r["count"]) for r in records][:2] == [("prospects", 5.0), ("leads", 3.0)]
    assert records[0]["conversion"] is None and records[1]["conversion"] == 0.6


def test_cli_help_lists_lifecycle(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "lifecycle" in capsys.readouterr().out


def _shop_folder(path):
    for name, frame in frames(load_cases("funnel")[0]).items():
        frame.to_csv(path / f"{name}.csv", index=False)
    return path


def test_the_command_offers_exactly_the_views_of_the_lifecycle_package():
    assert VIEWS == views.VIEWS


def test_cli_end_to_end_on_a_dataset(tmp_path, capsys):
    _shop_folder(tmp_path)
    assert read_dataset(tmp_path).frames  # the reader understands a folder of canonical CSVs
    code = cli.main(["lifecycle", "--data", str(tmp_path), "--view", "clv", "--by", "segment", "--format", "json"])
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["segment"], r["total"]) for r in rows] == [("A", 390.0), ("B", 320.0)]


def test_cli_prints_the_sales_view_by_quarter_for_one_region(tmp_path, capsys):
    code = cli.main(["lifecycle", "--data", str(_shop_folder(tmp_path)), "--view", "sales", "--period", "quarter",
                     "--region", "Nord", "--format", "csv"])
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "period,channel,revenue,products_sold,orders"
    assert lines[1:] == ["2024-Q1,mail,40.0,1.0,1", "2024-Q1,shop,20.0,1.0,1", "2024-Q1,web,450.0,6.0,3",
                         "2024-Q2,web,100.0,1.0,1"]


def test_cli_rejects_reversed_dates(capsys):
    code = cli.main(["lifecycle", "--data", ".", "--view", "funnel", "--from", "2024-03-01", "--to", "2024-01-01"])
    assert code == 2 and "--to is exclusive" in capsys.readouterr().err


def test_render_keeps_pandas_missing_as_null():
    frame = pd.DataFrame({"a": pd.array(["x", None], dtype="string"), "b": [1.5, float("nan")]})
    assert json.loads(render(frame, "json")) == [{"a": "x", "b": 1.5}, {"a": None, "b": None}]


def test_render_csv_quotes_a_segment_that_starts_a_formula():
    frame = pd.DataFrame({"segment": pd.array(["=1+1", "B"], dtype="string"), "total": [1.0, -2.0]})
    assert render(frame, "csv").splitlines() == ["segment,total", "'=1+1,1.0", "B,-2.0"]
