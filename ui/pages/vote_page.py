"""Vote: participants join with the workshop code and their name, then answer the question the
facilitator shows. Their personal token sits in the URL (``?p=``), so a refresh or a dropped
connection keeps who they are; each tap is written to the database at once and confirmed only
after the write succeeded."""
from __future__ import annotations

import streamlit as st

from core.errors import CockpitError
from core.i18n import t
from ui import assessment_widgets as aw
from ui.state import context
from ui.vote_widgets import ballot
from ui.widgets import client_address, page_link, show_error
from usecases import assessment

ctx = context()
lang = ctx.lang
st.html(aw.BIG_TYPE + aw.NO_SIDEBAR)
aw.language_toggle(lang, "vote_lang")  # the shell's switch sits in the hidden sidebar
# The sidebar is hidden here, so a consultant who opened this page from it needs a way back
# (a participant has no other page: page_link shows nothing to them).
page_link("ui/pages/workshop_page.py", label=t("vote.back", lang), icon=":material/arrow_back:")
token = st.query_params.get("p", "")
voter = assessment.participant(ctx.engine, ctx.settings, token)
if voter is None:
    st.title(t("vote.title", lang))
    if token:
        st.warning(t("vote.unknown_link", lang))
    st.caption(t("vote.intro", lang))
    with st.form("join"):
        code = st.text_input(t("vote.code", lang), value=st.query_params.get("code", ""), key="vote_code",
                             max_chars=12)
        name = st.text_input(t("vote.name", lang), key="vote_name", max_chars=80)
        if st.form_submit_button(t("vote.join", lang), type="primary", width="stretch", key="vote_join"):
            try:
                joined = assessment.join(ctx.engine, code, name, address=client_address(ctx.settings), lang=lang)
                st.query_params["p"] = joined.token
                if "code" in st.query_params:
                    del st.query_params["code"]
                st.rerun()
            except CockpitError as exc:
                show_error(exc, lang)
    st.stop()

st.subheader(t("vote.hello", lang, name=aw.plain(voter.principal.username)))
st.caption(t("vote.keep_link", lang))
with st.container(key="ballot"):
    ballot(voter, lang, token)
