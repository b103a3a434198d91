"""CRM cockpit: the Streamlit shell. ``python3 dev.py run`` starts it.

Builds the navigation, the client selector and the language switch (both bound to the URL, so a
refresh or a shared link keeps them), then runs the chosen page inside one error boundary.
"""
from __future__ import annotations

import streamlit as st

from core.errors import CockpitError
from core.i18n import LANGUAGES, t
from ui import state
from ui.widgets import show_error

# page file, i18n key, icon, url path; grouped for the sidebar
PAGES = {
    "cockpit": [
        ("ui/pages/overview_page.py", "nav.overview", ":material/dashboard:", "overview"),
        ("ui/pages/scorecard_page.py", "nav.scorecard", ":material/speed:", "scorecard"),
        ("ui/pages/kpi_page.py", "nav.kpis", ":material/query_stats:", "kpis"),
        ("ui/pages/lifecycle_page.py", "nav.lifecycle", ":material/autorenew:", "lifecycle"),
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
}
SECTIONS = {"cockpit": "nav.section_cockpit", "assessment": "nav.section_assessment", "data": "nav.section_data"}


def main() -> None:
    st.set_page_config(page_title="CRM-Cockpit", page_icon=":material/insights:", layout="wide")
    lang = st.sidebar.segmented_control(
        "Sprache / Language", LANGUAGES, default="de", key="lang", bind="query-params",
        format_func=lambda code: {"de": "Deutsch", "en": "English"}[code], required=True,
    ) or "de"
    try:
        engine = state.engine()
        from storage.clients import list_clients

        clients = list_clients(engine)
    except CockpitError as exc:
        show_error(exc, lang)
        st.stop()

    client = None
    if clients:
        by_slug = {c.slug: c for c in clients}
        slug = st.sidebar.selectbox(t("shell.client", lang), list(by_slug), key="client", bind="query-params",
                                    format_func=lambda s: by_slug[s].name)
        client = by_slug.get(slug)
    else:
        st.sidebar.info(t("shell.no_client", lang))
    state.set_context(state.Context(state.load_settings(), engine, client, lang))

    pages = {
        t(SECTIONS[section], lang): [
            st.Page(path, title=t(key, lang), icon=icon, url_path=url, default=(url == "overview"))
            for path, key, icon, url in entries
        ]
        for section, entries in PAGES.items()
    }
    page = st.navigation(pages)
    try:
        page.run()
    except CockpitError as exc:
        show_error(exc, lang)


main()
