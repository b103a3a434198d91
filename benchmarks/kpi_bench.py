"""KPI benchmarks: the full catalogue cold (engine vs pandas vs hand-written DuckDB SQL, which must
agree), the pre-aggregation build, and questions answered from the aggregates vs recomputed."""
from __future__ import annotations

import time
from datetime import date

import pandas as pd
import pandas.testing as pdt

from benchmarks.prepare import BenchData
from benchmarks.results import Row
from benchmarks.timing import interleaved

RTOL = 1e-9
KEYS = ["kpi", "channel", "period"]


class Disagreement(AssertionError):
    """Two KPI implementations gave different tables."""


def computed_ids() -> list[str]:
    from kpis.catalogue import load_catalogue
    from kpis.definitions import Kind

    return [k.id for k in load_catalogue() if k.kind is Kind.COMPUTED]


def normalise(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame.reindex(columns=KEYS + columns).copy()
    for c in KEYS:
        out[c] = out[c].astype("string")
    for c in columns:
        out[c] = out[c].astype("float64")
    return out.sort_values(KEYS, na_position="last", kind="stable").reset_index(drop=True)


def check_agree(ours: pd.DataFrame, other: pd.DataFrame, name: str) -> None:
    """Same rows (kpi, channel, period) and the same values within 1e-9 relative; else Disagreement."""
    values = [c for c in ours.columns if c not in KEYS]
    a, b = normalise(ours, values), normalise(other, values)
    try:
        pdt.assert_frame_equal(a[KEYS], b[KEYS], check_dtype=False)
        pdt.assert_frame_equal(a, b, check_dtype=False, rtol=RTOL, atol=1e-12)
    except AssertionError as exc:
        raise Disagreement(f"engine and {name} disagree:\n{exc}") from None


def run(data: BenchData, repeat: int, log=print) -> list[Row]:
    from kpis.engine import compute_from_raw
    from kpis.reference import compute_reference

    from benchmarks.duckdb_reference import compute_duckdb

    ids = computed_ids()
    raw = data.paths(data.raw)

    def engine():
        return compute_from_raw(raw, ids, by=("channel",), period="month")

    def pandas_reference():
        frames = {n: pd.read_parquet(p) for n, p in raw.items()}
        return compute_reference(frames, ids, by=("channel",), period="month")

    def duckdb_sql():
        return compute_duckdb(raw)

    ours = engine()
    check_agree(ours, duckdb_sql(), "the hand-written DuckDB SQL")
    check_agree(ours, pandas_reference(), "the pandas reference")
    log(f"[{data.label}] the three KPI implementations agree ({len(ours)} rows, rtol {RTOL:g})")
    t = interleaved({"engine": engine, "duckdb_sql": duckdb_sql, "pandas": pandas_reference}, repeat, log=log)
    rows = [Row("kpi", data.label, "full KPI catalogue by channel and month, cold (Parquet)", "engine",
                t["engine"].median, {"DuckDB hand-written SQL": t["duckdb_sql"].median,
                                     "pandas": t["pandas"].median}, "<= 1.0x DuckDB SQL",
                t["engine"].median <= t["duckdb_sql"].median,
                ratio_to=t["duckdb_sql"].median)]
    rows += aggregate_rows(data, ids, repeat, ours, log)
    return rows


def questions() -> dict[str, dict]:
    """Page questions: what the scorecard, the KPI page and a filter change ask the engine."""
    from core.query import Filters

    ids = computed_ids()
    return {
        "scorecard: all KPIs per month": dict(kpi_ids=ids, period="month"),
        "KPI page: all KPIs by channel and month": dict(kpi_ids=ids, by=("channel",), period="month"),
        "filter change: channel in (email, web), 2024, by segment per quarter": dict(
            kpi_ids=ids, by=("segment",), period="quarter",
            filters=Filters.of(date(2024, 1, 1), date(2025, 1, 1), channel=["email", "web"])),
        "filter change: region Süd, by campaign per month": dict(
            kpi_ids=["campaign_response_rate", "campaign_conversion_rate", "cost_per_response"],
            by=("campaign_id",), period="month", filters=Filters.of(region=["Süd"])),
    }


def aggregate_rows(data: BenchData, ids: list[str], repeat: int, cold: pd.DataFrame, log=print) -> list[Row]:
    from kpis.cubes import FOLDER
    from kpis.engine import compute, compute_from_raw
    from kpis.prebuild import build_aggregates
    from sources.source import StoredDataset

    start = time.perf_counter()
    manifest = build_aggregates(data.paths(data.stored), data.stored / FOLDER)
    built = time.perf_counter() - start
    cube_rows = sum(c["rows"] for c in manifest["cubes"].values())
    side_rows = sum(c["rows"] for c in manifest.get("sides", {}).values())
    size_mb = sum(p.stat().st_size for p in (data.stored / FOLDER).iterdir()) / 1e6
    log(f"[{data.label}] aggregates built in {built:.2f} s ({cube_rows} cube rows, {side_rows} side-table rows,"
        f" {size_mb:.1f} MB)")
    stored, raw = StoredDataset(data.paths(data.stored), data.stored / FOLDER), data.paths(data.raw)
    rows = [Row("kpi", data.label, f"pre-aggregation at import ({cube_rows} cube rows, {side_rows} side-table rows"
                f" + exact tables, {size_mb:.1f} MB on disk)",
                "build_aggregates", built, {}, "", None)]
    for name, q in questions().items():
        fast = compute(stored, **q)
        slow = compute_from_raw(raw, **q)
        pdt.assert_frame_equal(fast, slow, check_dtype=False, rtol=RTOL, atol=1e-12)
        n_raw = _raw_kpis(stored, q)
        t = interleaved({"aggregates": lambda: compute(stored, **q),
                         "raw": lambda: compute_from_raw(raw, **q)}, repeat, log=log)
        fast_s, slow_s = t["aggregates"].median, t["raw"].median
        note = f" ({n_raw} KPI(s) not in the aggregates, read raw)" if n_raw else ""
        rows.append(Row("answer", data.label, name + note, "from aggregates", fast_s, {"recompute (raw)": slow_s},
                        "<= 50 ms and >= 30x faster", fast_s <= 0.05 and slow_s / fast_s >= 30,
                        ratio_to=slow_s))
    return rows


def _raw_kpis(stored, q: dict) -> int:
    """How many of the question's KPIs the aggregates cannot answer."""
    from core.query import Filters, Granularity
    from kpis.aggregates import answer, find_aggregates
    from kpis.engine import resolve_kpis

    kpis = resolve_kpis(q["kpi_ids"])
    by, gran = tuple(q.get("by", ())), q.get("period")
    with stored.open() as query:
        columns = query.columns
    got = answer(find_aggregates(stored), stored.dimensions, kpis, by, Granularity(gran).value if gran else None,
                 q.get("filters") or Filters(), [*by, *(["period"] if gran else [])], columns)
    return len(kpis) - len(got)
