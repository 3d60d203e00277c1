"""The change page of a PSFS survey on a fixed dataset: every number computed by hand, the
small-group rule at 4 and 5 pairs, free text for the unit's own leads only, the export."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
import sqlalchemy as sa

import database
from questionnaires.item_types import AnswerValue
from surveys import follow_up_codes
from surveys.account_models import AuditEntry
from surveys.follow_up_queries import baseline_code
from surveys.models import Response, Survey
from surveys.operations import FollowUpPlan, submit_follow_up, submit_response
from tests.conftest import csrf_of, leads, log_in, page_of, release_waiting

pytestmark = pytest.mark.both_backends  # figures aggregated in SQL

# (activities with baseline scores, follow-up scores or None). Users' means and changes:
#   1: (3+5)/2 = 4   → (6+8)/2 = 7     change 3
#   2: 2             → 4               change 2
#   3: 5             → 5               change 0
#   4: (4+6)/2 = 5   → (5+6)/2 = 5.5   change 0.5
#   5: 1             → 5               change 4
#   6: 7             → no follow-up
# Over the 5 pairs: baseline mean 17/5 = 3.4, follow-up mean 26.5/5 = 5.3, change 9.5/5 = 1.9.
# Deviations of the changes from 1.9: 1.1, 0.1, −1.9, −1.4, 2.1; squares sum to 11.2;
# sd = √(11.2/4) = 1.6733; se = 1.6733/√5 = 0.7483; t(0.975, 4) = 2.7764;
# CI = 1.9 ± 2.0777 = −0.18 … 3.98 → "−0.2 to 4.0". Improved by ≥ 2: users 1, 2, 5 → 3 of 5 (60%).
# Share with a follow-up: 5/6 = 83%.
USERS = [
    ([("Komme meg hjem", 3), ("Gå tur med hunden", 5)], [6, 8]),
    ([("Handle selv", 2)], [4]),
    ([("komme  meg HJEM", 5)], [5]),
    ([("Lage middag", 4), ("Komme meg hjem", 6)], [5, 6]),
    ([("Komme meg hjem", 1)], [5]),
    ([(" KOMME meg hjem ", 7)], None),
]


def store_user(app, survey_id: int, activities, follow_up, day=dt.date(2026, 2, 2),
               early: bool = False) -> None:
    with app.app_context():
        db = database.session()
        survey = db.get(Survey, survey_id)
        answers = [value for position, (text, score) in enumerate(activities)
                   for value in (AnswerValue("activities.activity", position, None, text),
                                 AnswerValue("activities.score", position, float(score), None))]
        key = secrets.token_urlsafe(18)
        plan = FollowUpPlan(app.secret_key, day + dt.timedelta(weeks=4))
        submit_response(db, survey, None, key, "nb", answers, day, follow_up=plan)
        if follow_up is None:
            return
        _code, row = baseline_code(db, app.secret_key, survey_id, key)
        scores = [AnswerValue("activities.score", position, float(score), None)
                  for position, score in enumerate(follow_up)]
        submit_follow_up(db, survey, row, secrets.token_urlsafe(18), "nb", scores,
                         day + dt.timedelta(days=3 if early else 30), early=early)


@pytest.fixture
def dataset(app, make_survey, make_account, keep_world):
    """The six users above in a survey of unit A; returns (survey, unit lead, network lead).

    Five baselines and then five follow-ups are released in batches as they come; the sixth
    baseline is released as well (the figures are computed by hand over all six)."""
    def build():
        survey = make_survey("psfs")
        for activities, follow_up in USERS:
            store_user(app, survey.id, activities, follow_up)
        release_waiting(app, survey.id)
        return survey.id, *leads(app, make_account, survey.id)

    survey_id, unit_lead, network_lead = keep_world("test_change_results.dataset", build)
    with app.app_context():
        survey = database.session().get(Survey, survey_id)
    return survey, unit_lead, network_lead


def test_hand_computed_figures(client, dataset):
    survey, unit_lead, _ = dataset
    html = page_of(client, unit_lead, f"/admin/surveys/{survey.id}/change")
    assert "<dt>Baselines</dt><dd>6</dd>" in html
    assert "<dt>Follow-ups</dt><dd>5</dd>" in html
    assert "<dt>Share with a follow-up</dt><dd>83%</dd>" in html
    assert "<dt>Mean score at baseline</dt><dd>3.4" in html
    assert "<dt>Mean score at follow-up</dt><dd>5.3" in html
    assert ("<dt>Mean change</dt><dd>+1.9 <span class=\"ci\">(95% CI \u22120.2 to 4.0)</span>"
            in html)
    assert "<dd>60% (3 of 5)</dd>" in html
    assert "Stratford et al. 1995" in html


def test_activities_counted_after_normalising_for_the_units_own_lead(client, dataset):
    survey, unit_lead, _ = dataset
    html = page_of(client, unit_lead, f"/admin/surveys/{survey.id}/change")
    # «Komme meg hjem» ×3, «komme  meg HJEM» and « KOMME meg hjem »: five users, so counted,
    # shown in the spelling most used; the rest (one user each) counted, never quoted.
    assert '<tr><th scope="row">Komme meg hjem</th><td class="num">5</td></tr>' in html
    for text in ("Gå tur med hunden", "Handle selv", "Lage middag"):
        assert text not in html
    assert "3 other activities, each named by fewer than 5 users" in html


def test_a_network_lead_sees_figures_but_not_the_users_words(client, dataset):
    survey, _, network_lead = dataset
    html = page_of(client, network_lead, f"/admin/surveys/{survey.id}/change")
    assert "<dt>Mean score at baseline</dt><dd>3.4" in html
    assert "Komme meg hjem" not in html and "Handle selv" not in html
    export = client.get(f"/admin/surveys/{survey.id}/pairs.csv").get_data(as_text=True)
    assert "activity;" not in export and "Komme meg hjem" not in export
    assert len(export.strip().splitlines()) == 1 + 7  # header + one row per paired activity


def test_the_export_has_random_pair_ids_never_codes(client, dataset, app):
    survey, unit_lead, _ = dataset
    client.set_cookie("lang", "en")
    log_in(client, unit_lead)
    response = client.get(f"/admin/surveys/{survey.id}/pairs.csv")
    text = response.get_data(as_text=True)
    lines = text.lstrip("\ufeff").strip().splitlines()
    assert lines[0] == ("pair_id;baseline_date;follow_up_date;activity_number;activity;"
                        "baseline_score;follow_up_score;early")
    assert "Komme meg hjem;3;6" in text and "other activity;5;8" in text
    assert "Gå tur med hunden" not in text and "Handle selv" not in text
    assert len({line.split(";")[0] for line in lines[1:]}) == 5
    with app.app_context():
        db = database.session()
        pair_ids = {pair.hex[:12] for pair in db.scalars(
            sa.select(Response.pair_id).where(Response.pair_id.is_not(None)))}
    assert {line.split(";")[0] for line in lines[1:]} <= pair_ids
    for line in lines[1:]:
        assert follow_up_codes.normalise(line.split(";")[0]) is None  # not a code


def test_four_pairs_show_nothing_paired_and_five_do(client, app, make_survey, make_account):
    survey = make_survey("psfs")
    for activities, follow_up in USERS[:4]:
        store_user(app, survey.id, activities, follow_up)
    unit_lead, _ = leads(app, make_account, survey.id)
    url = f"/admin/surveys/{survey.id}/change"
    html = page_of(client, unit_lead, url)
    assert "<dt>Follow-ups</dt><dd>fewer than 5</dd>" in html
    assert "<dt>Baselines</dt><dd>fewer than 5</dd>" in html
    assert "Mean score at baseline" not in html and "Mean change" not in html
    assert "Komme meg hjem" not in html  # activities wait for 5 baselines too
    export = client.get(f"/admin/surveys/{survey.id}/pairs.csv").get_data(as_text=True)
    assert len(export.strip().splitlines()) == 1
    chart = client.get(f"/admin/surveys/{survey.id}/change/chart?name=slope&fmt=svg")
    assert chart.status_code == 200 and "<svg" in chart.get_data(as_text=True)
    # The fifth pair makes every figure appear.
    store_user(app, survey.id, *USERS[4])
    html = client.get(url).get_data(as_text=True)
    assert "<dt>Follow-ups</dt><dd>5</dd>" in html and "Mean change" in html


def test_charts_render_as_svg_and_png_for_download(client, dataset):
    survey, unit_lead, _ = dataset
    client.set_cookie("lang", "en")
    log_in(client, unit_lead)
    base = f"/admin/surveys/{survey.id}/change/chart"
    svg = client.get(f"{base}?name=distribution&fmt=svg")
    assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")
    assert "Change in mean score" in svg.get_data(as_text=True)
    png = client.get(f"{base}?name=slope&fmt=png&download=1")
    assert png.data.startswith(b"\x89PNG")
    assert png.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"{base}?name=pie&fmt=svg").status_code == 404
    assert client.get(f"{base}?name=slope&fmt=gif").status_code == 404


def test_the_unit_page_shows_the_change(client, dataset):
    survey, unit_lead, _ = dataset
    html = page_of(client, unit_lead, f"/admin/units/{survey.unit_id}")
    assert survey.title in html
    assert "<dt>Mean change</dt><dd>+1.9" in html
    assert f'href="/admin/surveys/{survey.id}/change"' in html


def test_other_questionnaires_have_no_change_page(client, make_survey, make_account, app):
    survey = make_survey("brukerundersokelse")
    unit_lead, _ = leads(app, make_account, survey.id)
    client.set_cookie("lang", "en")
    log_in(client, unit_lead)
    assert client.get(f"/admin/surveys/{survey.id}/change").status_code == 404
    assert client.get(f"/admin/surveys/{survey.id}/pairs.csv").status_code == 404


def test_deleting_a_surveys_responses_deletes_its_pairs(client, dataset, app):
    survey, unit_lead, _ = dataset
    client.set_cookie("lang", "en")
    log_in(client, unit_lead)
    url = f"/admin/surveys/{survey.id}/responses/delete"
    token = csrf_of(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token, "confirm": "y"}).status_code == 303
    with app.app_context():
        db = database.session()
        assert db.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    html = client.get(f"/admin/surveys/{survey.id}/change").get_data(as_text=True)
    assert "<dt>Baselines</dt><dd>fewer than 5</dd>" in html


# --- Early follow-ups ---------------------------------------------------------------------

def include_early(client, survey_id: int, value: str):
    url = f"/admin/surveys/{survey_id}/change"
    token = csrf_of(client.get(url).get_data(as_text=True))
    return client.post(f"{url}/early", data={"csrf_token": token, "include": value})


def test_early_follow_ups_are_left_out_until_a_lead_includes_them(client, dataset, app):
    """Five users whose paper follow-ups came 3 days after the baseline and fell from 8 to 3:
    left out, the figures are the hand-computed ones; included, change over 10 pairs is
    (9.5 − 25)/10 = −1.55 and the baseline mean (17 + 40)/10 = 5.7."""
    survey, unit_lead, _ = dataset
    for _ in range(5):
        store_user(app, survey.id, [("Gå i trappen", 8)], [3], early=True)
    url = f"/admin/surveys/{survey.id}/change"
    html = page_of(client, unit_lead, url)
    assert "<dt>Follow-ups</dt><dd>5</dd>" in html and "<dt>Mean change</dt><dd>+1.9" in html
    assert ("5 follow-ups were typed in from paper before the survey's earliest day") in html
    assert "They are left out of the figures above." in html
    pairs = client.get(f"/admin/surveys/{survey.id}/pairs.csv").get_data(as_text=True)
    assert len(pairs.strip().splitlines()) == 1 + 7
    response = include_early(client, survey.id, "1")
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    html = client.get(url).get_data(as_text=True)
    # Baseline mean over the 10: (17 + 5 × 8)/10 = 5.7; the change is no longer +1.9.
    assert "<dt>Follow-ups</dt><dd>10</dd>" in html
    assert "<dt>Mean score at baseline</dt><dd>5.7" in html and "+1.9" not in html
    assert "They are included in the figures above." in html
    pairs = client.get(f"/admin/surveys/{survey.id}/pairs.csv").get_data(as_text=True)
    lines = pairs.strip().splitlines()
    assert len(lines) == 1 + 12 and lines[0].endswith(";early")
    assert sum(line.endswith(";yes") for line in lines[1:]) == 5
    # The unit page and the API read the same choice.
    unit_page = client.get(f"/admin/units/{survey.unit_id}").get_data(as_text=True)
    assert "<dt>Mean change</dt>" in unit_page and "+1.9" not in unit_page
    with app.app_context():
        db = database.session()
        assert db.get(Survey, survey.id).include_early_follow_ups is True
        assert db.scalars(sa.select(AuditEntry.target).filter_by(
            action="survey.include_early")).all() == [
                f"survey {survey.id}: {survey.title}: early follow-ups included"]
    assert include_early(client, survey.id, "0").status_code == 303
    assert "<dt>Follow-ups</dt><dd>5</dd>" in client.get(url).get_data(as_text=True)


def test_fewer_than_five_early_follow_ups_cannot_be_included(client, dataset, app):
    survey, unit_lead, _ = dataset
    for _ in range(2):
        store_user(app, survey.id, [("Gå i trappen", 8)], [3], early=True)
    release_waiting(app, survey.id)  # released, as a database from before the batches holds them
    url = f"/admin/surveys/{survey.id}/change"
    html = page_of(client, unit_lead, url)
    assert "Fewer than 5 follow-ups were typed in from paper before the survey's" in html
    assert "can be included once there are at least 5 of them" in html
    assert 'name="include"' not in html
    assert include_early(client, survey.id, "1").status_code == 303  # stored as a wish
    html = client.get(url).get_data(as_text=True)
    assert "<dt>Follow-ups</dt><dd>5</dd>" in html and "<dt>Mean change</dt><dd>+1.9" in html


def test_the_choice_must_be_yes_or_no(client, dataset, app):
    survey, unit_lead, _ = dataset
    page_of(client, unit_lead, f"/admin/surveys/{survey.id}/change")
    response = include_early(client, survey.id, "maybe")
    assert response.status_code == 400
    assert "Choose whether to include the early follow-ups." in response.get_data(as_text=True)
    with app.app_context():
        assert database.session().get(Survey, survey.id).include_early_follow_ups is False
