"""Every respondent page names who is asking (issue 18): the unit and its municipality or
organisation (for a gathering's evaluation, the network and the gathering) and, if the
survey names one, whom to ask; so people know the survey is real. Pages are kept drawn
per questionnaire version (`respond.rendering`): each survey's names are its own."""

from __future__ import annotations

import datetime as dt

import pytest

from surveys.models import Gathering, Layout, LinkMode, Network, Organisation, Unit
from tests.conftest import form_tokens, past_page_reads, respond
from tests.test_follow_up import BASELINE, form_path, open_follow_up

CONTACT = "Spør sykepleier på avdelingen, tlf. 12 34 56 78"


def text_of(response) -> str:
    return response.get_data(as_text=True)


def unit_survey(make_survey, slug: str, unit: str, municipality: str, **kw):
    where = Unit(name=unit, organisation=Organisation(
        name=municipality, kind="kommune", network=Network(name=f"Nett {unit}")))
    return make_survey(slug, unit=where, **kw)


def assert_names(html: str, *names: str) -> None:
    block = html[html.index("data-who-asks"):]
    block = block[:block.index("</p>")]
    for name in names:
        assert name in block, (name, block)


def test_the_survey_pages_and_thanks_name_unit_municipality_and_contact(client, make_survey):
    survey = unit_survey(make_survey, "samling", "Hjemmesykepleien Frogner", "Nordby kommune",
                         contact=CONTACT, layout=Layout.PAGE_PER_SECTION)
    url = f"/s/{survey.public_token}"
    first = text_of(client.get(url))
    expected = ("Hjemmesykepleien Frogner", "Nordby kommune", CONTACT)
    assert_names(first, *expected)
    tokens = form_tokens(first)
    to_second = client.post(url, data={**tokens, "page": "0", "nav": "next"})
    assert_names(text_of(client.get(to_second.headers["Location"])), *expected)
    sent = client.post(url, data={**tokens, "page": "2", "nav": "submit"})
    assert_names(text_of(client.get(sent.headers["Location"])), *expected)


def test_a_gatherings_evaluation_names_the_network_and_the_gathering(app, client,
                                                                      make_survey):
    gathering = Gathering(number=2, network=Network(name="Helgeland 2021–2023"))
    survey = make_survey("samling", unit=None, gathering=gathering)
    html = text_of(client.get(f"/s/{survey.public_token}"))
    assert_names(html, "Helgeland 2021–2023", "Samling 2")
    assert "Spør" not in html[html.index("data-who-asks"):][:300]  # no contact set


def test_the_follow_up_pages_name_who_is_asking(client, make_survey):
    survey = unit_survey(make_survey, "psfs", "Korttidsavdelingen", "Sørby kommune",
                         contact=CONTACT)
    expected = ("Korttidsavdelingen", "Sørby kommune", CONTACT)
    baseline = respond(client, survey.public_token, BASELINE)
    code_page = client.get(baseline.headers["Location"])
    assert_names(text_of(code_page), *expected)
    assert_names(text_of(client.get(baseline.headers["Location"])), *expected)  # shown once
    code = code_page.get_data(as_text=True).split('<span aria-hidden="true">')[1][:9]
    assert_names(text_of(client.get(f"/s/{survey.public_token}/oppfolging")), *expected)
    assert_names(text_of(open_follow_up(client, survey, code.replace("-", ""))), *expected)
    client.delete_cookie("session")
    assert_names(text_of(client.get(form_path(survey))), *expected)  # no longer open here


def test_a_closed_survey_says_whom_to_ask(client, make_survey):
    survey = unit_survey(make_survey, "psfs", "Dagsenteret", "Vestby kommune",
                         contact=CONTACT, is_closed=True)
    closed = client.get(f"/s/{survey.public_token}")
    assert closed.status_code == 410
    assert_names(text_of(closed), "Dagsenteret", "Vestby kommune", CONTACT)
    follow_up = client.get(form_path(survey))  # closed by hand: no follow-ups either
    assert follow_up.status_code == 410
    assert_names(text_of(follow_up), "Dagsenteret", "Vestby kommune", CONTACT)


def test_a_closed_single_use_link_tells_nothing_more_than_a_used_one(app, client,
                                                                     make_survey):
    import database
    from surveys.operations import issue_single_use_links

    survey = unit_survey(make_survey, "psfs", "Dagsenteret", "Vestby kommune",
                         contact=CONTACT, link_mode=LinkMode.SINGLE_USE,
                         closes_on=dt.date(2020, 1, 31), opens_on=dt.date(2020, 1, 1))
    with app.app_context():
        token = issue_single_use_links(database.session(), survey, 1).tokens()[0]
    closed = client.get(f"/s/{token}")
    assert closed.status_code == 410
    assert "Dagsenteret" not in text_of(closed) and "data-who-asks" not in text_of(closed)


def test_each_survey_of_one_version_names_its_own_unit(app, make_survey):
    """The pages are kept drawn per version; the names are filled in per survey."""
    first = unit_survey(make_survey, "psfs", "Enhet Aust", "Austby kommune", contact=CONTACT)
    second = unit_survey(make_survey, "psfs", "Enhet Vest", "Vestby kommune",
                         contact="Ring 22 22 22 22 & spør etter Kari")
    assert first.questionnaire_version_id == second.questionnaire_version_id
    for _ in range(2):  # drawn, then from what was kept
        for survey, own, other in ((first, "Enhet Aust", "Enhet Vest"),
                                   (second, "Enhet Vest", "Enhet Aust")):
            client = app.test_client()
            html = text_of(client.get(f"/s/{survey.public_token}"))
            assert own in html and other not in html
            errors = client.post(f"/s/{survey.public_token}", data={
                **form_tokens(html), "page": "0", "nav": "submit"})
            html = text_of(client.get(errors.headers["Location"]))
            assert own in html and other not in html
            thanks = text_of(client.get(f"/s/{survey.public_token}/takk"))
            assert own in thanks and other not in thanks
    html = text_of(app.test_client().get(f"/s/{second.public_token}"))
    assert "Ring 22 22 22 22 &amp; spør etter Kari" in html


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_a_changed_contact_shows_once_the_pages_read_is_seconds_old(app, client, make_survey,
                                                                   monkeypatch, lang):
    """A page reads its survey at most `PAGE_LOOKUP_SECONDS` before (`respond.views`): the
    kept thank-you page is not kept past a change of who is asking."""
    import database
    from surveys.models import Survey

    survey = unit_survey(make_survey, "samling", "Enhet", "Kommune", contact=CONTACT)
    client.set_cookie("lang", lang)
    assert CONTACT in text_of(client.get(f"/s/{survey.public_token}/takk"))
    with app.app_context():
        db = database.session()
        db.get(Survey, survey.id).contact = "Ring Kari, tlf. 99 99 99 99"
        db.commit()
    past_page_reads(monkeypatch)
    thanks = text_of(client.get(f"/s/{survey.public_token}/takk"))
    assert "Ring Kari" in thanks and CONTACT not in thanks
