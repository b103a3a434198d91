"""Sign-in (team mode): a built-in account (user name + password, throttled) or the identity
provider through ``st.login`` when ``.streamlit/secrets.toml`` has an ``[auth]`` section."""
from __future__ import annotations

import streamlit as st

from core.errors import PermissionDenied, StorageError
from core.i18n import t
from storage.users import LOCK_FOR
from ui import auth_gate
from ui.state import context
from ui.widgets import show_error

ctx = context()
lang = ctx.lang
st.title(t("auth.sign_in_title", lang))
if st.session_state.pop(auth_gate.EXPIRED, False):
    st.info(t("auth.session_expired", lang), icon="⏱️")

if auth_gate.oidc_configured():
    problem = st.session_state.get(auth_gate.OIDC_ERROR)
    if problem:  # signed in at the provider, but no (active) account here
        st.error(t("team.oidc_refused", lang), icon="🚫")
        st.caption(problem)
        if st.button(t("auth.sign_out", lang), key="oidc_sign_out"):
            st.logout()
    elif st.button(t("team.sign_in_sso", lang), key="sso", type="primary", icon=":material/key:"):
        st.login()
    st.divider()

st.subheader(t("auth.sign_in_with_account", lang))
with st.form("sign_in", clear_on_submit=True):  # the password does not stay in the session
    username = st.text_input(t("auth.username", lang), key="login_user", autocomplete="username")
    password = st.text_input(t("auth.password", lang), type="password", key="login_password",
                             autocomplete="current-password")
    submitted = st.form_submit_button(t("auth.sign_in", lang), type="primary")
if submitted:
    try:
        auth_gate.sign_in_with_password(ctx.engine, username, password)
    except PermissionDenied as exc:
        locked = "locked" in exc.message
        st.error(t("auth.locked", lang, minutes=int(LOCK_FOR.total_seconds() // 60)) if locked
                 else t("auth.wrong_credentials", lang), icon="🚫")
    except StorageError as exc:
        show_error(exc, lang)
    else:
        st.rerun()
