"""usecases.alerts on an imported dataset (issue 11.1, must-show 1): one channel's response
collapses in the last month; the feed names the KPI, the channel and the sentence in the user's
language, is kept per dataset version, and an acknowledgement shows in it at once (SQLite, PostgreSQL)."""
from __future__ import annotations

import pytest

from core.errors import PermissionDenied
from core.settings import load_settings
from storage.users import create_user
from tests.analytics.synthetic import response_drop, write_canonical
from usecases import alerts, datasets
from usecases.alerts import _ALERTS
from usecases.session import Session, local_session


@pytest.fixture
def setup(engine, client, tmp_path, monkeypatch):
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path))
    settings = load_settings()
    session = local_session(engine, settings, client)
    write_canonical(response_drop("email"), tmp_path / "export")
    info, _ = datasets.import_file(session, tmp_path / "export")
    assert info is not None
    return session, settings


def _breaks(feed):
    """The trend breaks per channel (the e-mail drop pulls both segments down too: those may break as well)."""
    return [(i.kpi, i.period, i.dimension, i.member) for i in feed.items
            if i.kind == "trend_break" and i.dimension == "channel"]


def test_the_feed_names_the_broken_channel_in_words(setup):
    session, _ = setup
    feed = alerts.view_alerts(session, "de")
    assert feed.period == "2025-12" and feed.dataset_version == 1
    assert _breaks(feed) == [("campaign_response_rate", "2025-12", "channel", "email")]
    email = next(i for i in feed.items if i.member == "email")
    assert email.kpi_name == "Kampagnen-Responsequote" and email.slice_name == "Kanal E-Mail"
    assert email.value < email.lower < email.expected < email.upper
    assert email.sentence.startswith("Kampagnen-Responsequote (Kanal E-Mail) liegt 2025-12 bei ")
    assert "%" in email.sentence and "außerhalb des üblichen Bereichs" in email.sentence
    english = alerts.view_alerts(session, "en")
    assert next(i for i in english.items if i.member == "email").sentence.startswith(
        "Campaign response rate (Channel E-mail) is ")
    assert not [i for i in feed.items if i.member in ("phone", "letter")]


def test_alerts_are_computed_once_per_dataset_version(setup):
    session, _ = setup
    alerts.view_alerts(session, "de")
    misses = _ALERTS.misses
    alerts.view_alerts(session, "en")
    assert _ALERTS.misses == misses


def test_an_earlier_month_has_no_break_and_a_quarter_checks_its_last_month(setup):
    session, _ = setup
    assert _breaks(alerts.view_alerts(session, "de", period="2025-11")) == []
    assert _breaks(alerts.view_alerts(session, "de", period="2025-Q4")) == [
        ("campaign_response_rate", "2025-12", "channel", "email")]


def test_an_acknowledged_alert_stays_in_the_feed_marked(setup):
    session, _ = setup
    feed = alerts.view_alerts(session, "de")
    email = next(i for i in feed.items if i.member == "email")
    assert email.acknowledged is None and feed.open == len(feed.items)
    alerts.acknowledge(session, email.key, "Versandserver ausgefallen, behoben")
    again = alerts.view_alerts(session, "de")
    marked = next(i for i in again.items if i.key == email.key)
    assert marked.acknowledged.note == "Versandserver ausgefallen, behoben"
    assert marked.acknowledged.dataset_version == 1
    assert again.open == len(again.items) - 1


def test_a_manager_sees_alerts_but_may_not_acknowledge(setup, engine, client):
    _, settings = setup
    user = create_user(engine, "mgr", "manager", "a long enough passphrase 42", clients=[client.id])
    manager = Session(engine, settings, user.principal(), client, team_mode=True)
    feed = alerts.view_alerts(manager, "de")
    assert feed.items and not feed.may_acknowledge
    with pytest.raises(PermissionDenied):
        alerts.acknowledge(manager, feed.items[0].key, "")


def test_only_an_alert_of_the_feed_can_be_acknowledged(setup):
    from core.errors import InputError

    session, _ = setup
    with pytest.raises(InputError) as caught:
        alerts.acknowledge(session, "revenue|2019-01|red|", "")
    assert caught.value.key == "alerts.unknown"


def test_a_period_without_data_is_an_empty_feed_not_an_error(setup):
    session, _ = setup
    feed = alerts.view_alerts(session, "de", period="2019-03")
    assert (feed.period, feed.items) == (None, ())
