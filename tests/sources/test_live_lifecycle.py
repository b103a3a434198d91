"""The lifecycle views (funnel, cohorts, channel economics, CLV) run unchanged on a live source and
give what they give on the imported files: on DuckDB over Parquet, and on PostgreSQL."""
from __future__ import annotations

import pandas as pd
import pytest

from data.dataset import read_dataset
from data.manifest import load_manifest
from lifecycle.channels import channel_economics, channel_sales, segment_channel
from lifecycle.clv import lifetime_value
from lifecycle.cohorts import cohort_retention
from lifecycle.funnel import funnel
from sources.live import LiveSource
from sources.source import FrameSource
from tests.sources import crm_export

VIEWS = (funnel, cohort_retention, channel_sales, channel_economics, segment_channel, lifetime_value)


@pytest.fixture(scope="module")
def imported(tmp_path_factory, client_frames):
    result = read_dataset(crm_export.write_files(client_frames, tmp_path_factory.mktemp("files")))
    assert result.report.ok
    return {view.__name__: view(FrameSource(result.frames)) for view in VIEWS}


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request, tmp_path, client_frames, monkeypatch):
    if request.param == "duckdb":
        crm_export.load_duckdb(tmp_path / "client.duckdb", "crm", client_frames)
        schema, url = "crm", "duckdb:///client.duckdb"
    else:
        db = request.getfixturevalue("client_db")
        schema, url = db.schema, db.url
    monkeypatch.setenv("CRM_DB_URL", url)
    with LiveSource(load_manifest(crm_export.live_manifest(tmp_path / "live.yaml", schema))) as source:
        yield source


@pytest.mark.parametrize("view", VIEWS, ids=[v.__name__ for v in VIEWS])
def test_a_lifecycle_view_on_a_live_source_equals_the_import(live, imported, view):
    want = imported[view.__name__]
    got = view(live)
    assert len(want) > 3
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False,
                                  rtol=1e-9)
