"""Churn risk and campaign response (issue 11.3): honest quality from cross-validation, the
calibration table, the drivers in words, risk by group and the customers at highest risk."""
import streamlit as st

from core.i18n import t
from ui import analytics_widgets as w
from ui.state import context
from ui.widgets import require_dataset

ctx = context()
lang, session = ctx.lang, ctx.session
st.title(t("analytics.title", lang))
st.caption(t("analytics.intro", lang))
info = require_dataset(ctx)

TARGETS = ("churn", "response")
for tab, target in zip(st.tabs([t(f"analytics.target.{x}", lang) for x in TARGETS]), TARGETS):
    with tab:
        w.show(session, info, target, lang)
