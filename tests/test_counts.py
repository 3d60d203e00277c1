"""One count of responses everywhere: a PSFS survey's follow-ups are its baselines'
follow-ups, not more responses, on every page that counts a survey's responses.

Found: a survey's page and the survey lists said «Svar 60» (35 baselines + 25 follow-ups)
while its results said 35, because the lists counted rows and the results the tallies.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

import database
from surveys.demo import DEMO_PASSWORD, seed_demo
from surveys.models import Response, Survey
from tests.conftest import log_in


def _psfs_with_follow_ups(db) -> tuple[Survey, int, int]:
    """A demo PSFS survey with follow-ups; its baselines and its follow-ups."""
    for survey in db.scalars(sa.select(Survey).order_by(Survey.id)):
        if survey.questionnaire.slug != "psfs":
            continue
        counted = dict(db.execute(
            sa.select(Response.is_follow_up, sa.func.count()).where(
                Response.survey_id == survey.id).group_by(Response.is_follow_up)).all())
        if counted.get(True):
            return survey, counted.get(False, 0), counted[True]
    raise AssertionError("the demo has a PSFS survey with follow-ups")


def _listed_count(html: str, survey_id: int) -> int:
    """The «Responses» cell of the survey's row in a table of surveys."""
    row = re.search(rf'href="/admin/surveys/{survey_id}">.*?</tr>', html, re.S)
    assert row is not None, survey_id
    cell = re.findall(r'<td class="num">([^<]*)</td>', row.group(0))[-1]
    return int(re.sub(r"\D", "", cell))


def test_follow_ups_are_not_counted_as_responses_anywhere(app, client):
    with app.app_context():  # closed before the requests, which keep `g` of their own
        db = database.session()
        seed_demo(db)
        db.commit()
        survey, baselines, follow_ups = _psfs_with_follow_ups(db)
        unit_id = survey.unit_id
    assert baselines >= 5 and follow_ups > 0
    assert log_in(client, "admin@demo.no", DEMO_PASSWORD).status_code == 303

    for page in ("/admin/", "/admin/surveys", f"/admin/units/{unit_id}"):
        html = client.get(page).get_data(as_text=True)
        assert _listed_count(html, survey.id) == baselines, page
    delete_page = client.get(f"/admin/surveys/{survey.id}/responses/delete")
    assert f'data-count="{baselines}"' in delete_page.get_data(as_text=True)
