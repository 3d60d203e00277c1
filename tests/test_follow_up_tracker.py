"""Reaching the follow-up (issue 17): a PSFS survey's page counts the codes given, the
follow-ups answered, and those still to come (not yet due, due this week, overdue), with the
share followed up against the unit's target. Counts only, of released responses, each 1 to
4 read as «fewer than 5», so the tracker tells no more than the rest of the page."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest

import database
from questionnaires.item_types import AnswerValue
from reporting.follow_up_tracker import tracker_of, weeks_of
from surveys.follow_up_queries import baseline_code
from surveys.models import Survey
from surveys.operations import FollowUpPlan, submit_follow_up, submit_response
from tests.conftest import csrf_of, log_in

pytestmark = pytest.mark.both_backends  # the counts are read in SQL
TODAY = dt.date(2026, 12, 2)  # a Wednesday: its week runs 30 November – 6 December


def baseline(app, survey_id: int, due: dt.date) -> str:
    key = secrets.token_urlsafe(18)
    with app.app_context():
        db = database.session()
        submit_response(db, db.get(Survey, survey_id), None, key, "nb",
                        [AnswerValue("activities.activity", 0, None, "Gå tur"),
                         AnswerValue("activities.score", 0, 3.0, None)],
                        due - dt.timedelta(weeks=4), follow_up=FollowUpPlan(app.secret_key, due))
    return key


def follow_up(app, survey_id: int, key: str) -> None:
    with app.app_context():
        db = database.session()
        _code, row = baseline_code(db, app.secret_key, survey_id, key)
        submit_follow_up(db, db.get(Survey, survey_id), row, secrets.token_urlsafe(18), "nb",
                         [AnswerValue("activities.score", 0, 7.0, None)], TODAY)


def tracked(app, survey_id: int):
    with app.test_request_context():
        db = database.session()
        return tracker_of(db, db.get(Survey, survey_id), TODAY)


def test_the_counts_split_the_codes_given(app, make_survey):
    survey = make_survey("psfs")
    overdue = [baseline(app, survey.id, dt.date(2026, 11, 20)) for _ in range(10)]
    for _ in range(5):
        baseline(app, survey.id, dt.date(2026, 12, 4))  # due this week
    for _ in range(5):
        baseline(app, survey.id, dt.date(2026, 12, 20))  # not yet due
    for key in overdue[:5]:
        follow_up(app, survey.id, key)
    counts = tracked(app, survey.id)
    assert (counts.given, counts.answered, counts.overdue, counts.due_this_week,
            counts.not_due) == (20, 5, 5, 5, 5)
    assert counts.share == 0.25


def test_small_counts_are_not_shown_and_cannot_be_subtracted(app, make_survey):
    survey = make_survey("psfs")
    keys = [baseline(app, survey.id, dt.date(2026, 11, 20)) for _ in range(8)]
    for _ in range(2):
        baseline(app, survey.id, dt.date(2026, 12, 20))
    for key in keys[:5]:
        follow_up(app, survey.id, key)
    counts = tracked(app, survey.id)  # 10 given, 5 answered, 3 overdue, 2 not yet due
    assert counts.shown("given") == 10 and counts.shown("answered") == 5
    assert counts.shown("overdue") is None and counts.shown("not_due") is None
    assert counts.shown("due_this_week") is None  # 0, but its neighbours would tell
    assert counts.shown("waiting") == 5 and counts.share == 0.5


def test_the_page_shows_the_tracker_and_the_target(app, client, make_survey, make_account):
    survey = make_survey("psfs")
    for _ in range(5):
        baseline(app, survey.id, dt.date(2026, 11, 20))
    make_account("enhet@kommune.no", units=(survey.unit_id,))
    client.set_cookie("lang", "en")
    log_in(client, "enhet@kommune.no")
    page = client.get(f"/admin/surveys/{survey.id}").text
    assert "Codes given" in page and "No target set" in page
    saved = client.post(f"/admin/surveys/{survey.id}/follow-up-settings", data={
        "csrf_token": csrf_of(page), "follow_up_weeks": "4", "follow_up_earliest_days": "14",
        "follow_up_target": "80"})
    assert saved.status_code == 303
    page = client.get(f"/admin/surveys/{survey.id}").text
    assert "target 80" in page
    refused = client.post(f"/admin/surveys/{survey.id}/follow-up-settings", data={
        "csrf_token": csrf_of(page), "follow_up_weeks": "4", "follow_up_earliest_days": "14",
        "follow_up_target": "120"})
    assert refused.status_code == 422 and "Write a whole number from 0 to 100." in refused.text


def test_week_by_week_counts_stand_as_at_the_end_of_each_week(app, make_survey):
    survey = make_survey("psfs")
    first = [baseline(app, survey.id, dt.date(2026, 11, 20)) for _ in range(5)]  # 23 Oct
    for _ in range(5):
        baseline(app, survey.id, dt.date(2026, 12, 4))  # given 6 November
    for key in first:
        follow_up(app, survey.id, key)  # answered 2 December
    with app.test_request_context():
        db = database.session()
        weeks = weeks_of(db, db.get(Survey, survey.id), TODAY)
    assert [w.monday for w in weeks][0] == dt.date(2026, 10, 19)
    assert weeks[-1].monday == dt.date(2026, 11, 30) and len(weeks) == 7
    assert [(w.given, w.answered) for w in weeks] == [
        (5, 0), (5, 0), (10, 0), (10, 0), (10, 0), (10, 0), (10, 5)]
    assert weeks[0].share == 0 and weeks[-1].share == 0.5


def test_the_page_shows_the_weeks(app, client, make_survey, make_account):
    survey = make_survey("psfs")
    for _ in range(5):
        baseline(app, survey.id, dt.date(2026, 11, 20))
    make_account("enhet@kommune.no", units=(survey.unit_id,))
    log_in(client, "enhet@kommune.no")
    page = client.get(f"/admin/surveys/{survey.id}").text
    assert "Uke for uke" in page and 'data-week="2026-10-19"' in page
    assert "Uke 43 (fra 19. okt.)" in page


def test_the_unit_page_shows_each_psfs_surveys_tracker(app, client, make_survey, make_account):
    survey = make_survey("psfs")
    keys = [baseline(app, survey.id, dt.date(2026, 11, 20)) for _ in range(10)]
    for key in keys[:5]:
        follow_up(app, survey.id, key)
    make_account("enhet@kommune.no", units=(survey.unit_id,))
    log_in(client, "enhet@kommune.no")
    page = client.get(f"/admin/units/{survey.unit_id}").text
    assert f'id="follow-up-tracker-{survey.id}"' in page
    assert 'data-count="given">10<' in page and "50\N{NO-BREAK SPACE}%" in page
