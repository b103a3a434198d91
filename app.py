"""CRM cockpit: the Streamlit shell. ``python3 dev.py run`` starts it.

Builds the navigation, the client selector and the language switch (both bound to the URL, so a
refresh or a shared link keeps them), then runs the chosen page inside one error boundary. In team
mode ``ui.auth_gate`` decides who is signed in: only the pages of their role are registered (a URL
to any other page renders the default page instead) and a client in the URL that is not theirs is
refused before any page runs.
"""
from __future__ import annotations

import logging

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from core.errors import CockpitError, PermissionDenied, StorageError
from core.i18n import LANGUAGES, t
from ui import auth_gate, state
from ui.health_notice import resume_when_back
from ui.widgets import show_error
from usecases.admin import my_clients
from usecases.session import Session, install_scope, scoped

# page file, i18n key, icon, url path; grouped for the sidebar
PAGES = {
    "cockpit": [
        ("ui/pages/overview_page.py", "nav.overview", ":material/dashboard:", "overview"),
        ("ui/pages/scorecard_page.py", "nav.scorecard", ":material/speed:", "scorecard"),
        ("ui/pages/kpi_page.py", "nav.kpis", ":material/query_stats:", "kpis"),
        ("ui/pages/lifecycle_page.py", "nav.lifecycle", ":material/autorenew:", "lifecycle"),
        ("ui/pages/analytics_page.py", "nav.analytics", ":material/psychology:", "analytics"),
    ],
    "assessment": [
        ("ui/pages/assessment_page.py", "nav.assessment", ":material/stairs:", "assessment"),
        ("ui/pages/workshop_page.py", "nav.workshop", ":material/co_present:", "workshop"),
        ("ui/pages/vote_page.py", "nav.vote", ":material/how_to_vote:", "vote"),
    ],
    "data": [
        ("ui/pages/import_page.py", "nav.import", ":material/upload_file:", "import"),
        ("ui/pages/reports_page.py", "nav.reports", ":material/description:", "reports"),
        ("ui/pages/settings_page.py", "nav.settings", ":material/settings:", "settings"),
    ],
    "account": [("ui/pages/login_page.py", "auth.sign_in", ":material/login:", "login")],
}
SECTIONS = {"cockpit": "nav.section_cockpit", "assessment": "nav.section_assessment", "data": "nav.section_data",
            "account": "auth.sign_in"}


def main() -> None:
    st.set_page_config(page_title="CRM-Cockpit", page_icon=":material/insights:", layout="wide")
    switch = t("shell.language_switch", st.session_state.get("lang") or "de")
    lang = st.sidebar.segmented_control(
        switch, LANGUAGES, default="de", key="lang", bind="query-params",
        required=True,  # no format_func: the bound URL parameter then holds the code (?lang=en)
    ) or "de"
    settings = state.load_settings()
    try:
        engine = state.engine()
        gate = auth_gate.gate(engine, settings)
        signed = Session(engine, settings, gate.principal, team_mode=gate.team_mode)
        clients = my_clients(signed) if gate.principal is not None else []
        clients = auth_gate.choose_client(gate, clients, st.query_params.get("client"))
    except CockpitError as exc:
        _refuse(exc, lang)

    client = None
    if gate.principal is not None and clients:
        by_slug = {c.slug: c for c in clients}
        requested = st.query_params.get("client")
        slug = st.sidebar.selectbox(t("shell.client", lang), list(by_slug), key="client", bind="query-params",
                                    index=list(by_slug).index(requested) if requested in by_slug else 0,
                                    format_func=lambda s: by_slug[s].name)
        client = by_slug.get(slug)
    elif gate.principal is not None:
        st.sidebar.info(t("auth.no_clients" if gate.team_mode else "shell.no_client", lang))
    if gate.team_mode and gate.principal is not None:
        st.sidebar.caption(t("auth.signed_in_as", lang, name=gate.principal.username,
                             role=t(f"auth.role.{gate.principal.role.value}", lang)))
        if st.sidebar.button(t("auth.sign_out", lang), key="sign_out", icon=":material/logout:"):
            auth_gate.sign_out()
    session = signed.with_client(client)
    state.set_context(state.Context(session, lang))

    allowed = set(gate.pages)
    if len(allowed) == 1:  # signed out or a participant: every address renders that one page (no leak)
        page = st.navigation(auth_gate.single_page(PAGES, gate.pages[0], lang), position="hidden")
    else:
        pages = {
            t(SECTIONS[section], lang): [
                st.Page(path, title=t(key, lang), icon=icon, url_path=url, default=(url == gate.pages[0]))
                for path, key, icon, url in entries if url in allowed
            ]
            for section, entries in PAGES.items()
        }
        page = st.navigation({k: v for k, v in pages.items() if v})
    install_scope(engine)
    try:
        with scoped(session):
            page.run()
    except CockpitError as exc:
        _refuse(exc, lang)
    except StreamlitPageNotFoundError:  # a link to a page this role does not have: drop it, keep the page
        logging.getLogger(__name__).warning("page link to a page not registered for %s", gate.actor or "visitor")


def _refuse(exc: CockpitError, lang: str) -> None:
    """Show the error; a lost database is watched and the app continues when it returns."""
    show_error(exc, lang)
    if st.query_params.get("client") and isinstance(exc, PermissionDenied):
        if st.button(t("team.my_clients", lang), key="my_clients"):
            del st.query_params["client"]
            st.rerun()
    if isinstance(exc, StorageError):
        resume_when_back(lang)
    st.stop()


main()
