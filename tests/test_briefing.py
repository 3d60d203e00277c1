"""Before a gathering, the network lead's briefing (issue 17): per team the response rates,
the follow-ups answered, the run-chart signals since the last gathering, how the
improvement areas moved, and the wishes from the last evaluation; every figure under the
same rules as the network's other pages."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest
import sqlalchemy as sa

import database
from questionnaires.item_types import AnswerValue
from questionnaires.queries import latest_version
from surveys.models import Gathering, Network, Organisation, Survey, Unit
from surveys.operations import submit_response
from tests.conftest import log_in, release_waiting
from tests.test_checklist import HIGH, LOW, marks
from tests.test_checklist import store as store_pathways
from tests.test_follow_up_tracker import baseline, follow_up

pytestmark = pytest.mark.both_backends  # counts and texts read in SQL

TODAY = dt.date.today()
FIRST_DAY = TODAY - dt.timedelta(days=300)  # the first pathway of tests.test_checklist
LAST_GATHERING = FIRST_DAY + dt.timedelta(days=60)  # between the low and the high pathways
WISHES = ["Mer om PSFS", "Besøk i en annen kommune", "Flere eksempler", "Kortere dager",
          "Tid til teamarbeid"]


def store(db, survey: Survey, values: dict[str, float | str]) -> None:
    answers = [AnswerValue(item, 0, None, value) if isinstance(value, str)
               else AnswerValue(item, 0, float(value), None) for item, value in values.items()]
    submit_response(db, survey, None, secrets.token_urlsafe(18), "nb", answers, TODAY)


def survey(db, unit: Unit | None, slug: str, **values) -> Survey:
    made = Survey(title=values.pop("title", f"{slug} {unit.name if unit else ''}"),
                  questionnaire=latest_version(db, slug), unit=unit, **values)
    db.add(made)
    db.commit()
    return made


@pytest.fixture
def sor(app, make_account, keep_world):
    return keep_world("test_briefing.sor", lambda: build_sor(app, make_account))


def build_sor(app, make_account):
    """Network Sør: gathering 1 (held) and 2 (coming); unit Hjemme measures everything,
    KAD nothing."""
    with app.app_context():
        db = database.session()
        network = Network(name="Sør")
        kommune = Organisation(name="Kommune A", kind="kommune", network=network)
        hjemme, kad = Unit(name="Hjemme", organisation=kommune), Unit(name="KAD",
                                                                      organisation=kommune)
        first = Gathering(network=network, number=1, held_on=LAST_GATHERING)
        coming = Gathering(network=network, number=2, held_on=TODAY + dt.timedelta(days=7))
        db.add_all([hjemme, kad, first, coming])
        db.commit()
        evaluation = survey(db, None, "samling", gathering=first, invited=10)
        for wish in WISHES:
            store(db, evaluation, {"nytte_totalt": 2, "onsker_neste": wish})
        rated = survey(db, hjemme, "brukerundersokelse", title="Brukere høst", invited=20)
        for _ in range(5):
            store(db, rated, {"respekt_tid": 5})
        few = survey(db, hjemme, "brukerundersokelse", title="Brukere vinter", invited=10)
        for _ in range(3):
            store(db, few, {"respekt_tid": 5})
        survey(db, hjemme, "brukerundersokelse", title="Brukere i fjor", invited=10,
               closes_on=LAST_GATHERING - dt.timedelta(days=1))
        for statuses in (("ikke_startet", "ikke_startet", "startet"),
                         ("startet", "i_drift", "i_drift")):
            teams = survey(db, hjemme, "oppfolging")
            for status in statuses:
                store(db, teams, {"hva_er_viktig": status, "psfs": status})
        psfs = survey(db, hjemme, "psfs", title="Hva er viktig", follow_up_target=60,
                      follow_up_earliest_days=0)
        pathways = survey(db, hjemme, "sjekkliste", title="Sjekkliste HPH")
        ids = {"network": network.id, "coming": coming.id, "first": first.id,
               "psfs": psfs.id, "pathways": pathways.id, "few": few.id,
               "hjemme": hjemme.id, "kad": kad.id}
        waiting = list(db.scalars(sa.select(Survey.id)))
    for survey_id in waiting:
        release_waiting(app, survey_id)
    keys = [baseline(app, ids["psfs"], TODAY) for _ in range(10)]
    for key in keys[:5]:
        follow_up(app, ids["psfs"], key)
    store_pathways(app, ids["pathways"], [marks(k) for k in LOW + HIGH])
    make_account("nett@sor.no", networks=(ids["network"],))
    make_account("admin@sor.no", is_admin=True)
    make_account("enhet@sor.no", units=(ids["hjemme"],))
    with app.app_context():
        other = Network(name="Nord")
        database.session().add(other)
        database.session().commit()
        make_account("nett@nord.no", networks=(other.id,))
    return ids


def briefing(client, email: str, gathering_id: int) -> str:
    client.set_cookie("lang", "en")
    log_in(client, email)
    response = client.get(f"/admin/gatherings/{gathering_id}/briefing")
    assert response.status_code == 200, response.status_code
    return response.text


def team(html: str, unit_id: int) -> str:
    return re.search(rf'data-unit="{unit_id}">(.*?)</section>', html, re.S).group(1)


def test_response_rates_of_the_surveys_running_since_the_last_gathering(client, sor):
    html = team(briefing(client, "nett@sor.no", sor["coming"]), sor["hjemme"])
    rows = {title: figures for title, *figures in re.findall(
        r'<tr data-survey="\d+"><th scope="row"><a[^>]*>([^<]+)</a>.*?'
        r'<td class="num">([^<]*)</td>\s*<td class="num">([^<]*)</td>\s*'
        r'<td class="num">([^<]*)</td>', html, re.S)}
    assert rows["Brukere høst"] == ["5", "20", "25%"]
    assert rows["Brukere vinter"] == ["fewer than 5", "10", "–"]
    assert "Brukere i fjor" not in rows  # closed before the last gathering


def test_follow_ups_against_the_target(client, sor):
    html = team(briefing(client, "nett@sor.no", sor["coming"]), sor["hjemme"])
    assert ("Follow-ups answered in «Hva er viktig»: 50% of the codes given (target 60 %)."
            in html)


def test_only_shifts_that_end_after_the_last_gathering_are_new(client, sor):
    html = team(briefing(client, "nett@sor.no", sor["coming"]), sor["hjemme"])
    new = re.search(r"New since the last gathering:</strong>(.*?)</p>", html, re.S).group(1)
    assert "10 pathways in a row above the median" in new
    assert "below the median" not in new
    assert "A shift: 10 pathways in a row below the median." in html  # the chart says it


def test_improvement_areas_from_the_previous_form_to_the_newest(client, sor):
    html = team(briefing(client, "nett@sor.no", sor["coming"]), sor["hjemme"])
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">([^<]+)</td>'
                      r'<td class="num">([^<]+)</td></tr>', html)
    # two areas per team: 3 teams × 2 areas before and now
    assert rows[:3] == [("Not started", "4", "0"), ("Started", "2", "2"),
                        ("In daily operation", "0", "4")]


def test_a_team_with_nothing_measured_says_so(client, sor):
    html = team(briefing(client, "nett@sor.no", sor["coming"]), sor["kad"])
    assert "Nothing measured since the last gathering." in html


def test_the_wishes_from_the_last_evaluation_for_the_network_lead_only(client, sor):
    html = briefing(client, "nett@sor.no", sor["coming"])
    wishes = re.search(r'id="wishes".*?</section>', html, re.S).group(0)
    assert re.findall(r"<li>([^<]+)</li>", wishes) == sorted(WISHES)
    client.post("/admin/logout")
    admin = briefing(client, "admin@sor.no", sor["coming"])
    assert not any(wish in admin for wish in WISHES)
    assert "only the network's own leads read them" in admin


def test_the_first_gathering_has_no_wishes_and_reads_everything(client, sor):
    html = briefing(client, "nett@sor.no", sor["first"])
    assert "No gathering before this one, so no wishes yet." in html
    assert "Brukere i fjor" in html  # nothing is left out as before the last gathering


def test_too_few_evaluation_answers_give_no_wishes(app, client, sor):
    with app.app_context():  # a second gathering's evaluation, answered by one
        db = database.session()
        coming = db.get(Gathering, sor["coming"])
        third = Gathering(network_id=coming.network_id, number=3)
        db.add(third)
        db.commit()
        one = survey(db, None, "samling", gathering=coming)
        store(db, one, {"onsker_neste": "Bare meg"})
        third_id, one_id = third.id, one.id
    release_waiting(app, one_id)
    html = briefing(client, "nett@sor.no", third_id)
    assert "Bare meg" not in html and "only when at least 5 answered" in html


def test_who_may_open_it(client, sor):
    for email, status in (("enhet@sor.no", 404), ("nett@nord.no", 404)):
        client.post("/admin/logout")
        client.set_cookie("lang", "en")
        log_in(client, email)
        assert client.get(f"/admin/gatherings/{sor['coming']}/briefing").status_code == status


def test_the_organisation_page_links_each_gatherings_briefing(client, sor):
    client.set_cookie("lang", "en")
    log_in(client, "nett@sor.no")
    page = client.get("/admin/organisation").text
    assert f'/admin/gatherings/{sor["coming"]}/briefing' in page
