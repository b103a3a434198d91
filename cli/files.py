"""``--data`` of the file commands (kpi compute, forecast, monitor, predict, channels): read and validate once.

A manifest whose entities name a ``source:`` (a live database, docs/live-sources.md) is checked by
counting queries instead of being read (``sources.live_check``); only ``kpi compute`` reads one so far.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True, eq=False)
class LiveDataset:
    """What ``read_valid`` gives for a live manifest: ``frames`` is the ``LiveSource`` the engine reads."""

    frames: object
    quality: dict
    check: object

    def close(self) -> None:
        self.frames.close()


def read_valid(path: str, live: bool = False):
    """The ``DatasetResult`` of a manifest or directory (``LiveDataset`` for a live manifest when the
    command reads one), or None after printing why it did not pass validation (the caller exits 2)."""
    from data.dataset import read_dataset
    from data.manifest import resolve_manifest

    manifest = resolve_manifest(path)
    if manifest.live:
        return _read_live(path, manifest) if live else _refuse_live(path)
    result = read_dataset(manifest)
    if not result.report.ok:
        print(f"error: {path}: the data did not pass validation", file=sys.stderr)
        print(result.report.describe(limit=50), file=sys.stderr)
        return None
    return result


def _read_live(path: str, manifest):
    from sources.live import LiveSource
    from sources.live_check import check_source

    source = LiveSource(manifest)
    try:
        check = check_source(source)
    except BaseException:
        source.close()
        raise
    if not check.ok:
        source.close()
        print(f"error: {path}: the live source did not pass validation (counted on the database)", file=sys.stderr)
        print(check.describe(limit=50), file=sys.stderr)
        return None
    return LiveDataset(source, check.quality, check)


def _refuse_live(path: str):
    from sources.errors import LiveSourceError

    raise LiveSourceError(f"{path}: this command reads files only; a live source (source:) is read by kpi compute",
                          path, key="sources.command_not_live", hint="export the data, or run kpi compute")
