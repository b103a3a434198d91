"""Number, currency, percent and date formats per locale through Babel (issue 14.9): de-DE and
en read exactly as the hand-written formats did, de-CH groups with ' and writes 11.7%, de-AT puts
the euro sign first; COCKPIT_LOCALE chooses, the settings page may switch it for the process."""
from __future__ import annotations

import math
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import formatting as f
from core.errors import ConfigError
from core.settings import load_settings


@pytest.fixture(autouse=True)
def _setting_again():
    f.use_locale(None)
    yield
    f.use_locale(None)


def _old_group(value: float, decimals: int, lang: str) -> str:  # the formats before Babel
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".") if lang == "de" else text


def _old(kind: str, value: float, lang: str, decimals: int) -> str:
    text = _old_group(value * 100 if kind == "percent" else value, decimals, lang)
    if kind == "percent":
        return f"{text} %" if lang == "de" else f"{text}%"
    if kind == "currency":
        return f"{text} €" if lang == "de" else f"€{text}"
    return text


@given(value=st.floats(-1e12, 1e12, allow_nan=False), decimals=st.integers(0, 3), lang=st.sampled_from(["de", "en"]),
       kind=st.sampled_from(["number", "percent", "currency"]))
def test_de_de_and_en_read_as_before(value, decimals, lang, kind):
    f.use_locale(None)
    new = {"number": f.number, "percent": f.percent, "currency": f.currency}[kind](value, lang, decimals)
    assert new == _old(kind, value, lang, decimals)


def test_the_german_variants_have_their_own_signs():
    f.use_locale("de-CH")
    assert (f.number(1234567.5, "de", 1), f.percent(0.117, "de"), f.currency(1234.5, "de")) == \
        ("1'234'567.5", "11.7%", "€ 1'234.50")
    assert f.d3_locale("de") == {"separators": ".'"}
    assert f.day(date(2024, 2, 1), "de") == "01.02.2024"
    assert f.number(1234567.5, "en", 1) == "1,234,567.5"  # an English page stays English
    f.use_locale("de-AT")
    assert (f.number(1234.5, "de", 1), f.currency(1234.5, "de")) == ("1.234,5", "€ 1.234,50")
    f.use_locale("de-DE")
    assert (f.day(datetime(2024, 2, 1, 13, 45), "de"), f.day(date(2024, 2, 1), "en")) == ("01.02.2024", "2024-02-01")
    assert f.by_unit(0.117, "ratio", "de") == "11,7 %" and f.by_unit(math.nan, "count", "de") == "–"


def test_cockpit_locale_chooses_and_a_wrong_one_is_a_clear_german_error(monkeypatch):
    monkeypatch.setenv("COCKPIT_LOCALE", "de_ch")
    assert load_settings().locale == "de-CH" and f.current_locale() == "de-CH"
    assert f.number(1234.5, "de", 1) == "1'234.5"
    monkeypatch.setenv("COCKPIT_LOCALE", "fr-FR")
    with pytest.raises(ConfigError) as wrong:
        load_settings()
    assert wrong.value.text("de") == "COCKPIT_LOCALE=fr-FR ist keines der Formate de-DE, de-AT, de-CH, en."
    with pytest.raises(ValueError):
        f.use_locale("fr-FR")
