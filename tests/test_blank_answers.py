"""What may be left blank (issue 16, item 3).

A paper form records what is on the paper: in paper entry every item may be blank, whatever
the definition says about answering online, and a started PSFS row is stored as far as it
was written. A form with nothing on it at all is not a response and is refused. Online,
`required` stays a per-item choice of the definition: the gathering evaluation lets a
respondent skip any question, as the network's Questback did, and a skipped item is left out
of that item's n only, never the whole response.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

import database
from questionnaires.loader import builtin_definitions
from questionnaires.schema import GroupItem
from surveys.models import Answer, AnswerTally, Response
from surveys.tallies import NUMBER, RESPONSES, SURVEY
from tests.conftest import csrf_of, log_in, release_waiting, respond, response_count


def text_of(response) -> str:
    return response.get_data(as_text=True)


def stored_items(app, survey_id: int) -> list[set[str]]:
    """The items answered in each stored response of a survey."""
    with app.app_context():
        db = database.session()
        found: dict = {}
        for response_id, item in db.execute(
                sa.select(Response.id, Answer.item).join(Answer, Answer.response_id == Response.id)
                .where(Response.survey_id == survey_id)):
            found.setdefault(response_id, set()).add(item)
        empty = db.scalars(sa.select(Response.id).where(Response.survey_id == survey_id))
        return [found.get(response_id, set()) for response_id in empty]


def paper_post(client, survey_id: int, answers: dict):
    page = client.get(f"/admin/surveys/{survey_id}/paper-entry")
    assert page.status_code == 200
    html = text_of(page)
    key = re.search(r'name="submission_key" value="([^"]+)"', html).group(1)
    data = {"csrf_token": csrf_of(html), "submission_key": key, "nav": "submit",
            "paper-language": "nb", **answers}
    return client.post(f"/admin/surveys/{survey_id}/paper-entry", data=data)


@pytest.fixture
def entering(client, make_survey, make_account):
    """A logged-in unit lead; returns a function making a survey of her unit."""
    def make(slug: str):
        survey = make_survey(slug)
        make_account(f"leder-{survey.id}@kommune.no", units=(survey.unit_id,))
        client.set_cookie("lang", "en")
        assert log_in(client, f"leder-{survey.id}@kommune.no").status_code == 303
        return survey
    return make


def test_the_user_survey_has_required_items_online_but_not_on_paper(app, client, entering):
    survey = entering("brukerundersokelse")
    definition = builtin_definitions()["brukerundersokelse"]
    assert definition.item("resultat_hverdag").required  # online, the definition decides
    posted = respond(client, survey.public_token, {"resultat_hverdag": "6"})
    assert posted.status_code == 303  # to the page's address, which shows its errors
    online = client.get(posted.headers["Location"])
    assert online.status_code == 422 and "Answer this question." in text_of(online)
    saved = paper_post(client, survey.id, {"resultat_hverdag": "6"})
    assert saved.status_code == 303
    assert stored_items(app, survey.id) == [{"resultat_hverdag"}]


def test_a_paper_psfs_row_is_stored_as_far_as_it_was_written(app, client, entering):
    survey = entering("psfs")
    group = builtin_definitions()["psfs"].item("activities")
    assert isinstance(group, GroupItem) and group.min_repeat == 1
    saved = paper_post(client, survey.id, {"activities-0-activity": "Gå til butikken",
                                           "activities-1-score": "4"})
    assert saved.status_code == 303
    assert stored_items(app, survey.id) == [{"activities.activity", "activities.score"}]
    # the follow-up form names the activity that was written, without a baseline score
    with app.app_context():
        rows = database.session().execute(
            sa.select(Answer.item, Answer.position, Answer.value_text, Answer.value_num)
            .order_by(Answer.item)).all()
    assert [tuple(r) for r in rows] == [("activities.activity", 0, "Gå til butikken", None),
                                        ("activities.score", 1, None, 4.0)]


def test_a_wholly_blank_paper_form_is_refused_with_a_message(app, client, entering):
    survey = entering("brukerundersokelse")
    refused = paper_post(client, survey.id, {})
    assert refused.status_code == 422
    assert "Nothing was typed in" in text_of(refused)
    assert response_count(app, survey.id) == 0


def test_paper_entry_marks_no_question_as_optional(client, entering):
    survey = entering("samling")
    html = text_of(client.get(f"/admin/surveys/{survey.id}/paper-entry"))
    assert 'class="optional"' not in html
    assert "Leave a question empty if it was not answered on paper." in html


def test_every_question_of_the_gathering_evaluation_may_be_skipped():
    definition = builtin_definitions()["samling"]
    assert [item.id for item in definition.items() if item.required] == []


def test_a_skipped_item_leaves_the_items_n_not_the_response(app, client, make_survey):
    survey = make_survey("samling")
    assert respond(client, survey.public_token, {"balanse": "2"}).status_code == 303
    assert respond(client, survey.public_token, {"nytte_totalt": "1"}).status_code == 303
    assert respond(client, survey.public_token, {}).status_code == 303
    release_waiting(app, survey.id)  # three responses: released here in batches of one
    with app.app_context():
        tallies = {(t.item, t.kind, t.value): t.count for t in database.session().scalars(
            sa.select(AnswerTally).where(AnswerTally.survey_id == survey.id))}
    assert tallies[(SURVEY, RESPONSES, "")] == 3
    numbers = {(item, float(value)): count for (item, kind, value), count in tallies.items()
               if kind == NUMBER}
    assert numbers == {("balanse", 2.0): 1, ("nytte_totalt", 1.0): 1}
