"""The demo generator: deterministic, canonical, and its figures make business sense."""
from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from data.dataset import read_dataset
from data.demo import CHANNELS, generate, write_csv
from data.schema import ENTITY_NAMES, load_schema


@pytest.fixture(scope="module")
def demo():
    return generate(customers=1500, seed=11)


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_gives_identical_bytes_and_other_seed_differs(tmp_path):
    write_csv(generate(customers=300, seed=7), tmp_path / "a")
    write_csv(generate(customers=300, seed=7), tmp_path / "b")
    write_csv(generate(customers=300, seed=8), tmp_path / "c")
    a = _digests(tmp_path / "a")
    assert sorted(a) == sorted(f"{n}.csv" for n in ENTITY_NAMES)
    assert a == _digests(tmp_path / "b")
    assert a != _digests(tmp_path / "c")


def test_canonical_headers_and_dtypes(tmp_path, demo):
    schema = load_schema()
    write_csv(demo, tmp_path)
    for name in ENTITY_NAMES:
        header = (tmp_path / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.replace('"', "").split(",") == list(schema[name].field_names)
        assert {c: str(t) for c, t in demo[name].dtypes.items()} == {
            f.name: str(pd.Series([], dtype=f.type.pandas_dtype).dtype) for f in schema[name].fields}


def test_written_files_read_back_identically_and_validate_clean(tmp_path, demo):
    write_csv(demo, tmp_path)
    result = read_dataset(tmp_path)
    assert result.report.ok, result.report.describe()
    for name in ENTITY_NAMES:
        pd.testing.assert_frame_equal(result.frames[name], demo[name])


def test_volumes_scale_with_customers(demo):
    n = len(demo["customers"])
    assert n == 1500
    assert 10 <= len(demo["campaign_contacts"]) / n <= 25
    assert 3 <= len(demo["orders"]) / n <= 6


def test_response_rates_differ_by_channel_as_configured(demo):
    rates = demo["campaign_contacts"].groupby("channel")["responded"].mean()
    assert set(rates.index) == set(CHANNELS)
    assert rates["field_service"] > rates["phone"] > rates["email"] > rates["social"]
    assert rates.max() / rates.min() > 5


def test_lifecycle_figures_are_plausible(demo):
    cust, orders = demo["customers"], demo["orders"]
    churned = cust[cust["churned"]]
    assert 0.05 < len(churned) / len(cust) < 0.4
    later = orders.merge(churned[["customer_id", "churned_at"]], on="customer_id")
    win_backs = later.loc[later["order_date"] > later["churned_at"], "customer_id"].nunique()
    assert 0 < win_backs < len(churned)
    per_customer = orders.groupby("customer_id")
    assert (per_customer.size() >= 2).mean() > 0.5  # repeat purchases
    assert 0.2 < (per_customer["product_category"].nunique() >= 2).mean() < 0.95  # cross-selling
    opp = demo["opportunities"]
    closed = opp[opp["won"].notna()]
    assert (closed["closed_at"] >= closed["created_at"]).all()
    assert 0.2 < closed["won"].mean() < 0.6
    assert opp.loc[opp["won"].isna(), "closed_at"].isna().all()


def test_service_and_surveys_are_plausible(demo):
    t = demo["service_tickets"]
    hours = (t["resolved_at"] - t["opened_at"]).dt.total_seconds() / 3600
    by_type = hours.groupby(t["type"]).mean()
    assert by_type["complaint"] > by_type["request"]
    assert t["satisfaction"].dropna().between(1, 5).all()
    assert 0.4 < t["first_contact_resolution"].mean() < 0.8
    s = demo["surveys"]
    assert s.loc[s["kind"] == "nps", "score"].between(0, 10).all()
    assert s.loc[s["kind"] == "csat", "score"].between(1, 5).all()


def test_seasonality_shows_in_orders(demo):
    months = demo["orders"]["order_date"].dt.month.value_counts()
    assert months[11] > months[7]
