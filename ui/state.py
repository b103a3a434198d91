"""Per-session context and process-wide cached resources.

The database is the truth; ``st.session_state`` only caches what it holds, so a browser refresh
loses nothing. The shell (``app.py``) builds a ``Context`` on every run: the language and the
use-case ``Session`` (principal + client) that pages hand to ``usecases.*``; the use cases check
the permissions and keep the cached answers, keyed by client and dataset version.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlalchemy import Engine

from auth.guard import Principal
from core.settings import Settings, load_settings
from usecases.admin import my_clients, open_installation
from usecases.session import Client, Session


@dataclass(frozen=True)
class Context:
    session: Session
    lang: str

    @property
    def settings(self) -> Settings:
        return self.session.settings

    @property
    def engine(self) -> Engine:
        return self.session.engine

    @property
    def client(self) -> Client | None:
        return self.session.client

    @property
    def actor(self) -> str:
        return self.session.actor


@st.cache_resource(show_spinner=False)
def _ready(database_url: str, data_dir: str) -> Engine:
    return open_installation(load_settings())


def engine() -> Engine:
    settings = load_settings()
    return _ready(settings.database_url, str(settings.data_dir))


def set_context(ctx: Context) -> None:
    st.session_state["_ctx"] = ctx


def context() -> Context:
    """The context the shell built for this run (pages call this first)."""
    ctx = st.session_state.get("_ctx")
    if ctx is None:  # a page run on its own (AppTest of one page): the local user, the first client
        session = Session(engine(), load_settings(), Principal.local())
        clients = my_clients(session)
        ctx = Context(session.with_client(clients[0] if clients else None), st.session_state.get("lang", "de"))
    return ctx
