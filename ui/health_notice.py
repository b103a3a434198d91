"""The notice shown while the database is away: it probes every few seconds and reruns the app
as soon as the database answers again (no restart, nothing pretended to be saved)."""
from __future__ import annotations

import streamlit as st

from core.errors import CockpitError
from core.i18n import t
from services.health import probe
from ui import state

RETRY_SECONDS = 5


def resume_when_back(lang: str) -> None:
    st.info(t("team.db_waiting", lang, seconds=RETRY_SECONDS), icon="⏳")

    @st.fragment(run_every=RETRY_SECONDS)
    def _watch() -> None:
        try:
            healthy = probe(state.engine()).ok
        except CockpitError:  # the first start of the app had no database either
            healthy = False
        if healthy:
            st.rerun(scope="app")

    _watch()
    if st.button(t("team.retry", lang), key="db_retry"):
        st.rerun()
