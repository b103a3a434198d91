"""Settings page: create a client, see it in the audit log; errors shown in place."""
from __future__ import annotations

from tests.ui.apptest import open_page


def test_create_client_and_see_audit_entry(empty_env):
    at = open_page("settings_page.py", lang="en")
    assert at.title[0].value == "Settings"
    at.text_input(key="settings_new_client").input("Nordlicht AG")
    at.button[0].click().run()
    assert not at.exception
    assert any("Nordlicht AG" in s.value for s in at.success)
    from core.settings import load_settings
    from storage.clients import list_clients
    from storage.db import connect

    assert [c.name for c in list_clients(connect(load_settings().database_url))] == ["Nordlicht AG"]
    at.run()  # the new client is the current one now: its audit log shows, in words (issue 14.8)
    log = at.dataframe[-1].value
    assert log.iloc[0][["Action", "Object", "By"]].tolist() == ["Client created", "Client", "Single user (local)"]


def test_empty_name_is_a_clear_error(empty_env):
    at = open_page("settings_page.py", lang="de")
    at.text_input(key="settings_new_client").input("   ")
    at.button[0].click().run()
    assert any("Ein Mandant braucht einen Namen." in e.value for e in at.error)  # German page, German error
    assert not any("needs a name" in e.value for e in at.error)


def test_the_number_format_is_chosen_on_the_settings_page(empty_env):
    from core import formatting

    try:
        at = open_page("settings_page.py", lang="de")
        box = at.selectbox(key="settings_locale")
        assert box.value == "de-DE" and "Deutsch (Schweiz): 1'234.5 · 11.7% · € 1'234.50" in box.options
        box.select("de-CH").run()
        assert not at.exception
        assert any("1'234'567.5 · 11.7%" in s.value for s in at.success)
        assert formatting.number(1234.5, "de", 1) == "1'234.5"  # every German page from now on
    finally:
        formatting.use_locale(None)
