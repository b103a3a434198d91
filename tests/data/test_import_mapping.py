"""Typing and mapping: worked examples from cases/*.yaml, plus unpivot, constants, defaults."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.data.import_cases import load_cases
from data.manifest import EntityMapping, Unpivot
from data.mapping import apply_mapping, normalise, parse_booleans, parse_dates, parse_numbers, suggest_columns
from data.schema import entity

CASES = load_cases("numbers_dates.yaml")


@pytest.mark.parametrize("cells, decimal, expected", CASES["numbers"])
def test_numbers(cells, decimal, expected):
    got = parse_numbers(pd.Series(cells, dtype="string"), decimal)
    assert got.dtype == "float64"
    assert [None if pd.isna(v) else v for v in got] == expected


@pytest.mark.parametrize("cells, fmt, expected", CASES["dates"])
def test_dates(cells, fmt, expected):
    got = parse_dates(pd.Series(cells, dtype="string"), fmt)
    assert got.dtype == "datetime64[us]"
    want = pd.Series([pd.NaT if e is None else pd.Timestamp(e) for e in expected], dtype="datetime64[us]")
    pd.testing.assert_series_equal(got.reset_index(drop=True), want, check_names=False)


@pytest.mark.parametrize("cells, expected", CASES["booleans"])
def test_booleans(cells, expected):
    got = parse_booleans(pd.Series(cells, dtype="string"))
    assert got.dtype == "boolean"
    assert [None if pd.isna(v) else bool(v) for v in got] == expected


@pytest.mark.parametrize("case", load_cases("suggestions.yaml"), ids=lambda c: c["entity"])
def test_suggest_columns(case):
    assert suggest_columns(case["headers"], entity(case["entity"])) == case["expect"]


@pytest.mark.parametrize("header, norm", [("Kunden-Nr.", "kundennr"), ("Rückmeldung", "rueckmeldung"),
                                          ("  Close   Date ", "closedate"), ("Straße", "strasse")])
def test_normalise(header, norm):
    assert normalise(header) == norm


def _raw(rows: dict[str, list], first_line: int = 2) -> pd.DataFrame:
    frame = pd.DataFrame({k: pd.Series(v, dtype="string") for k, v in rows.items()})
    frame.index = pd.RangeIndex(first_line, first_line + len(frame), name="row")
    return frame


def test_constants_defaults_values_and_kept_columns():
    raw = _raw({"Kanal": ["E-Mail", "Brief"], "Reaktion": ["ja", "nein"], "Region": ["Süd", "Nord"]})
    mapping = EntityMapping("campaign_contacts", "x.csv", columns={"channel": "Kanal", "responded": "Reaktion"},
                            values={"channel": {"e-mail": "email", "Brief": "mailing"}},
                            constants={"campaign_id": "fruehjahr-2024", "cost": 0.5}, keep=("Region",))
    frame, problems = apply_mapping(raw, mapping, entity("campaign_contacts"), "x.csv")
    assert problems.empty
    assert frame["channel"].tolist() == ["email", "mailing"]
    assert frame["responded"].tolist() == [True, False]
    assert frame["campaign_id"].tolist() == ["fruehjahr-2024"] * 2
    assert frame["cost"].tolist() == [0.5, 0.5]
    assert frame["Region"].tolist() == ["Süd", "Nord"]
    assert frame.index.tolist() == [2, 3]


def test_dtypes_follow_the_schema_and_quantity_defaults_to_one():
    raw = _raw({"channel": ["web"], "product": ["Stuhl"], "order_id": ["007"], "order_date": ["31.12.2024"]})
    frame, problems = apply_mapping(raw, EntityMapping("orders", "o.csv"), entity("orders"), "o.csv")
    assert problems.empty
    schema = entity("orders")
    assert {f.name: str(frame[f.name].dtype) for f in schema.fields} == {
        f.name: str(pd.Series([], dtype=f.type.pandas_dtype).dtype) for f in schema.fields}
    assert frame.loc[2, "quantity"] == 1.0
    assert frame.loc[2, "order_id"] == "007"


def test_unpivot_wide_layout_into_rows():
    raw = _raw({"ID": ["K1", "K2"], "Web": ["3", ""], "Katalog": ["1", "2"], "Filiale": [None, "5"]})
    mapping = EntityMapping("orders", "kunden.csv", columns={"customer_id": "ID"}, constants={"product": "all"},
                            unpivot=Unpivot({"Web": "web", "Katalog": "catalog", "Filiale": "store"}, "channel",
                                            "quantity"))
    frame, problems = apply_mapping(raw, mapping, entity("orders"), "kunden.csv")
    assert problems.empty
    got = list(zip(frame.index, frame["customer_id"], frame["channel"], frame["quantity"]))
    assert got == [(2, "K1", "web", 3.0), (2, "K1", "catalog", 1.0), (3, "K2", "catalog", 2.0),
                   (3, "K2", "store", 5.0)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False), min_size=1,
                max_size=20))
def test_german_number_round_trip(values):
    """Any amount written the German way (1.234.567,89) reads back exactly."""
    def german(d):
        sign = "-" if d < 0 else ""
        whole, frac = f"{abs(d):.2f}".split(".")
        return sign + f"{int(whole):,}".replace(",", ".") + "," + frac
    got = parse_numbers(pd.Series([german(v) for v in values], dtype="string"), ",")
    assert got.round(2).tolist() == [float(v) for v in values]
