"""Anonymity against the staff who run a survey (issue 15).

The threat: a unit lead who knows to whom each link went, who looks at a page before and after
one person answers and subtracts. So single-use links are shown once, when they are issued,
never as a list that shrinks as people answer; a count of 1 to k − 1 responses reads «fewer
than 5»; and a pooled figure leaves out every survey with 1 to k − 1 responses, so no survey
suppressed on its own page can be recovered by subtracting another page from it.

Since results are released in batches of k (tests/test_anonymity_batches.py), a survey has
1 to k − 1 released responses only when they were answered before the batches (a migrated
database marks them released) or k was lowered. Those are the counts these tests hide, so
their responses are released as such a database holds them (`release_waiting`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets

import pytest
import sqlalchemy as sa

import database
from questionnaires.item_types import AnswerValue
from questionnaires.queries import latest_version
from reporting.gatherings import table_of
from surveys.models import (
    Gathering,
    LinkMode,
    Network,
    ResponseSource,
    SingleUseLink,
    Survey,
    link_digest,
)
from surveys.operations import submit_response
from tests.conftest import csrf_of, log_in, release_waiting
from tests.test_gathering_table import make_network

LINK = re.compile(r"http://localhost/s/[A-Za-z0-9_-]+")
PSFS = [AnswerValue("activities.activity", 0, None, "Gå"),
        AnswerValue("activities.score", 0, 3.0, None)]


def text_of(response) -> str:
    return response.get_data(as_text=True)


def store(app, survey_id: int, how_many: int, answers=PSFS,
          source: ResponseSource = ResponseSource.WEB) -> None:
    """`how_many` responses, released as a database from before the batches holds them."""
    with app.app_context():
        db = database.session()
        survey = db.get(Survey, survey_id)
        for _ in range(how_many):
            submit_response(db, survey, None, secrets.token_urlsafe(18), "nb", answers,
                            dt.date(2026, 3, 2), source=source)
    release_waiting(app, survey_id)


@pytest.fixture
def lead(client, make_survey, make_account):
    """A unit lead signed in (in English), with an open survey of her unit."""
    survey = make_survey("psfs", title="Hjemmesykepleien")
    make_account("enhet@kommune.no", units=(survey.unit_id,))
    client.set_cookie("lang", "en")
    assert log_in(client, "enhet@kommune.no").status_code == 303
    return survey


def token_of(client, path: str = "/admin/surveys") -> str:
    return csrf_of(text_of(client.get(path)))


def create_single_use(app, client, lead, count: int):
    with app.app_context():
        version = latest_version(database.session(), "psfs").id
    data = {"csrf_token": token_of(client), "questionnaire_version": str(version),
            "unit": str(lead.unit_id), "gathering": "", "title": "Engangslenker",
            "period_label": "", "phase": "none", "opens_on": "", "closes_on": "",
            "invited": "", "layout": "sections", "link_mode": "single_use",
            "link_count": str(count)}
    return client.post("/admin/surveys/new", data=data)


def newest_survey(app) -> int:
    with app.app_context():
        return database.session().scalar(sa.select(sa.func.max(Survey.id)))


# --- 1. The links are shown once, when they are issued ---------------------------------------

ALREADY_SHOWN = {"nb": "Lenkene er allerede vist", "nn": "Lenkjene er allereie viste",
                 "en": "These links have already been shown"}


def issued_links(client, posted) -> tuple[str, str]:
    """The issuing post's redirect to the page without the links in its address, and that
    page's HTML, shown once."""
    assert posted.status_code == 303, posted.status_code
    location = posted.headers["Location"]
    assert re.fullmatch(r"/admin/surveys/\d+/links/issued", location), location
    page = client.get(location)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    return location, text_of(page)


def test_links_are_shown_once_when_issued_and_never_again(app, client, lead):
    _location, issued = issued_links(client, create_single_use(app, client, lead, 3))
    links = sorted(set(LINK.findall(issued)))
    assert len(links) == 3
    survey_id = newest_survey(app)
    page = text_of(client.get(f"/admin/surveys/{survey_id}"))
    assert "3 single-use links issued, 0 used." in page
    assert not LINK.findall(page)
    # No list of the links (which once dropped the used ones) can be fetched afterwards.
    assert client.get(f"/admin/surveys/{survey_id}/links.csv").status_code in (404, 405)
    assert client.get(f"/admin/surveys/{survey_id}/slips?lang=en").status_code in (404, 405)


def test_the_issued_links_download_as_csv_and_print_as_slips_from_the_issuing_page(
        app, client, lead):
    _location, issued = issued_links(client, create_single_use(app, client, lead, 12))
    survey_id = newest_survey(app)
    tokens = re.search(r'name="tokens" value="([^"]*)"', issued)
    posted = {"csrf_token": csrf_of(issued), "tokens": tokens.group(1)}
    response = client.post(f"/admin/surveys/{survey_id}/links.csv", data=posted)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["number", "link"] and len(rows) == 13
    assert sorted(row[1] for row in rows[1:]) == sorted(set(LINK.findall(issued)))
    slips = client.post(f"/admin/surveys/{survey_id}/slips", data={**posted, "lang": "en"})
    assert slips.status_code == 200 and "no-store" in slips.headers["Cache-Control"]
    assert text_of(slips).count('class="slip"') == 12
    assert rows[1][1] in text_of(slips)
    bad = client.post(f"/admin/surveys/{survey_id}/links.csv",
                      data={**posted, "tokens": "<script>"})
    assert bad.status_code == 400


def test_a_fresh_set_replaces_the_unused_links(app, client, lead):
    old = sorted(set(LINK.findall(issued_links(client, create_single_use(app, client, lead,
                                                                          3))[1])))
    survey_id = newest_survey(app)
    used = old[0].rsplit("/", 1)[1]
    store_through_link(app, survey_id, used)
    page = text_of(client.get(f"/admin/surveys/{survey_id}"))
    assert "3 single-use links issued, fewer than 5 used." in page
    fresh = client.post(f"/admin/surveys/{survey_id}/links",
                        data={"csrf_token": csrf_of(page), "count": "2", "replace": "y"})
    new = set(LINK.findall(issued_links(client, fresh)[1]))
    assert len(new) == 2 and not new & set(old)
    # The unused old links stop working, and answer like the used one: no way to tell them
    # apart, and «used» counts all three, whoever answered.
    for link in old:
        assert client.get(link.replace("http://localhost", "")).status_code == 410
    page = text_of(client.get(f"/admin/surveys/{survey_id}"))
    assert "5 single-use links issued, fewer than 5 used." in page


def test_more_links_keep_the_earlier_ones_working(app, client, lead):
    old = sorted(set(LINK.findall(issued_links(client, create_single_use(app, client, lead,
                                                                          2))[1])))
    survey_id = newest_survey(app)
    more = client.post(f"/admin/surveys/{survey_id}/links",
                       data={"csrf_token": token_of(client), "count": "2"})
    assert len(set(LINK.findall(issued_links(client, more)[1]))) == 2
    for link in old:
        assert client.get(link.replace("http://localhost", "")).status_code == 200
    assert "4 single-use links issued, 0 used." in text_of(client.get(
        f"/admin/surveys/{survey_id}"))


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_a_reload_of_the_issued_links_issues_nothing_and_withdraws_nothing(app, client, lead,
                                                                           lang):
    client.set_cookie("lang", lang)
    location, html = issued_links(client, create_single_use(app, client, lead, 3))
    shown = sorted(set(LINK.findall(html)))
    assert len(shown) == 3
    survey_id = newest_survey(app)
    page = text_of(client.get(f"/admin/surveys/{survey_id}"))
    fresh = client.post(f"/admin/surveys/{survey_id}/links",
                        data={"csrf_token": csrf_of(page), "count": "2", "replace": "y"})
    location, html = issued_links(client, fresh)
    fresh_links = sorted(set(LINK.findall(html)))
    for _ in range(2):  # reload, or Back and Forward to the page
        again = client.get(location)
        assert again.status_code == 410 and again.headers["Cache-Control"] == "no-store"
        assert ALREADY_SHOWN[lang] in text_of(again) and not LINK.findall(text_of(again))
    assert 'data-links-issued="5"' in text_of(client.get(f"/admin/surveys/{survey_id}"))
    for link in fresh_links:  # the set shown is not withdrawn by the reload
        assert client.get(link.replace("http://localhost", "")).status_code == 200
    other = app.test_client()  # another browser of the same lead: nothing to show
    other.set_cookie("lang", lang)
    assert log_in(other, "enhet@kommune.no").status_code == 303
    assert other.get(location).status_code == 410


def test_the_issued_links_are_in_no_cookie_in_clear(app, client, lead):
    posted = create_single_use(app, client, lead, 2)
    with client.session_transaction() as session:
        held = repr(dict(session))
    location, html = issued_links(client, posted)
    tokens = [link.rsplit("/", 1)[1] for link in LINK.findall(html)]
    assert tokens and not [t for t in tokens if t in held]
    with client.session_transaction() as session:
        assert "issued_links" not in session  # taken by the page that showed them


def store_through_link(app, survey_id: int, token: str) -> None:
    with app.app_context():
        db = database.session()
        # as `surveys.operations` uses a link: its digest's row goes, the use is counted
        link = db.scalars(sa.select(SingleUseLink).filter_by(
            token_digest=link_digest(app.secret_key, token))).one()
        db.delete(link)
        db.get(Survey, survey_id).links_used += 1
        db.commit()
    store(app, survey_id, 1)


# --- 2. Counts of 1 to k − 1 read «fewer than 5» ---------------------------------------------

COUNT_CELL = re.compile(r'<td class="num">([^<]*)</td>')


@pytest.mark.parametrize("path", ["/admin/surveys", "/admin/", "/admin/units/{unit}"])
def test_lists_say_fewer_than_five(app, client, lead, path):
    store(app, lead.id, 3)
    html = text_of(client.get(path.format(unit=lead.unit_id)))
    assert COUNT_CELL.findall(html) == ["fewer than 5"]


@pytest.mark.parametrize(("responses", "shown"), [(0, "0"), (5, "5")])
def test_none_and_enough_are_counted(app, client, lead, responses, shown):
    store(app, lead.id, responses)
    assert COUNT_CELL.findall(text_of(client.get("/admin/surveys"))) == [shown]


def test_survey_page_and_delete_page_say_no_number_below_five(app, client, lead):
    store(app, lead.id, 3)
    page = text_of(client.get(f"/admin/surveys/{lead.id}"))
    assert re.search(r"<dt>Responses</dt>\s*<dd>fewer than 5", page)
    delete = text_of(client.get(f"/admin/surveys/{lead.id}/responses/delete"))
    assert "3 responses" not in delete and 'data-count="3"' not in delete
    assert "Fewer than 5 responses will be deleted" in delete


PAPER_COUNT = re.compile(r'<p class="ds-paragraph" data-paper-count[^>]*>([^<]*)</p>')


def paper_entry_says(client, survey_id: int) -> str:
    return PAPER_COUNT.search(text_of(client.get(f"/admin/surveys/{survey_id}/paper-entry"))
                              ).group(1)


@pytest.mark.parametrize(("web", "paper", "says"), [
    (0, 0, "No paper forms have been entered yet."),
    (0, 3, "Fewer than 5 paper forms entered so far"),
    (5, 3, "Fewer than 5 paper forms entered so far"),
    # 5 from paper would give the 2 online away, subtracted from the survey's 7 responses:
    (2, 5, "Fewer than 5 paper forms entered so far"),
    (0, 5, "5 paper forms entered so far."),
    (5, 6, "6 paper forms entered so far."),
])
def test_the_paper_entry_page_counts_by_the_same_rule(app, client, lead, web, paper, says):
    store(app, lead.id, web)
    store(app, lead.id, paper, source=ResponseSource.PAPER)
    assert paper_entry_says(client, lead.id).startswith(says)
    survey_page = text_of(client.get(f"/admin/surveys/{lead.id}"))
    if "from paper" not in survey_page:  # held back there: held back here, for either reason
        assert not re.search(r"\b[1-9]\d* paper form", paper_entry_says(client, lead.id))


def test_saving_a_paper_form_flashes_no_count(app, client, lead):
    page = text_of(client.get(f"/admin/surveys/{lead.id}/paper-entry"))
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    saved = client.post(f"/admin/surveys/{lead.id}/paper-entry", data={
        "csrf_token": csrf_of(page), "submission_key": key, "nav": "submit",
        "activities-0-activity": "Gå", "activities-0-score": "4"})
    assert saved.status_code == 303
    html = text_of(client.get(saved.headers["Location"]))
    assert "1 paper form" not in html and 'data-paper-count="1"' not in html
    assert "Fewer than 5 paper forms entered so far" in html


SEEN = re.compile(r'name="seen" type="hidden" value="([^"]+)"')


def test_the_delete_page_of_a_unit_pools_as_every_page_does(app, client, make_survey,
                                                              make_account):
    """A network lead about to delete a unit: one survey of 3 responses («fewer than 5» on its
    page) and one of 6. «9 responses» minus the 6 would give the 3, so they are left out."""
    small = make_survey("psfs", title="Liten")
    with app.app_context():
        db = database.session()
        unit = db.get(Survey, small.id).unit
        big = Survey(title="Stor", questionnaire=latest_version(db, "psfs"), unit=unit,
                     link_mode=LinkMode.OPEN)
        db.add(big)
        db.commit()
        big_id, network_id = big.id, unit.organisation.memberships[0].network_id
    store(app, small.id, 3)
    store(app, big_id, 6)
    make_account("nett@ks.no", networks=(network_id,))
    client.set_cookie("lang", "en")
    assert log_in(client, "nett@ks.no").status_code == 303
    url = f"/admin/units/{small.unit_id}/delete"
    page = text_of(client.get(url))
    assert "6 responses, with all their answers" in page
    assert "9 responses" not in page and "3 responses" not in page
    assert "fewer than 5 responses in 1 survey, with all their answers" in page
    assert not {"3", "9"} & set(SEEN.search(page).group(1).split("-"))
    store(app, small.id, 1)  # 4: still «fewer than 5», so nothing shown has changed
    confirmed = client.post(url, data={"csrf_token": csrf_of(page), "confirm": "y",
                                       "seen": SEEN.search(page).group(1)})
    assert confirmed.status_code == 303


def test_the_api_list_suppresses_below_five(app, lead):
    from analytics.small_groups import SmallGroups
    from api.objects import survey as api_survey

    with app.app_context():
        found = database.session().get(Survey, lead.id)
        shown = api_survey(found, 3, SmallGroups(5), dt.date(2026, 3, 2), "en")
    assert shown.responses is None and shown.suppressed


# --- 4. Pooled gathering figures leave out surveys with 1 to k − 1 responses -----------------

def gathering_with(app, name: str, sizes: list[int]) -> tuple[int, list[int]]:
    """One network, one gathering, a «samling» survey per size; returns (network, surveys)."""
    with app.app_context():
        db = database.session()
        network = make_network(db, name)
        gathering = Gathering(network=network, number=1)
        db.add(gathering)
        surveys = [Survey(title=f"Samling 1 del {i}", questionnaire=latest_version(db, "samling"),
                          gathering=gathering, invited=10, link_mode=LinkMode.OPEN)
                   for i, _ in enumerate(sizes)]
        db.add_all(surveys)
        db.commit()
        ids = [s.id for s in surveys]
        for survey, size, value in zip(surveys, sizes, (1, 5), strict=False):
            for _ in range(size):
                submit_response(db, survey, None, secrets.token_urlsafe(18), "nb",
                                [AnswerValue("nytte_totalt", 0, float(value), None)],
                                dt.date(2026, 3, 2))
        network_id = network.id
    for survey_id in ids:
        release_waiting(app, survey_id)
    return network_id, ids


def table(app, network_id: int):
    with app.test_request_context():
        return table_of(database.session().get(Network, network_id), "en")


def test_the_gathering_table_leaves_out_a_survey_with_three_responses(app):
    network_id, (seven, three) = gathering_with(app, "Vest", [7, 3])
    alone_id, _ = gathering_with(app, "Nord", [7])
    pooled, alone = table(app, network_id), table(app, alone_id)
    assert pooled.blocks == alone.blocks
    assert [(c.responses, c.invited, c.rate) for c in pooled.columns] == [
        (c.responses, c.invited, c.rate) for c in alone.columns] == [(7, 10, 0.7)]
    assert [c.left_out for c in pooled.columns] == [1]
    with app.app_context():
        db = database.session()
        submit_response(db, db.get(Survey, three), None, secrets.token_urlsafe(18), "nb",
                        [AnswerValue("nytte_totalt", 0, 5.0, None)], dt.date(2026, 3, 3))
    assert table(app, network_id) == pooled


def test_the_network_overview_leaves_out_a_baseline_survey_with_three_responses():
    from analytics.small_groups import SmallGroups
    from reporting.network_overview import PhaseCell, phase_cell

    rule = SmallGroups(5)
    assert phase_cell((7, 3), rule) == phase_cell((7, 4), rule) == PhaseCell(True, 7)
    assert phase_cell((3, 4), rule) == PhaseCell(True, None)  # «Yes, fewer than 5»
    assert phase_cell((), rule) == phase_cell((0,), rule) == PhaseCell(False, None)
    assert phase_cell((5, 0), rule) == PhaseCell(True, 5)
