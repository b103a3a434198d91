"""One query package under the engine and the views: the same question gives the same frame from
canonical frames, from stored Parquet files and from their pre-aggregates; the dimension aliases
of the source's entity file reach the engine and the lifecycle views alike."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from core.errors import InputError
from core.query import Filters
from data.schema import ENTITIES_FILE, load_schema
from kpis.aggregates import find_aggregates
from kpis.cubes import FOLDER
from kpis.engine import compute
from kpis.prebuild import build_aggregates
from lifecycle.channels import channel_economics, channel_sales
from lifecycle.funnel import funnel
from sources.source import FrameSource, StoredDataset, as_source
from tests.kpis.random_data import random_dataset

KPIS = ["campaign_response_rate", "revenue", "win_rate", "repeat_purchase_rate", "churn_rate", "nps"]


@pytest.fixture(scope="module")
def dataset() -> dict[str, pd.DataFrame]:
    return random_dataset(2000, seed=11)


@pytest.fixture(scope="module")
def files(dataset, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("v1")
    for name, frame in dataset.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    build_aggregates({n: folder / f"{n}.parquet" for n in dataset}, folder / FOLDER)
    return {n: folder / f"{n}.parquet" for n in dataset}


@pytest.mark.parametrize(("period", "filters"), [
    ("month", Filters()),
    ("quarter", Filters.of(date(2023, 4, 1), date(2024, 4, 1), region=["Nord"])),
    (None, Filters.of(channel=["web", "email"])),
], ids=["month", "quarter-filtered", "total-channels"])
def test_the_same_kpis_by_channel_from_frames_files_and_cubes(dataset, files, period, filters):
    folder = next(iter(files.values())).parent
    with_cubes = StoredDataset(files, folder / FOLDER)
    without = StoredDataset(files)
    assert find_aggregates(with_cubes) is not None and find_aggregates(without) is None
    q = dict(by=("channel",), period=period, filters=filters)
    expected = compute(FrameSource(dataset), KPIS, **q)
    assert len(expected) > len(KPIS)
    pd.testing.assert_frame_equal(compute(without, KPIS, **q), expected, check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(compute(with_cubes, KPIS, **q), expected, check_exact=False, rtol=1e-9)


def test_an_old_mapping_is_wrapped_once(dataset, files):
    assert isinstance(as_source(dataset), FrameSource)
    assert isinstance(as_source(files), StoredDataset) and as_source(files).aggregates is None
    source = FrameSource(dataset)
    assert as_source(source) is source
    assert dict(source) == dict(dataset)  # still a Mapping for code written against the old contract


@pytest.fixture()
def aliased_schema(tmp_path):
    """A copy of config/entities.yaml whose only change is one more alias: ``shop`` is an order's
    channel and a contact's channel."""
    text = ENTITIES_FILE.read_text(encoding="utf-8")
    assert "dimension_aliases:\n" in text
    text = text.replace("dimension_aliases:\n", "dimension_aliases:\n  orders: {shop: channel}\n", 1)
    text = text.replace("  campaign_contacts: {campaign: campaign_id}",
                        "  campaign_contacts: {campaign: campaign_id, shop: channel}", 1)
    (tmp_path / "entities.yaml").write_text(text, encoding="utf-8")
    return load_schema(tmp_path / "entities.yaml")


def test_an_alias_of_the_entity_file_reaches_the_engine(dataset, aliased_schema):
    source = FrameSource(dataset, schema=aliased_schema)
    got = compute(source, ["revenue"], by=("shop",), filters=Filters.of(shop=["web", "store"]))
    want = compute(dataset, ["revenue"], by=("channel",), filters=Filters.of(channel=["web", "store"]))
    assert sorted(got["shop"]) == ["store", "web"]
    pd.testing.assert_frame_equal(got.rename(columns={"shop": "channel"}), want)
    with pytest.raises(InputError, match="shop"):  # the shipped file has no such alias
        compute(dataset, ["revenue"], by=("shop",))


def test_an_alias_of_the_entity_file_reaches_the_lifecycle_views(dataset, aliased_schema):
    source = FrameSource(dataset, schema=aliased_schema)
    shop, channel = Filters.of(shop=["web"]), Filters.of(channel=["web"])
    sales = channel_sales(source, shop)
    assert set(sales["channel"]) == {"web"}
    pd.testing.assert_frame_equal(sales, channel_sales(dataset, channel))
    economics = channel_economics(source, shop)
    assert list(economics["channel"]) == ["web"]
    assert len(channel_economics(dataset, shop)) > 1  # without the alias the filter reaches nothing
    assert not funnel(source, shop).equals(funnel(dataset, Filters()))
