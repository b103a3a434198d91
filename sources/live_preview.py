"""What registering a live source needs (issue 12, the data page's flow): check the connection, list
a table's columns, suggest the mapping from them, preview 20 mapped rows.

Each works on a ``LiveSource`` of a manifest that may not map any column yet: ``columns`` and
``suggest`` read only the driver's description (no rows); ``preview`` is the one place a live
source fetches rows, at most ``PREVIEW_ROWS``, already mapped to the canonical fields.
"""
from __future__ import annotations

import pandas as pd

from data.mapping import suggest_columns
from sources.live import LiveSource

PREVIEW_ROWS = 20


def check_connection(source: LiveSource) -> str:
    """Connect (read-only, with the timeout) and ask for nothing; the URL as it may be shown."""
    source.fetch("SELECT 1 AS ok", source.url_where)
    return source.shown


def columns(source: LiveSource, entity: str) -> dict[str, str]:
    """The source columns of ``entity`` with their types (for the column mapping's choices)."""
    return source.describe(entity)


def suggest(source: LiveSource, entity: str) -> dict[str, str]:
    """canonical field -> source column, from the synonyms of ``config/entities.yaml``."""
    return suggest_columns(list(columns(source, entity)), source.schema[entity])


def preview(source: LiveSource, entity: str, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first ``rows`` rows of ``entity`` as the mapping makes them (canonical columns, typed)."""
    limit = max(1, min(int(rows), PREVIEW_ROWS))
    return source.run(f"SELECT * FROM {source.schema[entity].name} LIMIT {limit}",
                      where=f"{source.manifest.source}: {entity}.source")
