"""Benchmark results: one ``Row`` per measurement, written as JSON and as a markdown table."""
from __future__ import annotations

import json
import math
import platform
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Row:
    group: str  # kpi | answer | import | report | views | startup | memory
    size: str  # 100k, 1m ... or "-" when the size does not matter
    work: str
    ours: str  # what of ours was measured
    seconds: float  # median (for memory rows: MB)
    alternatives: dict[str, float] = field(default_factory=dict)  # name -> median seconds
    target: str = ""
    passed: bool | None = None  # None: no target
    ratio_to: float | None = None  # the value the ratio is taken against (default: best alternative)
    unit: str = "s"

    @property
    def ratio(self) -> float | None:
        base = self.ratio_to if self.ratio_to is not None else min(self.alternatives.values(), default=None)
        if not base or self.unit != "s":
            return None
        return self.seconds / base


def _fmt(value: float, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value * 1000:,.1f} ms" if value < 1 else f"{value:,.2f} s"


def markdown(rows: list[Row], meta: dict) -> str:
    lines = [f"# Benchmark results {meta['date']}", "",
             f"Machine: {meta['machine']}; Python {meta['python']}; {meta['versions']}. "
             f"Medians of {meta['repeat']} interleaved runs after one warm-up; "
             "ratio = ours / the alternative named in the target (else the best alternative).", "",
             "| size | work | ours | median | alternatives (median) | ratio | target | result |",
             "| --- | --- | --- | ---: | --- | ---: | --- | --- |"]
    for r in rows:
        alts = "; ".join(f"{n} {_fmt(v, r.unit)}" for n, v in r.alternatives.items()) or "-"
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}x" if r.ratio >= 0.1 or r.ratio == 0 \
            else f"{r.ratio:.3f}x ({1 / r.ratio:.0f}x faster)"
        verdict = "-" if r.passed is None else "PASS" if r.passed else "FAIL"
        lines.append(f"| {r.size} | {r.work} | {r.ours} | {_fmt(r.seconds, r.unit)} | {alts} | {ratio} "
                     f"| {r.target or '-'} | {verdict} |")
    notes = meta.get("notes") or []
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def metadata(repeat: int, notes: list[str] | None = None) -> dict:
    import duckdb
    import pandas
    import pyarrow

    return {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
            "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "machine": f"{platform.machine()}, {_cores()} cores, load average {_load()}",
            "python": platform.python_version(),
            "versions": f"pandas {pandas.__version__}, DuckDB {duckdb.__version__}, pyarrow {pyarrow.__version__}",
            "repeat": repeat, "notes": notes or []}


def _load() -> str:
    """The 1/5/15-minute load average when the results are written (a shared machine is noisy)."""
    import os

    return " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


def write(rows: list[Row], meta: dict, out_dir: Path = RESULTS_DIR) -> tuple[Path, Path]:
    """``<date>.json`` and ``<date>.md`` in ``out_dir``; returns both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = meta["date"]
    js = out_dir / f"{stem}.json"
    md = out_dir / f"{stem}.md"
    payload = {"meta": meta, "rows": [dict(asdict(r), ratio=r.ratio) for r in rows]}
    js.write_text(json.dumps(payload, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    text = markdown(rows, meta)
    analysis = out_dir / f"{stem}-analysis.md"  # hand-written: before/after, why a target falls short
    if analysis.exists():
        text += f"\nBefore/after of the cold path and why targets fall short: [{analysis.name}]({analysis.name})\n"
    md.write_text(text, encoding="utf-8")
    return js, md
