"""Tidying the survey list (issue 17): archive a survey out of the list and back, delete one
with everything stored for it once its title is typed (the audit entry stays)."""

from __future__ import annotations

import sqlalchemy as sa

import database
from surveys.account_models import AuditEntry
from surveys.models import Answer, Response, SingleUseLink, Survey
from surveys.operations import issue_single_use_links
from tests import test_admin_surveys
from tests.conftest import csrf_of, respond
from tests.test_admin_surveys import PSFS_OK, surveys_in, text_of
from tests.test_next_period import post_next

lead = test_admin_surveys.lead  # the fixture: a unit lead signed in, with a survey of her unit
TITLE = "Brukerundersøkelse hjemmesykepleien"


def count(app, model, *where) -> int:
    with app.app_context():
        return database.session().scalar(
            sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def test_a_survey_is_deleted_with_its_data_once_its_title_is_typed(app, client, lead):
    for _ in range(6):  # five released, one waiting
        assert respond(client, lead.public_token, PSFS_OK).status_code == 303
    with app.app_context():
        issue_single_use_links(database.session(), database.session().get(Survey, lead.id), 2)
    url = f"/admin/surveys/{lead.id}/delete"
    page = text_of(client.get(url))
    assert "Responses: 5" in page and "1 response is waiting until there are at least 5" in page
    wrong = client.post(url, data={"csrf_token": csrf_of(page), "title": "Brukerundersøkelse"})
    assert wrong.status_code == 422
    assert "Type the survey's title exactly as it is written" in text_of(wrong)
    assert count(app, Survey, Survey.id == lead.id) == 1 and count(app, Response) == 6
    done = client.post(url, data={"csrf_token": csrf_of(page), "title": f" {TITLE} "})
    assert done.status_code == 303 and done.headers["Location"].endswith("/admin/surveys")
    assert f"The survey «{TITLE}» is deleted." in text_of(client.get("/admin/surveys"))
    for model in (Survey, Response, Answer, SingleUseLink):
        assert count(app, model) == 0, model
    with app.app_context():
        entry = database.session().scalars(sa.select(AuditEntry).where(
            AuditEntry.action == "survey.delete")).one()
    assert TITLE in entry.target and "6 responses" in entry.target


def test_the_later_period_stays_when_the_earlier_is_deleted(app, client, lead):
    assert post_next(client, lead.id).status_code == 303
    later = surveys_in(app)[-1]
    page = text_of(client.get(f"/admin/surveys/{lead.id}/delete"))
    assert client.post(f"/admin/surveys/{lead.id}/delete", data={
        "csrf_token": csrf_of(page), "title": TITLE}).status_code == 303
    assert [(s.id, s.previous_id) for s in surveys_in(app)] == [(later.id, None)]


def test_an_archived_survey_leaves_the_list_until_asked_for(app, client, lead):
    page = text_of(client.get(f"/admin/surveys/{lead.id}"))
    archived = client.post(f"/admin/surveys/{lead.id}/archive",
                           data={"csrf_token": csrf_of(page)})
    assert archived.status_code == 303
    listed = text_of(client.get("/admin/surveys"))
    assert TITLE not in listed and "Show archived surveys (1)" in listed
    shown = text_of(client.get("/admin/surveys?archived=1"))
    assert TITLE in shown and "Archived" in shown
    page = text_of(client.get(f"/admin/surveys/{lead.id}"))
    assert "This survey is archived" in page
    assert client.post(f"/admin/surveys/{lead.id}/unarchive",
                       data={"csrf_token": csrf_of(page)}).status_code == 303
    assert TITLE in text_of(client.get("/admin/surveys"))
    with app.app_context():
        actions = database.session().scalars(sa.select(AuditEntry.action)).all()
    assert actions == ["survey.archive", "survey.unarchive"]


def test_the_list_is_filtered_as_the_address_asks(app, client, lead, make_survey):
    assert post_next(client, lead.id).status_code == 303  # a follow-up of the same unit
    later = surveys_in(app)[-1]

    def titles(query: str) -> list[str]:
        response = client.get(f"/admin/surveys?{query}")
        assert response.status_code == 200, (query, response.status_code)
        return [s.title for s in surveys_in(app) if f'/admin/surveys/{s.id}"' in text_of(
            response)]

    both = sorted([TITLE, later.title])
    assert sorted(titles("")) == both
    assert titles("phase=follow_up") == [later.title]
    assert titles("phase=baseline") == [TITLE]
    assert titles("q=OPPFØLGING") == [later.title]  # any case
    assert titles("year=2026") == [later.title]  # the other has no dates
    assert sorted(titles(f"unit={lead.unit_id}&questionnaire=psfs")) == both
    assert titles("status=open") == [TITLE]
    assert titles("status=closed") == [later.title]  # September 2026 is over
    assert titles("status=draft") == []
    assert "1 of 2 surveys match." in text_of(client.get("/admin/surveys?phase=baseline"))
    for query, reason in (("unit=99999", "Choose one of the options shown."),
                          ("status=gone", "Choose one of the options shown."),
                          ("year=1999", "Choose one of the options shown."),
                          ("q=" + "x" * 101, "Write at most 100 characters.")):
        refused = client.get(f"/admin/surveys?{query}")
        assert refused.status_code == 400 and reason in text_of(refused), query
