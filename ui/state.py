"""Per-session context and process-wide cached resources.

The database is the truth; ``st.session_state`` only caches what it holds, so a browser refresh
loses nothing. Cached loaders take the client id and the data version as arguments, so one
client's figures can never appear for another.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlalchemy import Engine

from core.settings import Settings, load_settings
from storage.clients import Client


@dataclass(frozen=True)
class Context:
    settings: Settings
    engine: Engine
    client: Client | None
    lang: str
    actor: str = ""


@st.cache_resource(show_spinner=False)
def _ready(database_url: str, data_dir: str) -> Engine:
    from services.bootstrap import ensure_ready

    return ensure_ready(load_settings())


def engine() -> Engine:
    settings = load_settings()
    return _ready(settings.database_url, str(settings.data_dir))


def set_context(ctx: Context) -> None:
    st.session_state["_ctx"] = ctx


def context() -> Context:
    """The context the shell built for this run (pages call this first)."""
    ctx = st.session_state.get("_ctx")
    if ctx is None:  # a page run on its own (AppTest of one page): build a default context
        from storage.clients import list_clients

        eng = engine()
        clients = list_clients(eng)
        ctx = Context(load_settings(), eng, clients[0] if clients else None, st.session_state.get("lang", "de"))
    return ctx
