"""Peak memory: a fresh subprocess per work item reports its peak resident set (MB).

Linux keeps ``ru_maxrss`` across fork + exec, so a child of a big benchmark process would report
the parent's size; the child reads ``VmHWM`` (peak of its own address space) from
``/proc/self/status`` instead, and ``ru_maxrss`` where there is no /proc."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.prepare import BenchData
from benchmarks.results import Row

TARGET_MB = 2048
IMPORT_TARGET_MB = 1536  # issue 15: the import of 10M contacts under 1.5 GB
PEAK = ("def peak_mb():\n"
        "    import resource\n"
        "    try:\n"
        "        for line in open('/proc/self/status'):\n"
        "            if line.startswith('VmHWM:'):\n"
        "                return int(line.split()[1]) / 1024\n"
        "    except OSError:\n"
        "        pass\n"
        "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n")


def peak_mb() -> float:
    scope: dict = {}
    exec(PEAK, scope)
    return scope["peak_mb"]()


def probe(data: BenchData) -> int:
    """In this (fresh) process: the cold KPI catalogue, then print the peak resident set as JSON."""
    from kpis.engine import compute_from_raw
    from benchmarks.kpi_bench import computed_ids

    compute_from_raw(data.paths(data.raw), computed_ids(), by=("channel",), period="month")
    kpi_mb = peak_mb()
    print(json.dumps({"kpi_mb": kpi_mb}))
    return 0


def _import_probe(csv: Path) -> float:
    code = (PEAK + "import sys\nsys.path.insert(0, '.')\nfrom data.dataset import read_dataset\n"
            f"read_dataset({str(csv)!r})\nprint(peak_mb())\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent,
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def measure(data: BenchData, data_dir: Path) -> list[Row]:
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, str(root / "benchmarks" / "run.py"), "--memory-probe", data.label,
                          "--data-dir", str(data_dir)], cwd=root, capture_output=True, text=True, check=True)
    kpi_mb = json.loads(out.stdout.strip().splitlines()[-1])["kpi_mb"]
    import_mb = _import_probe(data.csv / "campaign_contacts.csv")
    print(f"  peak memory: KPI catalogue {kpi_mb:.0f} MB, import of the contacts CSV {import_mb:.0f} MB")
    return [Row("memory", data.label, "peak memory (VmHWM): full KPI catalogue, cold", "engine", kpi_mb,
                {}, "< 2 GB", kpi_mb < TARGET_MB, unit="MB"),
            Row("memory", data.label, "peak memory (VmHWM): import of the contacts CSV (read_dataset)",
                "importer", import_mb, {}, "< 1.5 GB", import_mb < IMPORT_TARGET_MB, unit="MB")]
