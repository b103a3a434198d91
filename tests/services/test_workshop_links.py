"""The use cases around registered names (issue 14 item 4): a personal link opened on the vote page
claims its name, so the same name typed in with the code afterwards is refused; the facilitator's
reissue brings it back."""
from __future__ import annotations

import pytest

from core.errors import InputError, PermissionDenied
from core.settings import load_settings
from services import workshop
from services.workshop import model_by_id, start_round
from usecases import assessment
from usecases.session import local_session


def test_a_link_opened_claims_its_name_and_a_reissue_frees_it(engine, client):
    rnd = start_round(engine, client.id, "crm_default", "Runde 1", ["Anna Test", "Ben Test"])
    anna, ben = assessment.round_state(local_session(engine, load_settings(), client), rnd.id).participants
    assert anna.claimed_at is None and ben.claimed_at is None
    voter = assessment.participant(engine, load_settings(), anna.token)
    assert voter.principal.participant_id == anna.id
    with pytest.raises(InputError, match="schon vergeben"):
        assessment.join(engine, rnd.join_code, "Anna Test")
    assert assessment.join(engine, rnd.join_code, "ben test").id == ben.id  # Ben had not opened his link

    fresh = assessment.reissue_link(local_session(engine, load_settings(), client), rnd.id, anna.id)
    assert assessment.participant(engine, load_settings(), anna.token) is None
    with pytest.raises(PermissionDenied, match="issued again"):  # the open page stops at its next refresh
        assessment.ballot(voter, anna.token)
    with pytest.raises(PermissionDenied):
        assessment.cast_vote(voter, model_by_id("crm_default"), rnd.current_question_id, 3, token=anna.token)
    assert fresh.claimed_at is None
    assert assessment.join(engine, rnd.join_code, "Anna Test").id == anna.id


def test_anonymous_is_a_round_option_and_the_results_show_no_names(engine, client):
    session = local_session(engine, load_settings(), client)
    rnd = assessment.start_round(session, "crm_default", "Anonym", ["Anna", "Ben"], anonymous=True)
    assert rnd.anonymous
    anna, ben = assessment.round_state(session, rnd.id).participants
    model = model_by_id("crm_default")
    for person, value in ((ben, 4), (anna, 2)):
        workshop.vote(engine, person, model, rnd.current_question_id, value)
    shown = assessment.votes(session, rnd.id).set_index("participant")["value"].to_dict()
    assert shown == {"#1": 2.0, "#2": 4.0}  # Anna registered first: #1, whatever the vote order
    assessment.set_anonymous(session, rnd.id, False)
    assert not assessment.round_state(session, rnd.id).round.anonymous
    assert set(assessment.votes(session, rnd.id)["participant"]) == {"Anna", "Ben"}
