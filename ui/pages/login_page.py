"""Sign-in (team mode): the identity provider through ``st.login`` when ``.streamlit/secrets.toml``
has an ``[auth]`` section, and a built-in account (user name + password) on the sign-in page of
``auth.web``, which sets the HttpOnly ``cockpit_session`` cookie and comes back to this address."""
from __future__ import annotations

from html import escape

import streamlit as st

from core.i18n import t
from ui import auth_gate
from ui.state import context

ACCOUNT_LINK = ("display:inline-block;padding:.45rem 1rem;border-radius:.5rem;background:#1f4e79;color:#fff;"
                "text-decoration:none;font-weight:600")

ctx = context()
lang = ctx.lang
st.title(t("auth.sign_in_title", lang))
if st.session_state.pop(auth_gate.EXPIRED, False):
    st.info(t("auth.session_expired", lang), icon="⏱️")

if auth_gate.oidc_configured():
    problem = st.session_state.get(auth_gate.OIDC_ERROR)
    if problem:  # signed in at the provider, but no (active) account here
        st.error(t("team.oidc_refused", lang), icon="🚫")
        st.caption(problem.text(lang))
        if st.button(t("auth.sign_out", lang), key="oidc_sign_out"):
            st.logout()
    elif st.button(t("team.sign_in_sso", lang), key="sso", type="primary", icon=":material/key:"):
        st.login()
    st.divider()

# a plain link, same tab (st.link_button would open a new one): the password never passes the websocket
st.html(f'<a href="{escape(auth_gate.sign_in_url(lang))}" style="{ACCOUNT_LINK}" data-testid="account-sign-in">'
        f'{escape(t("auth.sign_in_with_account", lang))}</a>')
