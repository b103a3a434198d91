"""Import data safety at size (issue 14.1): append 240 orders onto a stored version.

``python benchmarks/append_bench.py --size 10m [--data-dir DIR] [--repeat 1]`` stores the demo data
of that size (rows of campaign contacts; ``benchmarks.prepare``) as version 1 of a client in a
temporary SQLite installation, then times what the import page does with a 240-row orders export:
``plan`` (load the version, merge by key, id matching), ``effect`` (headline KPIs of the last
complete quarter, before and after), ``commit`` (write the new version and its pre-aggregates),
and ``restore`` of version 1. Prints a markdown table and the peak memory (RSS) of the process.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROWS = 240


def _orders_csv(customers: list[str]) -> bytes:
    lines = ["order_id;customer_id;channel;product;quantity;revenue;order_date"]
    lines += [f"BENCH-{i:04d};{customers[i % len(customers)]};web;CRM Pro;1;100;2025-11-{i % 28 + 1:02d}"
              for i in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


def _timed(label: str, fn, repeat: int, out: list) -> object:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    times.sort()
    out.append((label, times[len(times) // 2]))
    print(f"  {label}: {times[len(times) // 2]:.2f} s", flush=True)
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1m")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    import pandas as pd

    from benchmarks import prepare

    data = prepare.prepare(prepare.parse_size(args.size), args.data_dir or prepare.DATA_DIR, xlsx=False)
    frames = {name: pd.read_parquet(path) for name, path in data.paths(data.raw).items()}
    counts = {k: len(v) for k, v in frames.items()}
    print(f"== {data.label}: {counts}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="append-bench-"))
    try:
        return _run(work, frames, counts, data.label, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, frames: dict, counts: dict, label: str, repeat: int) -> int:
    from services import dataset_versions as dv
    from services import import_session as svc
    from services.importing import store_frames
    from storage.clients import create_client
    from storage.db import connect, migrate

    url = f"sqlite:///{work / 'cockpit.db'}"
    engine = connect(url)
    migrate(engine)
    client = create_client(engine, "Bench GmbH")
    root = work / "datasets"
    timings: list = []
    _timed("store version 1 (setup, with pre-aggregates)",
           lambda: store_frames(engine, root, client.id, frames, label="v1", source="bench"), 1, timings)
    customers = frames["customers"]["customer_id"].astype(str).head(ROWS).tolist()
    frames.clear()  # the stored version is on disk now: free the memory (the caller holds the dict too)
    folder = svc.session_dir(work)
    upload = svc.save_upload(folder, "orders", "orders.csv", _orders_csv(customers), 200)
    mapping = svc.build_mapping(upload, svc.suggestion("orders", list(svc.read_upload(upload).columns)))
    result = svc.validate_staged(folder, {"orders": mapping}, 200)
    todo = _timed("plan (load, merge by key, id matching)",
                  lambda: dv.plan(engine, root, client.id, result), repeat, timings)
    effect = _timed("effect (headline KPIs before/after)", lambda: dv.effect(root, todo), repeat, timings)
    del todo
    info = _timed("commit append (new version + pre-aggregates)",
                  lambda: dv.commit(engine, root, client.id, result), 1, timings)
    _timed("restore v1 (new version + pre-aggregates)", lambda: dv.restore(engine, root, client.id, 1), 1, timings)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n| step ({label}: {counts.get('campaign_contacts', 0):,} contacts, "
          f"{counts.get('orders', 0):,} orders) | seconds |\n| --- | ---: |")
    for label, seconds in timings:
        print(f"| {label} | {seconds:.2f} |")
    print(f"\norders after append: {info.row_counts['orders']:,}; effect:\n{effect.to_string(index=False)}")
    print(f"peak RSS: {peak:,.0f} MB")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
