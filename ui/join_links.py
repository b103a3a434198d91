"""Addresses participants join with: the vote link, its QR code and the printable sheet of
personal links (pure: no Streamlit, tested with plain pytest).

The base address is the ``COCKPIT_PUBLIC_URL`` setting when set, else the address the
facilitator's browser uses. A base on 127.0.0.1 / localhost is flagged (``unreachable``): the
participants' phones cannot reach it, and the workshop views say so next to the QR code.
"""
from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from ipaddress import ip_address
from urllib.parse import urlencode, urlsplit

import segno

from core.i18n import t

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def vote_link(base: str, lang: str, **params: str) -> str:
    """The vote page's address with ``params`` and the language in the form the shell's bound
    language switch reads (``?lang=en``: the code, as app.py has no format_func)."""
    return f"{base}/vote?{urlencode({**params, 'lang': lang})}"


def join_base(public_url: str, browser_url: str) -> str:
    """``public_url`` (the setting) or the scheme and host of the page the facilitator has open."""
    if public_url:
        return public_url.rstrip("/")
    return "{0.scheme}://{0.netloc}".format(urlsplit(browser_url)) if browser_url.startswith("http") else ""


def unreachable(base: str) -> bool:
    """Is ``base`` an address only this machine reaches (loopback, or unknown)?"""
    host = (urlsplit(base).hostname or "").lower()
    if not host or host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def qr_image(url: str, alt: str) -> str:
    """The QR code as an ``<img>`` with an SVG data URI: Streamlit's HTML sanitiser drops inline
    ``<svg>``, an image passes."""
    uri = segno.make(url, error="m").svg_data_uri(scale=4, dark="#1f2a37", light="#ffffff")
    return f'<img src="{uri}" alt="{escape(alt)}" style="width:100%;height:auto;display:block">'


def link_sheet(round_name: str, people: list[tuple[str, str, datetime | None]], lang: str) -> str:
    """A printable HTML page: one slip per participant (name, QR code, personal link, whether the
    name was taken up yet), to cut out and hand over or to mail the links from. ``people``:
    (name, link, claimed_at)."""
    slips = "".join(
        f'<div class="slip"><div class="qr">{qr_image(link, name)}</div><div><h2>{escape(name)}</h2>'
        f'<p class="link">{escape(link)}</p><p class="state">{escape(claim_text(claimed, lang))}</p></div></div>'
        for name, link, claimed in people)
    title = escape(t("workshop.sheet_title", lang, name=round_name))
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title><style>'
            "body{font-family:sans-serif;margin:1.5cm;color:#1f2a37} h1{font-size:1.3rem}"
            ".slip{display:flex;gap:1rem;align-items:center;border-bottom:1px dashed #999;padding:.6cm 0;"
            "break-inside:avoid} .qr{width:3.2cm;flex:none} h2{margin:0 0 .3rem 0;font-size:1.15rem}"
            ".link{font-family:monospace;font-size:.8rem;word-break:break-all;margin:0} .state{color:#5f6b7a;"
            f"font-size:.8rem}}</style></head><body><h1>{title}</h1><p>{escape(t('workshop.sheet_intro', lang))}</p>"
            f"{slips}</body></html>")


def claim_text(claimed: datetime | None, lang: str) -> str:
    """"not joined yet" or "joined at 10:02 UTC": whether a registered name was taken up."""
    if claimed is None:
        return t("workshop.link_unclaimed", lang)
    at = claimed.astimezone(timezone.utc).strftime("%H:%M UTC")
    return t("workshop.link_claimed", lang, at=at)
