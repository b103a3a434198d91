"""The live-source benchmark at a tiny size, so it cannot rot: generated in PostgreSQL, the catalogue
live and on Parquet gives the same figures, and far fewer bytes come back than an import copies."""
from __future__ import annotations

import os

import pytest

from benchmarks import live_bench

pytestmark = pytest.mark.postgres


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL")
def test_a_tiny_live_bench_agrees_with_the_import(monkeypatch):
    monkeypatch.setattr(live_bench, "SCHEMA", "bench_live_smoke")
    url = os.environ["TEST_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    result = live_bench.run(4000, url)
    assert result["rows"]["kontakte"] == 4000 and result["rows"]["kunden"] == 200
    assert result["figures"] > 1000 and result["differ"] == 0
    assert 0 < result["live_bytes"] < result["import_bytes"]
    assert "| live: whole catalogue by channel and month |" in live_bench.report(result)
