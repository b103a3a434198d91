"""No lost update on scorecard targets (issue 16 item 7): the editor carries the version the user
started from. Before, the click re-read the version, so a save after someone else's save said
"Version 2" while the database kept the other value; now it is refused and nothing is written."""
from __future__ import annotations

from services.scorecard_editing import editor_frame
from storage.scorecards import delete_setting, get_setting
from tests.ui.apptest import open_page
from tests.ui.views_support import demo
from usecases import scorecard
from usecases.session import local_session


def test_a_save_after_someone_elses_save_is_refused_and_theirs_is_kept(demo_env):
    settings, engine, client = demo()
    ben = open_page("scorecard_page.py", lang="de")  # Ben opens the editor: it starts from the shipped card
    assert ben.session_state[f"editor_base_{client.id}_crm_default"] is None
    anna = local_session(engine, settings, client)
    loaded = scorecard.load_card(anna)
    frame = editor_frame(loaded.card)
    frame.loc[0, "target"] = frame.loc[0, "target"] * 2
    try:
        assert scorecard.save_targets(anna, loaded, frame, loaded.version) == 1  # Anna saves first
        anna_content = get_setting(engine, client.id, "crm_default").content
        ben.button(key="editor_save").click().run()
        assert [e.value for e in ben.error] and "Jemand anderes" in ben.error[0].value
        now = get_setting(engine, client.id, "crm_default")
        assert now.version == 1 and now.content == anna_content  # Ben's save did not land
        assert not any("Version 2" in s.value for s in ben.success)
        ben.button(key="editor_save").click().run()  # the table now starts from Anna's version
        assert get_setting(engine, client.id, "crm_default").version == 2 and not ben.error
    finally:
        current = get_setting(engine, client.id, "crm_default")
        if current is not None:
            delete_setting(engine, client.id, "crm_default", current.version, "test")
