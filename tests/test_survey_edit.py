"""Editing a survey after it is made (issue 17): title, period, phase, dates and the number
invited, with an audit entry; bad input is refused with the reason and nothing is saved; a
closed survey says so instead of when it closes."""

from __future__ import annotations

import datetime as dt

import database
from surveys.models import Survey
from tests import test_admin_surveys
from tests.conftest import csrf_of
from tests.test_admin_surveys import audit_actions, text_of

lead = test_admin_surveys.lead  # the fixture: a unit lead signed in, with a survey of her unit

EDITED = {"title": "Brukerundersøkelse hjemmesykepleien, våren", "period_label": "Våren 2026",
          "phase": "follow_up", "opens_on": "2026-03-01", "closes_on": "2026-03-31",
          "invited": "40"}


def stored(app, survey_id: int) -> Survey:
    with app.app_context():
        survey = database.session().get(Survey, survey_id)
        assert survey is not None
        return survey


def edit(client, survey_id: int, **changes):
    page = client.get(f"/admin/surveys/{survey_id}/edit")
    assert page.status_code == 200
    return client.post(f"/admin/surveys/{survey_id}/edit",
                       data={"csrf_token": csrf_of(text_of(page)), **EDITED, **changes})


def test_a_lead_edits_a_survey_and_the_change_is_audited(app, client, lead):
    page = text_of(client.get(f"/admin/surveys/{lead.id}"))
    assert f'href="/admin/surveys/{lead.id}/edit"' in page
    form = text_of(client.get(f"/admin/surveys/{lead.id}/edit"))
    assert 'value="Brukerundersøkelse hjemmesykepleien"' in form  # filled in from the survey
    saved = edit(client, lead.id)
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(f"/admin/surveys/{lead.id}")
    survey = stored(app, lead.id)
    assert (survey.title, survey.period_label, survey.phase, survey.opens_on, survey.closes_on,
            survey.invited) == (EDITED["title"], "Våren 2026", "follow_up",
                                dt.date(2026, 3, 1), dt.date(2026, 3, 31), 40)
    assert audit_actions(app)[-1] == "survey.edit"
    shown = text_of(client.get(f"/admin/surveys/{lead.id}"))
    assert EDITED["title"] in shown and "40 invited" in shown


def test_emptying_the_optional_fields_clears_them(app, client, lead):
    assert edit(client, lead.id, period_label="", phase="none", opens_on="", closes_on="",
                invited="").status_code == 303
    survey = stored(app, lead.id)
    assert (survey.period_label, survey.phase, survey.opens_on, survey.closes_on,
            survey.invited) == (None, None, None, None, None)


def test_bad_input_is_refused_with_the_reason_and_nothing_is_saved(app, client, lead):
    for changes, message in (
            ({"closes_on": "2026-02-01"}, "The closing date must be on or after the opening"),
            ({"title": "  "}, "Fill this in."),
            ({"invited": "many"}, "Write a whole number."),
            ({"phase": "sometimes"}, "Choose one of the options"),
            ({"opens_on": "1.3.2026"}, "Write a date such as 2026-03-01.")):
        refused = edit(client, lead.id, **changes)
        assert refused.status_code == 422, changes
        assert message in text_of(refused), changes
    assert stored(app, lead.id).title == "Brukerundersøkelse hjemmesykepleien"
    assert "survey.edit" not in audit_actions(app)
    assert client.post(f"/admin/surveys/{lead.id}/edit", data=EDITED).status_code == 400


def test_a_closed_survey_says_it_is_closed_not_when_it_closes(app, client, lead):
    assert edit(client, lead.id, opens_on="", closes_on="2099-12-31").status_code == 303
    page = text_of(client.get(f"/admin/surveys/{lead.id}"))
    assert "Closes on" in page and "Dec 31, 2099" in page
    close = client.post(f"/admin/surveys/{lead.id}/close", data={"csrf_token": csrf_of(page)})
    assert close.status_code == 303
    page = text_of(client.get(f"/admin/surveys/{lead.id}"))
    assert "Closes on" not in page
    assert "Closed by hand" in page and "Dec 31, 2099" in page
    assert edit(client, lead.id, opens_on="", closes_on="2099-06-30").status_code == 303
    assert stored(app, lead.id).is_closed  # editing the dates does not reopen it


def test_a_survey_past_its_closing_date_says_when_it_closed(app, client, lead):
    assert edit(client, lead.id, opens_on="2026-01-01",
                closes_on="2026-01-31").status_code == 303
    page = text_of(client.get(f"/admin/surveys/{lead.id}"))
    assert "Closes on" not in page and "Closed on" in page and "Jan 31, 2026" in page


# --- Whom respondents may ask (issue 18) -------------------------------------------------

CONTACT = "Spør sykepleier på avdelingen, tlf. 12 34 56 78"


def audit_targets(app) -> list[str]:
    import sqlalchemy as sa

    from surveys.account_models import AuditEntry

    with app.app_context():
        return list(database.session().scalars(sa.select(AuditEntry.target)))


def test_a_contact_for_respondents_is_set_shown_and_audited(app, client, lead):
    form = text_of(client.get(f"/admin/surveys/{lead.id}/edit"))
    assert 'name="contact"' in form
    assert edit(client, lead.id).status_code == 303
    saved = edit(client, lead.id, contact=f"  {CONTACT}\n ")
    assert saved.status_code == 303
    assert stored(app, lead.id).contact == CONTACT
    assert audit_targets(app)[-1] == (f"survey {lead.id}: {EDITED['title']}: "
                                      f"contact – → {CONTACT}")
    assert CONTACT in text_of(client.get(f"/admin/surveys/{lead.id}"))
    assert f'value="{CONTACT}"' in text_of(client.get(f"/admin/surveys/{lead.id}/edit"))
    assert edit(client, lead.id, contact="").status_code == 303
    assert stored(app, lead.id).contact is None


def test_a_contact_is_short_plain_text(app, client, lead):
    for value, message in (("x" * 201, "Write at most 200 characters."),
                           ("<b>Ring oss</b>", "Write plain text only, without HTML code."),
                           ("Ring <a href=x>her</a>", "Write plain text only, without HTML code.")):
        refused = edit(client, lead.id, contact=value)
        assert refused.status_code == 422, value
        assert message in text_of(refused), value
    assert stored(app, lead.id).contact is None
    assert "survey.edit" not in audit_actions(app)


def test_a_new_survey_and_its_next_period_take_a_contact(app, client, lead):
    from tests.test_admin_surveys import create_form, surveys_in

    page = client.get("/admin/surveys/new")
    assert 'name="contact"' in text_of(page)
    created = client.post("/admin/surveys/new", data={
        "csrf_token": csrf_of(text_of(page)), **create_form(app, lead, contact=CONTACT)})
    assert created.status_code == 303
    new = surveys_in(app)[-1]
    assert new.contact == CONTACT
    form = text_of(client.get(f"/admin/surveys/{new.id}/next-period"))
    assert f'value="{CONTACT}"' in form  # the next period asks the same person
