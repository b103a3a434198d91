"""Start page: the client at a glance - maturity of the latest assessment, the scorecard's overall
score with its six weightiest KPIs, and the state of the data. Empty states lead to the next step."""
import streamlit as st

from core.i18n import t
from ui import overview_widgets as w
from ui.state import context
from ui.widgets import require_client
from usecases.scorecard import view_scorecard

ctx = context()
lang = ctx.lang
st.title(t("views.overview.title", lang))
client = require_client(ctx)
st.caption(t("views.overview.caption", lang, client=client.name))

view = view_scorecard(ctx.session)
left, right = st.columns(2)
with left.container(border=True):
    w.maturity_panel(view.maturity, lang)
with right.container(border=True):
    w.scorecard_panel(view, lang)
if view.result is not None:
    w.headline_tiles(view, lang)
w.data_panel(view.dataset, lang)
