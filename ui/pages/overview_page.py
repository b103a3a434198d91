"""Start page: the client at a glance - maturity of the latest assessment, the scorecard's overall
score, the alerts of the last complete month, the six weightiest KPIs, and the state of the data. Empty states lead to the next step."""
import streamlit as st

from core.i18n import t
from ui import overview_widgets as w
from ui.live_widgets import as_of
from ui.state import context
from ui.widgets import require_client
from usecases.alerts import view_alerts
from usecases.scorecard import view_scorecard

ctx = context()
lang = ctx.lang
st.title(t("views.overview.title", lang))
client = require_client(ctx)
st.caption(t("views.overview.caption", lang, client=client.name))

view = view_scorecard(ctx.session)
as_of(ctx.session, view.dataset, lang)
left, right = st.columns(2)
with left.container(border=True):
    w.maturity_panel(view.maturity, lang, view.open_round)
with right.container(border=True):
    w.scorecard_panel(view, lang)
feed = st.container()  # filled last: the first view after an import fits forecasts, the rest shows meanwhile
if view.result is not None:
    w.headline_tiles(view, lang)
w.data_panel(view.dataset, lang)
with feed, st.spinner(t("alerts.feed.computing", lang)):
    w.alert_feed(ctx, view_alerts(ctx.session, lang), lang)
