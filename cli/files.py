"""``--data`` of the file commands (kpi compute, scorecard, lifecycle, forecast, monitor, predict, channels):
read and validate once; data that does not pass validation is refused (exit 2), never half-used."""
from __future__ import annotations

import sys


def read_valid(path: str):
    """The ``DatasetResult`` of a manifest or directory, or None after printing why it did not pass
    validation (the caller exits 2)."""
    from data.dataset import read_dataset

    result = read_dataset(path)
    if not result.report.ok:
        print(f"error: {path}: the data did not pass validation", file=sys.stderr)
        print(result.report.describe(limit=50), file=sys.stderr)
        return None
    return result
