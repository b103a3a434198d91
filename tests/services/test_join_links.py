"""The join address (issue 14 item 5): COCKPIT_PUBLIC_URL wins over the browser's address, a
loopback address is flagged, the QR code encodes the link, the printable sheet has one slip per
person."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from core.errors import ConfigError
from core.settings import load_settings
from ui.join_links import claim_text, join_base, link_sheet, qr_image, unreachable, vote_link


@pytest.mark.parametrize("public, browser, expected", [
    ("", "http://127.0.0.1:8501/workshop?view=present", "http://127.0.0.1:8501"),
    ("http://192.168.1.20:8501/", "http://127.0.0.1:8501/workshop", "http://192.168.1.20:8501"),
    ("https://cockpit.example.com/crm", "http://localhost:8501/workshop", "https://cockpit.example.com/crm"),
    ("", "", ""),
])
def test_the_public_url_wins_over_the_browsers_address(public, browser, expected):
    assert join_base(public, browser) == expected


@pytest.mark.parametrize("base, flagged", [
    ("http://127.0.0.1:8501", True), ("http://localhost:8501", True), ("http://[::1]:8501", True),
    ("http://0.0.0.0:8501", True), ("", True), ("http://app.localhost", True),
    ("http://192.168.1.20:8501", False), ("https://cockpit.example.com", False), ("http://10.0.0.5", False),
])
def test_loopback_addresses_are_flagged(base, flagged):
    assert unreachable(base) is flagged


def test_the_setting_is_read_and_checked(monkeypatch):
    monkeypatch.setenv("COCKPIT_PUBLIC_URL", "http://192.168.1.20:8501/")
    assert load_settings().public_url == "http://192.168.1.20:8501"
    monkeypatch.setenv("COCKPIT_PUBLIC_URL", "192.168.1.20:8501")
    with pytest.raises(ConfigError, match="COCKPIT_PUBLIC_URL"):
        load_settings()
    monkeypatch.delenv("COCKPIT_PUBLIC_URL")
    assert load_settings().public_url == ""


def test_the_qr_code_encodes_the_link():
    segno = pytest.importorskip("segno")
    link = vote_link("http://192.168.1.20:8501", "de", code="ABC234")
    assert link == "http://192.168.1.20:8501/vote?code=ABC234&lang=de"
    image = qr_image(link, "join")
    assert image.startswith('<img src="data:image/svg+xml') and 'alt="join"' in image
    assert segno.make(link, error="m").svg_data_uri(scale=4, dark="#1f2a37", light="#ffffff") in image


def test_the_sheet_has_one_slip_per_person_with_its_state():
    at = datetime(2026, 12, 4, 9, 5, tzinfo=timezone.utc)
    sheet = link_sheet("Workshop <2025>", [("Anna", "http://h/vote?p=aaa&lang=de", at),
                                           ("Ben & Co", "http://h/vote?p=bbb&lang=de", None)], "de")
    assert sheet.count('class="slip"') == 2 and sheet.count("<img") == 2
    assert "Workshop &lt;2025&gt;" in sheet and "Ben &amp; Co" in sheet  # escaped, not markup
    assert "angemeldet um 09:05 UTC" in sheet and "noch nicht angemeldet" in sheet
    assert claim_text(None, "en") == "not joined yet"
