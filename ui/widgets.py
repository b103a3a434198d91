"""Small Streamlit helpers shared by the pages: one place for errors, empty states and figures."""
from __future__ import annotations

import streamlit as st

from auth import addresses
from core.errors import CockpitError, StorageError
from core.i18n import t
from usecases import datasets
from ui.auth_gate import page_allowed


def show_error(exc: CockpitError, lang: str) -> None:
    """The one place where errors reach the user: headline, every located problem, the hint."""
    if isinstance(exc, StorageError):
        st.error(t("error.storage", lang), icon=":material/cloud_off:")
        st.caption(exc.text(lang))
        return
    lines = [f"**{t('error.title', lang)}:** {exc.text(lang)}"]
    lines += [f"- `{p.where}`: {p.text(lang)}" + (f" ({h})" if (h := p.hint_text(lang)) else "")
              for p in exc.problems[:50]]
    if len(exc.problems) > 50:
        lines.append(f"- … (+{len(exc.problems) - 50})")
    if hint := exc.hint_text(lang):
        lines.append(f"*{t('error.hint', lang)}:* {hint}")
    st.error("\n".join(lines), icon=":material/error:")


def empty_state(message: str, page: str | None = None, label: str | None = None, icon: str = ":material/arrow_forward:") -> None:
    """Tell the user why the page is empty and link to the page that fills it."""
    st.info(message, icon=":material/info:")
    if page:
        page_link(page, label=label or page, icon=icon)


def page_link(page: str, label: str, icon: str | None = None, query_params: dict | None = None) -> None:
    """``st.page_link`` only to pages this session may open (in team mode a role sees fewer pages)."""
    if page_allowed(page):
        st.page_link(page, label=label, icon=icon, query_params=query_params)


def require_client(ctx):
    """The selected client, or the empty state that leads to creating one (and the page stops)."""
    if ctx.client is None:
        empty_state(t("shell.no_client", ctx.lang), "ui/pages/settings_page.py", t("nav.settings", ctx.lang))
        st.stop()
    return ctx.client


def require_dataset(ctx):
    """The client's current dataset version, or the empty state that leads to the import."""
    require_client(ctx)
    info = datasets.current_dataset(ctx.session)
    if info is None:
        empty_state(t("views.overview.no_data", ctx.lang), "ui/pages/import_page.py", t("nav.import", ctx.lang))
        st.stop()
    return info


def denied(action: str, lang: str) -> None:
    """Why a part of the page is not offered: the role lacks ``action`` (the use case would refuse)."""
    st.info(t("auth.denied_action", lang, action=t(f"auth.action.{action}", lang)), icon=":material/lock:")


def client_address(settings) -> str:
    """The browser's address for throttles (``auth.addresses.client_address``: X-Forwarded-For is
    believed only from a trusted proxy). Streamlit gives no peer for loopback: then "unknown"."""
    try:
        peer, forwarded = st.context.ip_address, st.context.headers.get("X-Forwarded-For")
    except Exception:  # noqa: BLE001 - AppTest and bare mode have no request
        peer, forwarded = None, None
    return addresses.client_address(peer if isinstance(peer, str) else None, forwarded, settings.trusted_proxies)
