"""Monitoring alerts on generated campaign contacts: one channel's response collapses in the last month."""
import numpy as np
import pandas as pd

from analytics.monitoring import Rules, alerts
from tests.analytics.synthetic import one_kpi_card
from scorecards.loader import parse_scorecard

CARD = one_kpi_card("month", green="0.3", amber="%s")


def contacts(drop_channel: str | None, months: int = 12, per_month: int = 400, seed: int = 7) -> dict:
    """Steady 20 % response per channel; ``drop_channel`` answers 3 % in the last month."""
    rng = np.random.default_rng(seed)
    rows = []
    for m in range(months):
        day = pd.Timestamp("2025-01-01") + pd.DateOffset(months=m)
        for channel in ("email", "phone", "letter"):
            rate = 0.03 if channel == drop_channel and m == months - 1 else 0.2
            hits = rng.random(per_month) < rate
            rows.append(pd.DataFrame({"channel": channel, "responded": hits, "contacted_at": day}))
    frame = pd.concat(rows, ignore_index=True)
    frame["channel"] = frame["channel"].astype("string")
    frame["responded"] = frame["responded"].astype("boolean")
    frame["contacted_at"] = frame["contacted_at"].astype("datetime64[us]")
    return {"campaign_contacts": frame}


def test_a_sharp_drop_in_one_channel_is_a_trend_break_there_only():
    card = parse_scorecard(CARD % 0.1)
    found = alerts(contacts("email"), card, Rules(slices=("channel",)))
    breaks = [a for a in found if a.kind == "trend_break"]
    assert [(a.kpi, a.period, a.slice) for a in breaks if a.slice] == [
        ("campaign_response_rate", "2025-12", {"channel": "email"})]
    email = next(a for a in breaks if a.slice)
    assert email.value < email.lower < email.expected < email.upper
    assert abs(email.expected - 0.2) < 0.03
    assert "email" in email.sentence("de") and "outside" in email.sentence("en")


def test_steady_data_raises_no_trend_break():
    card = parse_scorecard(CARD % 0.1)
    assert [a for a in alerts(contacts(None), card, Rules(slices=("channel",))) if a.kind == "trend_break"] == []


def test_too_short_history_raises_no_trend_break():
    card = parse_scorecard(CARD % 0.1)
    found = alerts(contacts("email", months=4), card, Rules(slices=("channel",), min_history=6))
    assert [a for a in found if a.kind == "trend_break"] == []


def test_red_and_turned_red_follow_the_amber_limit_and_the_period_before():
    card = parse_scorecard(CARD % 0.25)        # 20 % response is below amber 25 %: red every month
    assert {a.kind for a in alerts(contacts(None), card, Rules(slices=()))} == {"red"}   # red before too
    card = parse_scorecard(CARD % 0.15)        # overall falls from 20 % to about 14 % in the last month
    last = alerts(contacts("email"), card, Rules(slices=()))
    assert [a.kind for a in last if a.kind != "trend_break"] == ["turned_red"]   # not also "red"
    before = alerts(contacts("email"), card, Rules(slices=()), period="2025-11")
    assert [a for a in before if a.kind in ("red", "turned_red")] == []


def test_a_dimension_the_data_does_not_carry_is_no_slice():
    """Contacts without a segment column: the segment 'slice' would be the overall series again."""
    card = parse_scorecard(CARD % 0.1)
    found = alerts(contacts("email"), card, Rules(slices=("channel", "segment")))
    assert not [a for a in found if "segment" in a.slice]
    assert [a.slice for a in found if a.kind == "trend_break" and a.slice] == [{"channel": "email"}]


def test_a_period_the_data_does_not_cover_is_refused_not_an_empty_feed():
    import pytest

    from core.errors import InputError

    card = parse_scorecard(CARD % 0.1)
    with pytest.raises(InputError) as caught:
        alerts(contacts("email"), card, Rules(slices=("channel",)), period="2019-01")
    assert caught.value.key == "period.no_data" and "2019-01" in str(caught.value)
