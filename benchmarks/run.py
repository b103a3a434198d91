"""The benchmark suite of issue 8: ``python benchmarks/run.py [--sizes 100k,1m,10m] [--repeat 5] [--only ...]``.

Generates (and caches under ``benchmarks/data/``) demo data at each size, times our code against
the best alternatives interleaved in one process, checks that the three KPI implementations
agree, and writes ``benchmarks/results/<date>.json`` and ``.md`` (printed at the end).
Exit code 1 when the KPI implementations disagree.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GROUPS = ("kpi", "import", "report", "views", "startup", "memory")


def ensure_requirements() -> None:
    """Install ``benchmarks/requirements.txt`` (fastexcel) when missing; the suite falls back to
    python-calamine when that is impossible (offline)."""
    try:
        import fastexcel  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r",
                        str(ROOT / "benchmarks" / "requirements.txt")], check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1m", help="rows of the largest fact table, e.g. 100k,1m,10m")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per competitor (after one warm-up)")
    parser.add_argument("--only", default=",".join(GROUPS), help="groups: " + ",".join(GROUPS))
    parser.add_argument("--data-dir", type=Path, default=None, help="cache of generated data")
    parser.add_argument("--out", type=Path, default=None, help="results folder (default benchmarks/results)")
    parser.add_argument("--memory-probe", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    from benchmarks import memory, prepare
    from benchmarks.results import RESULTS_DIR, metadata, write

    data_dir = args.data_dir or prepare.DATA_DIR
    if args.memory_probe:
        return memory.probe(prepare.prepare(prepare.parse_size(args.memory_probe), data_dir, xlsx=False))
    only = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = [g for g in only if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s) {unknown}; choose from {list(GROUPS)}")
    sizes = sorted(prepare.parse_size(s) for s in args.sizes.split(","))
    if "import" in only:
        ensure_requirements()
    rows, notes = [], []
    datasets = [prepare.prepare(n, data_dir, xlsx="import" in only) for n in sizes]
    for data in datasets:
        print(f"== {data.label}: {data.row_counts()}", flush=True)
        notes.append(f"{data.label}: rows per entity {data.row_counts()}")
        if "kpi" in only:
            from benchmarks import kpi_bench
            rows += kpi_bench.run(data, args.repeat)
        if "import" in only:
            from benchmarks import import_bench
            rows += import_bench.run(data, args.repeat, first=data is datasets[0])
    largest = datasets[-1]
    if "report" in only:
        from benchmarks import report_bench
        rows += report_bench.run(datasets[0], args.repeat)
    if "views" in only:
        from benchmarks import app_bench
        rows += app_bench.views(largest, args.repeat)
    if "startup" in only:
        from benchmarks import app_bench
        rows += app_bench.startup(args.repeat)
    if "memory" in only:
        rows += memory.measure(largest, data_dir)
    meta = metadata(args.repeat, notes)
    js, md = write(rows, meta, args.out or RESULTS_DIR)
    print(md.read_text(encoding="utf-8"))
    print(f"written: {js} and {md}")
    return 0


if __name__ == "__main__":
    from benchmarks.kpi_bench import Disagreement

    try:
        sys.exit(main())
    except Disagreement as exc:
        print(f"FAIL: {exc}", file=sys.stderr)
        sys.exit(1)
