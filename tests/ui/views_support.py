"""Direct computations the page tests compare the pages against (the same services, no Streamlit)."""
from __future__ import annotations

import json


def demo():
    """settings, engine, client of the seeded demo installation (after the demo_env fixture)."""
    from core.settings import load_settings
    from storage.clients import list_clients
    from storage.db import connect

    settings = load_settings()
    engine = connect(settings.database_url)
    return settings, engine, list_clients(engine)[0]


def figures(at) -> list[dict]:
    """The plotly figures an AppTest run drew, as plain JSON (data and layout)."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def has_data(figure: dict) -> bool:
    """At least one trace with points (x, y, z or values)."""
    return any(any(len(trace.get(k) or []) for k in ("x", "y", "z", "values")) for trace in figure["data"])
