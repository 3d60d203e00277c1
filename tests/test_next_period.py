"""«Ny periode» (issue 17): the survey of the next period is made from the earlier one in
one step (the same questionnaire, unit, layout, kind of links and follow-up settings, new
links) and linked to it, so the comparison of the two is one click."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import database
from surveys import org_operations
from surveys.account_models import Account
from surveys.models import LinkMode, SingleUseLink, Survey, Unit
from tests import test_admin_surveys
from tests.conftest import csrf_of
from tests.test_admin_surveys import add_gathering, surveys_in, text_of

lead = test_admin_surveys.lead  # the fixture: a unit lead signed in, with a survey of her unit

NEXT = {"title": "Brukerundersøkelse hjemmesykepleien, oppfølging", "period_label": "Høsten 2026",
        "phase": "follow_up", "opens_on": "2026-09-01", "closes_on": "2026-09-30",
        "invited": "35"}


def post_next(client, survey_id: int, **changes):
    page = client.get(f"/admin/surveys/{survey_id}/next-period")
    assert page.status_code == 200
    return client.post(f"/admin/surveys/{survey_id}/next-period",
                       data={"csrf_token": csrf_of(text_of(page)), **NEXT, **changes})


def test_the_next_period_copies_the_survey_and_links_the_two(app, client, lead):
    with app.app_context():  # settings the next period must keep
        db = database.session()
        db.get(Survey, lead.id).follow_up_weeks = 6
        db.commit()
    page = text_of(client.get(f"/admin/surveys/{lead.id}"))
    assert f'href="/admin/surveys/{lead.id}/next-period"' in page
    form = text_of(client.get(f"/admin/surveys/{lead.id}/next-period"))
    assert 'value="Brukerundersøkelse hjemmesykepleien"' in form
    assert '<input checked class="ds-input" id="phase-2" name="phase" type="radio" ' \
        'value="follow_up">' in form  # a next period is a follow-up, unless changed
    made = post_next(client, lead.id)
    assert made.status_code == 303
    new = surveys_in(app)[-1]
    assert made.headers["Location"].endswith(f"/admin/surveys/{new.id}")
    old = next(s for s in surveys_in(app) if s.id == lead.id)
    assert (new.questionnaire_version_id, new.unit_id, new.layout, new.link_mode,
            new.follow_up_weeks, new.follow_up_earliest_days) == (
        old.questionnaire_version_id, old.unit_id, old.layout, old.link_mode, 6,
        old.follow_up_earliest_days)
    assert (new.title, new.period_label, new.phase, new.invited, new.previous_id) == (
        NEXT["title"], "Høsten 2026", "follow_up", 35, lead.id)
    assert new.public_token != old.public_token
    shown = text_of(client.get(f"/admin/surveys/{new.id}"))
    assert f"/admin/surveys/{new.id}/compare?with={lead.id}" in shown
    assert "Compare with the period before, «Brukerundersøkelse hjemmesykepleien»" in shown
    earlier = text_of(client.get(f"/admin/surveys/{lead.id}"))
    assert f'href="/admin/surveys/{new.id}"' in earlier and NEXT["title"] in earlier
    compare = client.get(f"/admin/surveys/{new.id}/compare?with={lead.id}")
    assert compare.status_code == 200


def test_bad_input_makes_no_survey(app, client, lead):
    before = len(surveys_in(app))
    for changes, message in (({"title": ""}, "Fill this in."),
                             ({"closes_on": "2026-08-01"}, "The closing date must be on or"),
                             ({"invited": "-3"}, "Write a whole number from 0")):
        refused = post_next(client, lead.id, **changes)
        assert refused.status_code == 422 and message in text_of(refused), changes
    assert len(surveys_in(app)) == before


def test_single_use_links_are_issued_anew(app, client, lead, make_survey):
    with app.app_context():
        db = database.session()
        db.get(Survey, lead.id).link_mode = LinkMode.SINGLE_USE
        db.commit()
    refused = post_next(client, lead.id)  # how many links: required for single-use
    assert refused.status_code == 422
    assert "Write how many single-use links you need." in text_of(refused)
    made = post_next(client, lead.id, link_count="3")
    assert made.status_code == 303 and made.headers["Location"].endswith("/links/issued")
    new = surveys_in(app)[-1]
    with app.app_context():
        links = database.session().scalar(sa.select(sa.func.count()).select_from(
            SingleUseLink).where(SingleUseLink.survey_id == new.id))
    assert (new.link_mode, links) == (LinkMode.SINGLE_USE, 3)


def test_a_gatherings_survey_has_no_next_period(app, client, lead, make_survey):
    gathering = add_gathering(app, lead.unit_id)
    with app.app_context():
        db = database.session()
        survey = db.get(Survey, lead.id)
        survey.unit_id, survey.gathering_id = None, gathering
        db.commit()
    assert "/next-period" not in text_of(client.get(f"/admin/surveys/{lead.id}"))
    assert client.get(f"/admin/surveys/{lead.id}/next-period").status_code == 404


@pytest.mark.both_backends  # the key between the two, on each database
def test_deleting_the_unit_takes_both_periods(app, client, lead):
    assert post_next(client, lead.id).status_code == 303
    with app.app_context():
        db = database.session()
        account = db.scalars(sa.select(Account)).first()
        org_operations.delete(db, account, db.get(Unit, lead.unit_id))
        assert db.scalar(sa.select(sa.func.count()).select_from(Survey)) == 0
