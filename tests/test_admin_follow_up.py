"""Staff side of PSFS follow-ups over HTTP: the survey's follow-up settings, the code of a
paper baseline, and paper follow-ups typed in by code; scope, refusals and nothing stored
when something is refused. Requests run in English (the `lang` cookie)."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
import sqlalchemy as sa

import database
from questionnaires.loader import builtin_definitions
from questionnaires.queries import latest_version
from surveys import follow_up_codes
from surveys.account_models import AuditEntry
from surveys.follow_up_queries import pairs
from surveys.models import Answer, Response, Survey
from tests.conftest import csrf_of, form_tokens, log_in, release_waiting, respond
from tests.test_follow_up import counts, posted_back, shown_code
from util.dates import today

BASELINE = {"activities-0-activity": "Komme meg hjem", "activities-0-score": "5",
            "activities-1-activity": "Gå tur med hunden", "activities-1-score": "3"}
SHOWN_CODE = re.compile(r"Follow-up code: <strong>([2-9A-Z]{4})-([2-9A-Z]{4})</strong>")


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def lead(client, make_survey, make_account):
    """A unit lead logged in (in English), with a PSFS survey of her unit."""
    survey = make_survey("psfs", title="Hva er viktig for deg? Hjemmesykepleien")
    make_account("enhet@kommune.no", units=(survey.unit_id,))
    client.set_cookie("lang", "en")
    assert log_in(client, "enhet@kommune.no").status_code == 303
    return survey


@pytest.fixture
def outsider(client, make_survey, make_account):
    """Someone logged in who leads another unit only; returns a PSFS survey she cannot see."""
    survey = make_survey("psfs")
    mine = make_survey("psfs")
    make_account("annen@kommune.no", units=(mine.unit_id,))
    client.set_cookie("lang", "en")
    assert log_in(client, "annen@kommune.no").status_code == 303
    return survey


def survey_row(app, survey_id: int) -> Survey:
    with app.app_context():
        return database.session().get(Survey, survey_id)


def audit_entries(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(e.action, e.target) for e in database.session().scalars(sa.select(AuditEntry))]


def online_baseline(client, survey) -> str:
    """A baseline answered online; its code from the page it leads to."""
    return shown_code(client, respond(client, survey.public_token, BASELINE))[0]


def enter_code(client, survey_id: int, typed: str, language: str = "nb"):
    page = client.get(f"/admin/surveys/{survey_id}/follow-up-entry")
    return client.post(f"/admin/surveys/{survey_id}/follow-up-entry",
                       data={"csrf_token": csrf_of(text_of(page)), "follow-up-code": typed,
                             "paper-language": language})


def scores_data(page, scores: dict[int, str]) -> dict:
    """The second step's hidden fields from its page, with the new scores."""
    html = text_of(page)
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z\-_]+)" value="([^"]*)"', html))
    return {**hidden, "nav": "submit", **{f"score_{p}": v for p, v in scores.items()}}


def enter_follow_up(client, survey_id: int, code: str, scores: dict[int, str],
                    language: str = "nb"):
    page = enter_code(client, survey_id, code, language)
    assert page.status_code == 200, text_of(page)
    return client.post(f"/admin/surveys/{survey_id}/follow-up-entry",
                       data=scores_data(page, scores))


# --- Settings -------------------------------------------------------------------------------

def new_survey_form(app, survey: Survey, **changes) -> dict:
    with app.app_context():
        version = latest_version(database.session(), "psfs").id
    data = {"questionnaire_version": str(version), "unit": str(survey.unit_id),
            "gathering": "", "title": "PSFS 2026", "period_label": "", "phase": "none",
            "opens_on": "", "closes_on": "", "invited": "", "layout": "one_page",
            "link_mode": "open", "link_count": "", "follow_up_weeks": "6",
            "show_baseline_score": "y"}
    data.update(changes)
    return data


def test_new_survey_stores_follow_up_settings(app, client, lead):
    page = text_of(client.get("/admin/surveys/new"))
    assert re.search(r'name="follow_up_weeks"[^>]*value="4"', page)
    assert "Show the first score on the follow-up form" in page
    data = {"csrf_token": csrf_of(page), **new_survey_form(app, lead)}
    assert client.post("/admin/surveys/new", data=data).status_code == 303
    with app.app_context():
        new = database.session().scalars(sa.select(Survey).order_by(Survey.id.desc())).first()
        assert (new.follow_up_weeks, new.show_baseline_score) == (6, True)


def test_new_survey_defaults_without_the_fields(app, client, lead):
    data = new_survey_form(app, lead)
    del data["follow_up_weeks"], data["show_baseline_score"]
    page = client.get("/admin/surveys/new")
    assert client.post("/admin/surveys/new",
                       data={"csrf_token": csrf_of(text_of(page)), **data}).status_code == 303
    with app.app_context():
        new = database.session().scalars(sa.select(Survey).order_by(Survey.id.desc())).first()
        assert (new.follow_up_weeks, new.show_baseline_score) == (4, False)


@pytest.mark.parametrize(("weeks", "message"), [
    ("0", "Write a whole number from 1 to 26."),
    ("27", "Write a whole number from 1 to 26."),
    ("", "Fill this in."),
    ("four", "Write a whole number."),
])
def test_new_survey_refuses_bad_weeks(app, client, lead, weeks, message):
    page = client.get("/admin/surveys/new")
    data = {"csrf_token": csrf_of(text_of(page)),
            **new_survey_form(app, lead, follow_up_weeks=weeks)}
    response = client.post("/admin/surveys/new", data=data)
    assert response.status_code == 422
    assert f"Weeks to the follow-up: {message}" in text_of(response)
    with app.app_context():
        assert database.session().scalar(sa.select(sa.func.count()).select_from(Survey)) == 1
    assert audit_entries(app) == []


def post_settings(client, survey_id: int, **data):
    page = client.get(f"/admin/surveys/{survey_id}/follow-up-settings")
    return client.post(f"/admin/surveys/{survey_id}/follow-up-settings",
                       data={"csrf_token": csrf_of(text_of(page)), **data})


def test_follow_up_settings_can_be_changed(app, client, lead):
    page = client.get(f"/admin/surveys/{lead.id}/follow-up-settings")
    assert page.status_code == 200 and 'value="4"' in text_of(page)
    response = post_settings(client, lead.id, follow_up_weeks="8", show_baseline_score="y")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/surveys/{lead.id}")
    stored = survey_row(app, lead.id)
    assert (stored.follow_up_weeks, stored.show_baseline_score) == (8, True)
    assert [a for a, _t in audit_entries(app)] == ["survey.follow_up_settings"]
    assert "The follow-up settings are saved." in text_of(client.get(response.headers["Location"]))
    assert post_settings(client, lead.id, follow_up_weeks="8").status_code == 303
    assert survey_row(app, lead.id).show_baseline_score is False  # an unticked box is off


@pytest.mark.parametrize(("data", "message"), [
    ({"follow_up_weeks": "0"}, "Write a whole number from 1 to 26."),
    ({"follow_up_weeks": "27", "show_baseline_score": "y"}, "Write a whole number from 1 to 26."),
    ({"follow_up_weeks": "2.5"}, "Write a whole number."),
    ({"show_baseline_score": "y"}, "Fill this in."),
])
def test_bad_follow_up_settings_are_refused(app, client, lead, data, message):
    response = post_settings(client, lead.id, **data)
    assert response.status_code == 422
    html = text_of(response)
    assert 'class="ds-error-summary"' in html and message in html
    stored = survey_row(app, lead.id)
    assert (stored.follow_up_weeks, stored.show_baseline_score) == (4, False)
    assert audit_entries(app) == []


def test_the_earliest_follow_up_day_is_two_weeks_unless_chosen(app, client, lead):
    page = text_of(client.get("/admin/surveys/new"))
    assert re.search(r'name="follow_up_earliest_days"[^>]*value="14"', page)
    assert "Earliest follow-up, in days after the first answer" in page
    data = {"csrf_token": csrf_of(page), **new_survey_form(app, lead)}
    assert client.post("/admin/surveys/new", data=data).status_code == 303
    data["follow_up_earliest_days"] = "21"
    assert client.post("/admin/surveys/new", data=data).status_code == 303
    with app.app_context():
        made = database.session().scalars(sa.select(Survey.follow_up_earliest_days)
                                          .order_by(Survey.id)).all()
    assert made[-2:] == [14, 21]


def test_the_earliest_day_is_a_follow_up_setting(app, client, lead):
    settings = text_of(client.get(f"/admin/surveys/{lead.id}/follow-up-settings"))
    assert re.search(r'name="follow_up_earliest_days"[^>]*value="0"', settings)
    assert post_settings(client, lead.id, follow_up_weeks="4",
                         follow_up_earliest_days="10").status_code == 303
    assert survey_row(app, lead.id).follow_up_earliest_days == 10
    assert audit_entries(app)[-1][1].endswith("earliest after 10 days, target – %")
    # A page that predates the field keeps the value.
    assert post_settings(client, lead.id, follow_up_weeks="5").status_code == 303
    assert survey_row(app, lead.id).follow_up_earliest_days == 10
    assert "from 10 days after the first answer" in text_of(
        client.get(f"/admin/surveys/{lead.id}"))


@pytest.mark.parametrize(("data", "message"), [
    ({"follow_up_weeks": "4", "follow_up_earliest_days": "29"},
     "The earliest day must not come after the suggested follow-up date, 28 days after the "
     "first answer."),
    ({"follow_up_weeks": "26", "follow_up_earliest_days": "183"},
     "Write a whole number from 0 to 182."),
    ({"follow_up_weeks": "4", "follow_up_earliest_days": "-1"},
     "Write a whole number from 0 to 182."),
    ({"follow_up_weeks": "4", "follow_up_earliest_days": ""}, "Fill this in."),
])
def test_a_bad_earliest_day_is_refused(app, client, lead, data, message):
    response = post_settings(client, lead.id, **data)
    assert response.status_code == 422
    assert f"Earliest follow-up, in days after the first answer: {message}" in text_of(response)
    assert survey_row(app, lead.id).follow_up_earliest_days == 0
    assert audit_entries(app) == []


# --- Paper baseline -------------------------------------------------------------------------

def enter_paper_baseline(client, survey_id: int, answers=BASELINE):
    page = client.get(f"/admin/surveys/{survey_id}/paper-entry")
    data = {**form_tokens(text_of(page)), "paper-language": "nb", "nav": "submit", **answers}
    return client.post(f"/admin/surveys/{survey_id}/paper-entry", data=data)


def test_paper_baseline_shows_a_code_that_works_online(app, client, lead):
    saved = enter_paper_baseline(client, lead.id)
    assert saved.status_code == 303
    html = text_of(client.get(saved.headers["Location"]))
    assert "Saved." in html and "Fewer than 5 paper forms entered so far" in html
    found = SHOWN_CODE.search(html)
    assert found, html
    code = found.group(1) + found.group(2)
    with app.app_context():
        due = today() + dt.timedelta(weeks=4)
    assert f"on or about {due:%B} {due.day}, {due.year}" in html
    assert f"/kode/{code}" not in html  # the slip is posted, its address holds no code
    slip = client.post(f"/s/{lead.public_token}/kode/lapp", data=posted_back(html))
    assert slip.status_code == 200 and follow_up_codes.display(code) in text_of(slip)
    assert client.post(f"/s/{lead.public_token}/kode/lapp", data=posted_back(html)
                       ).status_code == 410  # once
    assert client.get(f"/s/{lead.public_token}/oppfolging/{code}").status_code == 303  # open
    with app.app_context():
        baseline = database.session().scalars(sa.select(Response)).one()
        assert baseline.due_on == due and baseline.pair_id == follow_up_codes.pair_id(
            app.secret_key, lead.id, code)
    assert all(code not in target and found.group(1) not in target
               for _a, target in audit_entries(app))


def test_paper_baseline_sent_twice_keeps_one_code(app, client, lead):
    page = client.get(f"/admin/surveys/{lead.id}/paper-entry")
    data = {**form_tokens(text_of(page)), "paper-language": "nb", **BASELINE}
    first = client.post(f"/admin/surveys/{lead.id}/paper-entry", data=data)
    code = SHOWN_CODE.search(text_of(client.get(first.headers["Location"]))).groups()
    client.post(f"/admin/surveys/{lead.id}/paper-entry", data=data)
    again = text_of(client.get(first.headers["Location"]))
    assert "not saved twice" in again and SHOWN_CODE.search(again).groups() == code
    assert counts(app) == (1, 0, 0)


def test_paper_baseline_uses_the_survey_weeks(app, client, lead):
    post_settings(client, lead.id, follow_up_weeks="10")
    enter_paper_baseline(client, lead.id)
    with app.app_context():
        baseline = database.session().scalars(sa.select(Response)).one()
        assert baseline.due_on == today() + dt.timedelta(weeks=10)


# --- Paper follow-up ------------------------------------------------------------------------

def test_paper_follow_up_is_stored_paired_from_paper(app, client, lead):
    code = online_baseline(client, lead)
    typed = f" {code[:4].lower()} - {code[4:].lower()}"
    page = enter_code(client, lead.id, typed, "nn")
    html = text_of(page)
    assert page.status_code == 200
    assert "Komme meg hjem" in html and "Gå tur med hunden" in html
    assert follow_up_codes.display(code) in html
    assert "First score" not in html  # hidden, as the survey's setting says
    saved = client.post(f"/admin/surveys/{lead.id}/follow-up-entry",
                        data=scores_data(page, {0: "8", 1: "6"}))
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(f"/admin/surveys/{lead.id}/follow-up-entry?lang=nn")
    next_page = text_of(client.get(saved.headers["Location"]))
    assert "Saved. The follow-up is linked to its baseline." in next_page
    assert " checked" in re.search(r'<input [^>]*id="paper-language-nn"[^>]*>', next_page).group(0)
    assert counts(app) == (2, 1, 1)
    with app.app_context():
        db = database.session()
        follow = db.scalars(sa.select(Response).filter_by(is_follow_up=True)).one()
        assert (follow.source, follow.language, follow.is_follow_up) == ("paper", "nn", True)
        assert follow.pair_id == follow_up_codes.pair_id(app.secret_key, lead.id, code)
        answers = db.scalars(sa.select(Answer).filter_by(response_id=follow.id)
                             .order_by(Answer.position)).all()
        assert [(a.item, a.position, a.value_num) for a in answers] == [
            ("activities.score", 0, 8.0), ("activities.score", 1, 6.0)]
    assert all(code not in target for _a, target in audit_entries(app))


def test_paper_follow_up_after_a_paper_baseline(app, client, lead):
    saved = enter_paper_baseline(client, lead.id)
    found = SHOWN_CODE.search(text_of(client.get(saved.headers["Location"])))
    response = enter_follow_up(client, lead.id, "-".join(found.groups()), {0: "9", 1: "4"})
    assert response.status_code == 303
    assert counts(app) == (2, 1, 1)


def test_the_first_score_follows_the_survey_setting(client, lead):
    code = online_baseline(client, lead)
    post_settings(client, lead.id, follow_up_weeks="4", show_baseline_score="y")
    html = text_of(enter_code(client, lead.id, code))
    assert "First score: 5." in html and "First score: 3." in html


@pytest.mark.parametrize(("typed", "status", "message"), [
    ("ZZZZ-ZZZZ", 404, "No baseline in this survey has this code."),
    ("abc", 422, "Write the 8 letters and digits of the code, for example K7QM-3XTD."),
    ("K7QM-3XT0", 422, "Write the 8 letters and digits of the code"),
    ("", 422, "Fill this in."),
])
def test_wrong_and_invalid_codes_are_refused(app, client, lead, typed, status, message):
    online_baseline(client, lead)
    response = enter_code(client, lead.id, typed)
    html = html_lib.unescape(text_of(response))
    assert response.status_code == status
    assert message in html and 'aria-invalid="true"' in html
    assert 'class="ds-error-summary"' in html
    assert counts(app) == (1, 0, 0)


def test_a_code_of_another_survey_is_unknown(app, client, lead, make_survey):
    other = make_survey("psfs")
    code = online_baseline(client, other)
    assert enter_code(client, lead.id, code).status_code == 404
    assert counts(app) == (1, 0, 0)


def test_a_used_code_is_refused(app, client, lead):
    code = online_baseline(client, lead)
    first = enter_code(client, lead.id, code)
    second = enter_code(client, lead.id, code)  # the same form typed twice, in two tabs
    assert client.post(f"/admin/surveys/{lead.id}/follow-up-entry",
                       data=scores_data(first, {0: "8", 1: "6"})).status_code == 303
    again = client.post(f"/admin/surveys/{lead.id}/follow-up-entry",
                        data=scores_data(second, {0: "1", 1: "1"}))
    assert again.status_code == 410
    assert "This code has already been used" in text_of(again)
    used = enter_code(client, lead.id, code)
    assert used.status_code == 410 and "This code has already been used" in text_of(used)
    assert counts(app) == (2, 1, 1)


def test_the_same_follow_up_sent_twice_is_stored_once(app, client, lead):
    code = online_baseline(client, lead)
    data = scores_data(enter_code(client, lead.id, code), {0: "8", 1: "6"})
    assert client.post(f"/admin/surveys/{lead.id}/follow-up-entry", data=data).status_code == 303
    again = client.post(f"/admin/surveys/{lead.id}/follow-up-entry", data=data)
    assert again.status_code == 303
    assert "not saved twice" in text_of(client.get(again.headers["Location"]))
    assert counts(app) == (2, 1, 1)


@pytest.mark.parametrize(("change", "status"), [
    ({"score_0": "", "score_1": ""}, 422),  # nothing typed in: not a follow-up
    ({"score_1": "11"}, 422),
    ({"score_4": "3"}, 400),  # an activity the baseline did not name
    ({"paper-language": "de"}, 422),
    ({"submission_key": ""}, 400),
])
def test_bad_follow_up_forms_store_nothing(app, client, lead, change, status):
    code = online_baseline(client, lead)
    data = {**scores_data(enter_code(client, lead.id, code), {0: "8", 1: "6"}), **change}
    response = client.post(f"/admin/surveys/{lead.id}/follow-up-entry", data=data)
    assert response.status_code == status
    assert counts(app) == (1, 0, 0)


def test_a_paper_follow_up_may_leave_a_score_blank(app, client, lead):
    """A paper form records what is on the paper: an activity not scored again is left out
    of that pair's change, and the code is used."""
    code = online_baseline(client, lead)
    data = {**scores_data(enter_code(client, lead.id, code), {0: "8", 1: "6"}), "score_1": ""}
    assert client.post(f"/admin/surveys/{lead.id}/follow-up-entry", data=data).status_code == 303
    assert counts(app) == (2, 1, 1)
    release_waiting(app, lead.id)  # the pair, released here in batches of one
    with app.app_context():
        (pair,) = pairs(database.session(), builtin_definitions()["psfs"], lead.id)
    assert pair.positions == [0]


def test_paper_follow_ups_outlive_the_online_follow_up(app, client, lead):
    code = online_baseline(client, lead)
    with app.app_context():
        db = database.session()
        db.get(Survey, lead.id).is_closed = True
        db.commit()
    page = enter_code(client, lead.id, code)
    assert "no longer takes follow-ups online" in text_of(client.get(
        f"/admin/surveys/{lead.id}/follow-up-entry"))
    assert client.post(f"/admin/surveys/{lead.id}/follow-up-entry",
                       data=scores_data(page, {0: "8", 1: "6"})).status_code == 303
    assert counts(app) == (2, 1, 1)


def set_earliest(app, survey_id: int, days: int, baseline_days_ago: int = 0) -> None:
    """The survey's earliest follow-up day, and its baselines made older."""
    with app.app_context():
        db = database.session()
        db.get(Survey, survey_id).follow_up_earliest_days = days
        for response in db.scalars(sa.select(Response).filter_by(survey_id=survey_id)):
            response.submitted_on -= dt.timedelta(days=baseline_days_ago)
        db.commit()


def early_marks(app) -> list[bool]:
    with app.app_context():
        return list(database.session().scalars(sa.select(Response.early).filter_by(
            is_follow_up=True)))


def test_an_early_paper_follow_up_is_saved_only_when_confirmed_and_is_marked(app, client,
                                                                            lead):
    code = online_baseline(client, lead)
    set_earliest(app, lead.id, 14, baseline_days_ago=3)
    with app.app_context():
        first = today() - dt.timedelta(days=3)
    opens = first + dt.timedelta(days=14)
    page = enter_code(client, lead.id, code)
    html = text_of(page)
    assert page.status_code == 200
    assert (f"This follow-up is early. It can be answered from {opens:%B} {opens.day}, "
            f"{opens.year}, 14 days after the first answer on {first:%B} {first.day}, "
            f"{first.year}.") in html
    assert 'name="early-confirmed"' in html
    unconfirmed = client.post(f"/admin/surveys/{lead.id}/follow-up-entry",
                              data=scores_data(page, {0: "8", 1: "6"}))
    assert unconfirmed.status_code == 422
    assert ("Tick the box to save an early follow-up, or type another code."
            in text_of(unconfirmed))
    assert 'href="#early-confirmed"' in text_of(unconfirmed)  # in the error summary
    assert counts(app) == (1, 0, 0)
    confirmed = client.post(f"/admin/surveys/{lead.id}/follow-up-entry",
                            data={**scores_data(page, {0: "8", 1: "6"}),
                                  "early-confirmed": "y"})
    assert confirmed.status_code == 303
    assert counts(app) == (2, 1, 1) and early_marks(app) == [True]


def test_a_paper_follow_up_from_the_earliest_day_is_not_early(app, client, lead):
    code = online_baseline(client, lead)
    set_earliest(app, lead.id, 14, baseline_days_ago=14)
    page = enter_code(client, lead.id, code)
    assert "This follow-up is early" not in text_of(page)
    assert 'name="early-confirmed"' not in text_of(page)
    # A box ticked anyway (a page from the day before, say) marks nothing.
    saved = client.post(f"/admin/surveys/{lead.id}/follow-up-entry",
                        data={**scores_data(page, {0: "8", 1: "6"}), "early-confirmed": "y"})
    assert saved.status_code == 303 and early_marks(app) == [False]


# --- Scope and questionnaires without a follow-up --------------------------------------------

ROUTES = ["/follow-up-entry", "/follow-up-settings"]


@pytest.mark.parametrize("route", ROUTES)
def test_out_of_scope_is_404_and_changes_nothing(app, client, outsider, route):
    url = f"/admin/surveys/{outsider.id}{route}"
    assert client.get(url).status_code == 404
    token = csrf_of(text_of(client.get("/admin/surveys/new")))
    code = follow_up_codes.derive("test", outsider.id, "x")
    response = client.post(url, data={"csrf_token": token, "follow_up_weeks": "9",
                                      "follow-up-code": code, "paper-language": "nb"})
    assert response.status_code == 404
    assert survey_row(app, outsider.id).follow_up_weeks == 4
    assert audit_entries(app) == []


@pytest.mark.parametrize("route", ROUTES)
def test_questionnaires_without_follow_up_have_no_such_pages(app, client, lead, make_survey,
                                                            make_account, route):
    survey = make_survey("brukerundersokelse")
    make_account("bu@kommune.no", units=(survey.unit_id,))
    log_in(client, "bu@kommune.no")
    assert client.get(f"/admin/surveys/{survey.id}{route}").status_code == 404
    token = csrf_of(text_of(client.get("/admin/surveys/new")))
    assert client.post(f"/admin/surveys/{survey.id}{route}",
                       data={"csrf_token": token, "follow_up_weeks": "9"}).status_code == 404


def test_paper_entry_of_other_questionnaires_gives_no_code(app, client, make_survey,
                                                           make_account):
    survey = make_survey("brukerundersokelse")
    make_account("bu@kommune.no", units=(survey.unit_id,))
    client.set_cookie("lang", "en")
    log_in(client, "bu@kommune.no")
    page = client.get(f"/admin/surveys/{survey.id}/paper-entry")
    assert "follow-up code" not in text_of(page)
    with app.app_context():
        definition = latest_version(database.session(), "brukerundersokelse").definition
        answers = {item.id: str(definition.scale_of(item).min) if item.type == "scale"
                   else item.options[0].value
                   for item in definition.items() if item.type in ("scale", "single_choice")}
    saved = client.post(f"/admin/surveys/{survey.id}/paper-entry",
                        data={**form_tokens(text_of(page)), "paper-language": "nb", **answers})
    assert saved.status_code == 303
    assert "Follow-up code" not in text_of(client.get(saved.headers["Location"]))
    with app.app_context():
        assert database.session().scalar(sa.select(sa.func.count()).select_from(Response)
                                         .where(Response.pair_id.is_not(None))) == 0
