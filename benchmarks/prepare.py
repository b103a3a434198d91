"""Benchmark data: demo data at a size, generated once and cached under ``benchmarks/data/<size>/``.

A *size* is the number of rows of the largest fact table (campaign contacts); the demo
generator scales every entity from the number of customers (contacts = 17.5 x customers,
orders about 4 x customers). Layout per size:

- ``csv/<entity>.csv``: the demo export (``data.demo.write_csv``), input of the import benchmark;
- ``raw/<entity>.parquet``: a new dataset as the store writes it (zstd Parquet), no aggregates;
- ``stored/``: the same files (hard links) plus ``aggregates/``, rebuilt by every run (timed);
- ``contacts.xlsx``: the first 100k contacts as a workbook (import benchmark, xlsx).
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "benchmarks" / "data"
CONTACTS_PER_CUSTOMER = 17.5
XLSX_ROWS = 100_000


def parse_size(text: str) -> int:
    """``100k`` -> 100000, ``1m`` -> 1000000, ``2500`` -> 2500."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not m:
        raise ValueError(f"not a size: {text!r} (e.g. 100k, 1m, 10m)")
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()]
    return int(float(m.group(1)) * factor)


def size_label(rows: int) -> str:
    for factor, suffix in ((1_000_000, "m"), (1_000, "k")):
        if rows >= factor and rows % factor == 0:
            return f"{rows // factor}{suffix}"
    return str(rows)


@dataclass(frozen=True)
class BenchData:
    rows: int
    folder: Path

    @property
    def label(self) -> str:
        return size_label(self.rows)

    @property
    def csv(self) -> Path:
        return self.folder / "csv"

    @property
    def raw(self) -> Path:
        return self.folder / "raw"

    @property
    def stored(self) -> Path:
        return self.folder / "stored"

    @property
    def xlsx(self) -> Path:
        return self.folder / "xlsx" / "campaign_contacts.xlsx"

    def paths(self, folder: Path) -> dict[str, Path]:
        return {p.stem: p for p in sorted(folder.glob("*.parquet"))}

    def row_counts(self) -> dict[str, int]:
        import pyarrow.parquet as pq

        return {name: pq.ParquetFile(p).metadata.num_rows for name, p in self.paths(self.raw).items()}


def prepare(rows: int, root: Path = DATA_DIR, xlsx: bool = True, log=print) -> BenchData:
    """The cached data for ``rows``; generated (and aggregated) when missing."""
    data = BenchData(rows, root / size_label(rows))
    done = data.folder / ".complete"
    if not done.exists():
        shutil.rmtree(data.folder, ignore_errors=True)
        _generate(data, log)
        done.touch()
    if xlsx and not data.xlsx.exists():
        _write_xlsx(data, log)
    return data


def _generate(data: BenchData, log) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from data.demo import generate, write_csv

    customers = max(int(round(data.rows / CONTACTS_PER_CUSTOMER)), 20)
    log(f"[{data.label}] generating demo data for {customers} customers ...")
    frames = generate(customers=customers, seed=11)
    write_csv(frames, data.csv)
    data.raw.mkdir(parents=True)
    data.stored.mkdir(parents=True)
    for name, frame in frames.items():
        target = data.raw / f"{name}.parquet"
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), target, compression="zstd")
        os.link(target, data.stored / f"{name}.parquet")


def _write_xlsx(data: BenchData, log) -> None:
    """The first ``XLSX_ROWS`` contacts (every column) as an .xlsx, written with xlsxwriter."""
    import pyarrow.parquet as pq
    import xlsxwriter

    log(f"[{data.label}] writing the xlsx import file ...")
    frame = pq.read_table(data.raw / "campaign_contacts.parquet").slice(0, XLSX_ROWS).to_pandas()
    frame["contacted_at"] = frame["contacted_at"].dt.strftime("%Y-%m-%d")
    data.xlsx.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(data.xlsx), {"constant_memory": True})
    sheet = book.add_worksheet("campaign_contacts")
    sheet.write_row(0, 0, list(frame.columns))
    columns = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns]
    for i, row in enumerate(zip(*columns), start=1):
        sheet.write_row(i, 0, row)
    book.close()
