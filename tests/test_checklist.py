"""The pathway checklist: filling it in (link and logged in), the date and label items, the
unit's run chart in words, the marked change, steps, months, exports and the network view.

The statistics themselves are tested by hand in tests/test_spc.py; here hand-made series go
through the database and the pages, so each sentence a page says is checked against a series
whose answer is known.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets

import openpyxl
import pytest
import sqlalchemy as sa

import database
from questionnaires.item_types import AnswerValue, parse_date
from questionnaires.loader import DefinitionError, builtin_definitions, parse_definition
from reporting import checklist
from surveys.account_models import AuditEntry
from surveys.models import Answer, Response, ResponseSource, Survey
from surveys.operations import submit_response
from tests.conftest import (
    csrf_of,
    form_tokens,
    leads,
    log_in,
    page_of,
    release_waiting,
    respond,
    response_count,
)
from util import dates

pytestmark = pytest.mark.both_backends  # series aggregated in SQL

DEFINITION = builtin_definitions()["sjekkliste"]
STEPS = [item.id for item in DEFINITION.checklist_items()]
FIRST_DAY = dt.date.today() - dt.timedelta(days=300)


def marks(done: int, not_done: int | None = None) -> dict[str, str]:
    """A pathway whose first `done` steps were done and the next `not_done` (default: the
    rest) not done; any left over were not relevant."""
    not_done = len(STEPS) - done if not_done is None else not_done
    values = ["done"] * done + ["not_done"] * not_done
    values += ["not_relevant"] * (len(STEPS) - len(values))
    return dict(zip(STEPS, values, strict=True))


def store(app, survey_id: int, series: list[dict[str, str]], *, first: dt.date = FIRST_DAY,
          label: str | None = "F") -> None:
    """Store one checklist per entry of `series`, pathway i starting 5·i days after `first`.

    The series are made by hand for what the chart must say of them, not in multiples of k,
    so the pathways that did not fill a batch are released too (`release_waiting`)."""
    with app.app_context():
        db = database.session()
        survey = db.get(Survey, survey_id)
        for index, steps in enumerate(series):
            start = first + dt.timedelta(days=5 * index)
            answers = [AnswerValue("forlop_start", 0, None, start.isoformat())]
            if label:
                answers.append(AnswerValue("forlop_merke", 0, None, f"{label}-{index + 1}"))
            answers += [AnswerValue(step, 0, {"done": 1.0, "not_done": 0.0}.get(mark), mark)
                        for step, mark in steps.items()]
            submit_response(db, survey, None, secrets.token_urlsafe(12), "nb", answers,
                            start + dt.timedelta(days=30))
    release_waiting(app, survey_id)


def day_of(index: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=5 * index)


LOW = [4, 5, 3, 5, 4, 3, 5, 4, 3, 5]  # steps done of 10: median 40 %
HIGH = [8, 9, 8, 9, 8, 9, 8, 9, 8, 9]


# --- The definition ------------------------------------------------------------------------

def test_the_builtin_checklist_names_its_pathway_items():
    assert DEFINITION.pathway.start == "forlop_start"
    assert DEFINITION.item("forlop_start").type == "date"
    assert DEFINITION.item("forlop_merke").type == "text"
    assert len(STEPS) == 10


@pytest.mark.parametrize(("change", "message"), [
    ("start: forlop_merke", "pathway.start: 'forlop_merke' is not a date item"),
    ("start: nowhere", "pathway.start: 'nowhere' is not a date item"),
    ("label: steg", "pathway.label: 'steg' is not a text item"),
])
def test_a_pathway_block_must_point_at_the_right_items(change, message):
    key, value = change.split(": ")
    start, label = (value, "merke") if key == "start" else ("start", value)
    text = f"""
id: egen
version: 1
title: {{nb: T, nn: T, en: T}}
source: {{nb: S, nn: S, en: S}}
pathway: {{start: {start}, label: {label}}}
sections:
  - id: a
    items:
      - {{id: start, type: date, text: {{nb: D, nn: D, en: D}}}}
      - {{id: merke, type: text, text: {{nb: M, nn: M, en: M}}}}
      - {{id: steg, type: checklist, text: {{nb: S, nn: S, en: S}}}}
"""
    with pytest.raises(DefinitionError) as error:
        parse_definition(text)
    assert message in str(error.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-01", dt.date(2026, 3, 1)), ("1.3.2026", dt.date(2026, 3, 1)),
    ("01.03.2026", dt.date(2026, 3, 1)), ("31.02.2026", None), ("2026-3-1", None),
    ("yesterday", None), ("", None), ("1.3.26", None), ("2026-03-01T10:00", None),
])
def test_dates_are_read_as_a_picker_sends_them_or_as_people_write_them(text, expected):
    assert parse_date(text) == expected


# --- Filling it in through the unit's link ------------------------------------------------

def link_answers(start: str, label: str = "") -> dict[str, str]:
    return {"forlop_start": start, "forlop_merke": label, **marks(7, 2)}


def test_a_checklist_sent_through_the_link_stores_the_date_as_iso(app, client, make_survey):
    survey = make_survey("sjekkliste")
    day = dt.date.today() - dt.timedelta(days=10)
    response = respond(client, survey.public_token,
                       link_answers(day.strftime("%d.%m.%Y"), "Løpenr 12"))
    assert response.status_code == 303
    with app.app_context():
        rows = dict(database.session().execute(
            sa.select(Answer.item, Answer.value_text).where(Answer.survey_id == survey.id)).all())
    assert rows["forlop_start"] == day.isoformat()
    assert rows["forlop_merke"] == "Løpenr 12"
    assert rows[STEPS[7]] == "not_done" and rows[STEPS[9]] == "not_relevant"


@pytest.mark.parametrize(("start", "label", "message"), [
    ("", "", "Answer this question."),
    ("not a date", "", "Write the date as dd.mm.yyyy, for example 23.11.2026."),
    ((dt.date.today() + dt.timedelta(days=2)).isoformat(), "", "and today."),
    ("01.01.1999", "", "and today."),
    ((dt.date.today() - dt.timedelta(days=3)).isoformat(), "010190 12345",
     "Do not write a national identity number here."),
])
def test_a_bad_date_or_an_identity_number_is_refused_and_nothing_stored(
        app, client, make_survey, start, label, message):
    survey = make_survey("sjekkliste")
    client.set_cookie("lang", "en")
    response = respond(client, survey.public_token, link_answers(start, label))
    if label:  # an identity number is refused at once: never kept, not even between pages
        assert response.status_code == 422
    else:  # a person's slip: the page shows it at its own address (issue 18)
        assert response.status_code == 303
        response = client.get(response.headers["Location"])
        assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert response_count(app, survey.id) == 0


def test_the_date_field_is_a_date_input_bounded_to_the_years_it_accepts(app, client,
                                                                         make_survey):
    survey = make_survey("sjekkliste")
    html = client.get(f"/s/{survey.public_token}").get_data(as_text=True)
    with app.app_context():
        today = dates.today()  # Norway's date, as the form's: not the machine's (UTC)
    assert 'type="date" id="f-forlop_start" name="forlop_start"' in html
    assert f'max="{today.isoformat()}"' in html
    assert f'min="{today.replace(year=today.year - 5).isoformat()}"' in html


# --- Filling it in when logged in ---------------------------------------------------------

def test_staff_fill_in_a_checklist_when_logged_in(app, client, make_survey, make_account):
    survey = make_survey("sjekkliste")
    lead, _network_lead = leads(app, make_account, survey.id)
    html = page_of(client, lead, f"/admin/surveys/{survey.id}/checklist/new")
    assert 'id="f-forlop_start"' in html and html.count('type="radio"') == 3 * len(STEPS)
    day = dt.date.today() - dt.timedelta(days=4)
    data = {**form_tokens(html), "nav": "another", **link_answers(day.isoformat(), "A-1")}
    response = client.post(f"/admin/surveys/{survey.id}/checklist/new", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/surveys/{survey.id}/checklist/new")
    assert "Saved. 1 pathway so far." in client.get(response.headers["Location"]).get_data(
        as_text=True)
    again = client.post(f"/admin/surveys/{survey.id}/checklist/new", data=data)
    assert again.status_code == 303
    with app.app_context():
        stored = database.session().scalars(sa.select(Response)).all()
    assert len(stored) == 1 and stored[0].source is ResponseSource.WEB


def test_an_invalid_checklist_from_staff_is_shown_again_and_not_stored(
        app, client, make_survey, make_account):
    survey = make_survey("sjekkliste")
    lead, _ = leads(app, make_account, survey.id)
    html = page_of(client, lead, f"/admin/surveys/{survey.id}/checklist/new")
    data = {**form_tokens(html), "nav": "done", **link_answers("32.13.2026")}
    response = client.post(f"/admin/surveys/{survey.id}/checklist/new", data=data)
    assert response.status_code == 422
    assert "Write the date as dd.mm.yyyy" in response.get_data(as_text=True)
    tampered = client.post(f"/admin/surveys/{survey.id}/checklist/new",
                           data={**data, "forlop_start": "2026-01-05", "extra": "x"})
    assert tampered.status_code == 400
    assert response_count(app, survey.id) == 0


def test_a_closed_checklist_takes_no_more_pathways(app, client, make_survey, make_account):
    survey = make_survey("sjekkliste", is_closed=True)
    lead, _ = leads(app, make_account, survey.id)
    client.set_cookie("lang", "en")
    log_in(client, lead)
    response = client.get(f"/admin/surveys/{survey.id}/checklist/new")
    assert response.status_code == 409
    assert "This survey is closed" in response.get_data(as_text=True)


def test_a_survey_that_is_not_a_checklist_has_no_checklist_page(app, client, make_survey,
                                                               make_account):
    survey = make_survey("brukerundersokelse")
    lead, _ = leads(app, make_account, survey.id)
    log_in(client, lead)
    assert client.get(f"/admin/surveys/{survey.id}/checklist").status_code == 404


# --- Reading the pathways ------------------------------------------------------------------

def test_pathways_come_in_the_order_they_started_with_their_compliance(app, make_survey):
    survey = make_survey("sjekkliste")
    store(app, survey.id, [marks(5), marks(10), marks(0, 0)])
    with app.app_context():
        db = database.session()
        # One more whose date was left out: it is placed by the day it was stored.
        submit_response(db, db.get(Survey, survey.id), None, "no-date", "nb",
                        [AnswerValue(STEPS[0], 0, 1.0, "done")], FIRST_DAY)
    release_waiting(app, survey.id)
    with app.app_context():
        records = checklist.pathway_records(database.session(), survey.id, DEFINITION)
    assert [r.when for r in records] == [FIRST_DAY, day_of(0), day_of(1), day_of(2)]
    assert [r.compliance for r in records] == [1.0, 0.5, 1.0, None]
    assert [r.label for r in records] == [None, "F-1", "F-2", "F-3"]


def test_steps_most_skipped_come_first_and_months_count_relevant_steps(app, make_survey):
    survey = make_survey("sjekkliste")
    store(app, survey.id, [marks(9, 1), marks(8, 1), marks(10)])
    with app.app_context():
        records = checklist.pathway_records(database.session(), survey.id, DEFINITION)
    steps = checklist.step_compliance(DEFINITION, records)
    # The last step: not done, not relevant, done (50 %); the one before: 2 of 3 done.
    assert [step.item.id for step in steps[:2]] == [STEPS[9], STEPS[8]]
    assert (steps[0].done, steps[0].not_done, steps[0].not_relevant) == (1, 1, 1)
    assert steps[0].compliance == 0.5 and steps[1].compliance == pytest.approx(2 / 3)
    assert steps[-1].item.id == STEPS[7] and steps[-1].compliance == 1.0
    months = checklist.month_counts(records)
    assert sum(m.done for m in months) == 27 and sum(m.total for m in months) == 29


# --- The unit's page -------------------------------------------------------------------------

def checklist_html(app, client, make_survey, make_account, series, **survey_values):
    survey = make_survey("sjekkliste", **survey_values)
    store(app, survey.id, series)
    lead, network_lead = leads(app, make_account, survey.id)
    return survey, lead, network_lead, page_of(client, lead,
                                               f"/admin/surveys/{survey.id}/checklist")


def test_a_shift_and_too_few_crossings_are_said_in_words(app, client, make_survey,
                                                        make_account):
    series = [marks(k) for k in LOW + HIGH]
    _survey, _lead, _nl, html = checklist_html(app, client, make_survey, make_account, series)
    assert "20 pathways, median 65%." in html
    assert "A shift: 10 pathways in a row below the median." in html
    assert "A shift: 10 pathways in a row above the median." in html
    assert "More than 7 in a row seldom happens by chance." in html
    assert ("Too few crossings: the line crosses the median 1 times, where at least 6 were "
            "expected.") in html


def test_random_noise_gives_no_signal(app, client, make_survey, make_account):
    series = [marks(k) for k in [5, 7, 4, 8, 6, 3, 7, 5, 8, 4, 6, 7, 3, 8, 5, 6]]
    _s, _l, _n, html = checklist_html(app, client, make_survey, make_account, series)
    assert "No signal: the variation looks random." in html
    assert "A shift" not in html and "Too few crossings" not in html


def test_too_few_useful_points_is_said_and_so_is_a_median_of_100(app, client, make_survey,
                                                                make_account):
    series = [marks(10)] * 9 + [marks(8), marks(9), marks(10)]
    _s, _l, _n, html = checklist_html(app, client, make_survey, make_account, series)
    assert "Too few useful points (2 of 12) for the rules to work" in html
    assert "The median is 100 %, so most pathways lie on it" in html
    assert "No signal" not in html


def test_marking_a_change_splits_the_chart_and_calls_an_improvement(app, client, make_survey,
                                                                   make_account):
    series = [marks(k) for k in LOW + HIGH]
    survey, lead, _nl, html = checklist_html(app, client, make_survey, make_account, series)
    response = client.post(f"/admin/surveys/{survey.id}/checklist/change", data={
        "csrf_token": csrf_of(html), "change_on": day_of(10).isoformat(),
        "change_note": "Sjekklisten på morgenmøtet", "nav": "save"})
    assert response.status_code == 303
    html = client.get(f"/admin/surveys/{survey.id}/checklist").get_data(as_text=True)
    assert "Before the change" in html and "After the change" in html
    assert "10 pathways, median 40%." in html and "10 pathways, median 85%." in html
    assert ("An improvement: after the change, the pathways lie above the median from before "
            "(40%) more often than chance explains.") in html
    assert "Sjekklisten på morgenmøtet" in html
    with app.app_context():
        db = database.session()
        assert db.get(Survey, survey.id).change_on == day_of(10)
        assert db.scalar(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc())) == \
            "survey.change"
    csv = client.get(f"/admin/surveys/{survey.id}/checklist/series.csv").get_data(as_text=True)
    lines = csv.lstrip("\ufeff").splitlines()
    first_after = lines[11].split(";")
    # Not a signal around its own phase's median, but in the run against the one from before.
    assert (first_after[4], first_after[5], first_after[7], first_after[8]) == (
        "after", "85", "no", "yes")
    removed = client.post(f"/admin/surveys/{survey.id}/checklist/change",
                          data={"csrf_token": csrf_of(html), "nav": "remove"})
    assert removed.status_code == 303
    html = client.get(f"/admin/surveys/{survey.id}/checklist").get_data(as_text=True)
    assert "Before the change" not in html and "An improvement" not in html


def test_no_improvement_when_after_the_change_nothing_changed(app, client, make_survey,
                                                              make_account):
    series = [marks(k) for k in LOW + LOW + LOW]
    survey = make_survey("sjekkliste", change_on=day_of(10))
    store(app, survey.id, series)
    lead, _ = leads(app, make_account, survey.id)
    html = page_of(client, lead, f"/admin/surveys/{survey.id}/checklist")
    assert "No clear change yet" in html and "An improvement" not in html


def test_a_bad_change_date_is_refused_with_a_message(app, client, make_survey, make_account):
    survey, _lead, _nl, html = checklist_html(app, client, make_survey, make_account,
                                              [marks(5)])
    response = client.post(f"/admin/surveys/{survey.id}/checklist/change", data={
        "csrf_token": csrf_of(html), "change_on": "someday", "nav": "save"})
    assert response.status_code == 422
    assert "Write a date such as 2026-03-01." in response.get_data(as_text=True)
    with app.app_context():
        assert database.session().get(Survey, survey.id).change_on is None


def test_labels_are_shown_to_the_units_own_lead_only(app, client, make_survey, make_account):
    survey, lead, network_lead, html = checklist_html(app, client, make_survey, make_account,
                                                      [marks(5), marks(6)])
    assert "F-1" in html and "Your reference" in html
    own_csv = client.get(f"/admin/surveys/{survey.id}/checklist/series.csv").get_data(
        as_text=True)
    assert ";F-1;" in own_csv
    client.get("/admin/logout")
    other = page_of(client, network_lead, f"/admin/surveys/{survey.id}/checklist")
    assert "F-1" not in other and "Your reference" not in other
    csv = client.get(f"/admin/surveys/{survey.id}/checklist/series.csv").get_data(as_text=True)
    assert "F-1" not in csv


def test_steps_and_months_are_on_the_page_and_in_the_workbook(app, client, make_survey,
                                                             make_account):
    survey, _lead, _nl, html = checklist_html(app, client, make_survey, make_account,
                                              [marks(9, 1), marks(8, 1), marks(10)])
    assert "Compliance per step" in html and "Steps done per month" in html
    response = client.get(f"/admin/surveys/{survey.id}/checklist/series.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["pathways", "steps", "months"]
    steps = list(book["steps"].values)
    assert steps[1][0] == STEPS[9] and steps[1][2:] == (1, 1, 1, 50)
    months = list(book["months"].values)
    done = months[0].index("steps_done")
    assert sum(row[done] for row in months[1:]) == 27


def test_the_charts_come_as_svg_and_png_and_laney_is_a_choice(app, client, make_survey,
                                                             make_account):
    survey, _lead, _nl, html = checklist_html(app, client, make_survey, make_account,
                                              [marks(k) for k in LOW + HIGH])
    base = f"/admin/surveys/{survey.id}/checklist"
    svg = client.get(f"{base}/run-chart.svg")
    assert svg.status_code == 200 and svg.content_type.startswith("image/svg+xml")
    assert "Median" in svg.get_data(as_text=True)
    png = client.get(f"{base}/run-chart.png?download=1")
    assert png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "attachment" in png.headers["Content-Disposition"]
    laney = client.get(f"{base}/p-chart.svg?laney=1").get_data(as_text=True)
    assert "Laney" in laney
    assert client.get(f"{base}/p-chart.svg?laney=yes").status_code == 400
    assert client.get(f"{base}?laney=2").status_code == 400
    assert "Laney's p′ chart: its limits" in client.get(f"{base}?laney=1").get_data(
        as_text=True)


# --- The network -------------------------------------------------------------------------------

def test_the_network_sees_each_units_median_and_signals_from_five_pathways(
        app, client, make_survey, make_account):
    big = make_survey("sjekkliste")
    store(app, big.id, [marks(k) for k in LOW + HIGH])
    with app.app_context():
        db = database.session()
        big_survey = db.get(Survey, big.id)
        network_id = big_survey.unit.organisation.memberships[0].network_id
        small = Survey(title="Liten", questionnaire=big_survey.questionnaire,
                       unit=type(big_survey.unit)(name="Liten enhet",
                                                 organisation=big_survey.unit.organisation))
        db.add(small)
        db.commit()
        small_id = small.id
    store(app, small_id, [marks(5)] * 4, label=None)
    make_account("nett@a.no", networks=(network_id,))
    html = page_of(client, "nett@a.no", f"/admin/networks/{network_id}/checklists")
    assert "A shift: 10 pathways in a row below the median." in html
    assert "65%" in html
    assert "fewer than 5" in html
    assert "F-1" not in html
    elsewhere = make_survey("sjekkliste")
    with app.app_context():
        found = database.session().get(Survey, elsewhere.id)
        other_network = found.unit.organisation.memberships[0].network_id
    make_account("annen@b.no", networks=(other_network,))
    client.get("/admin/logout")
    log_in(client, "annen@b.no")
    assert client.get(f"/admin/networks/{network_id}/checklists").status_code == 404


def test_the_demo_unit_shows_a_real_improvement_after_its_marked_change(app, client, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    client.set_cookie("lang", "en")
    with app.app_context():
        survey = database.session().scalar(
            sa.select(Survey).where(Survey.change_on.is_not(None)))
        survey_id = survey.id
    log_in(client, "admin@demo.no", "demo-passord-2026")
    html = client.get(f"/admin/surveys/{survey_id}/checklist").get_data(as_text=True)
    assert "An improvement: after the change, the pathways lie above the median" in html
    svg = client.get(f"/admin/surveys/{survey_id}/checklist/run-chart.svg").get_data(
        as_text=True)
    assert "After the change, in a run against the median before it" in svg
    assert "Median before the change" in svg


# --- The p-chart at a marked change ----------------------------------------------------------

# Pathways every 5 days from 1 January 2025 (LOW then HIGH), the change on the day of the
# 11th (20 February), so February holds pathways from both sides of it:
#   month    before (LOW)                       after (HIGH)
#   Jan      7 pathways: 4+5+3+5+4+3+5 = 29/70  –
#   Feb      3 pathways: 4+3+5 = 12/30          2 pathways: 8+9 = 17/20
#   Mar      –                                  6 pathways: 8+9+8+9+8+9 = 51/60
#   Apr      –                                  2 pathways: 8+9 = 17/20
#   p̄ before = 41/100 = 41 %, after = 85/100 = 85 % (one p̄ for all would be 126/200 = 63 %)
SPLIT_FIRST = dt.date(2025, 1, 1)
SPLIT_CHANGE = dt.date(2025, 2, 20)


def test_the_p_chart_is_split_at_the_change_and_no_month_straddles_it(
        app, client, make_survey, make_account):
    survey = make_survey("sjekkliste", change_on=SPLIT_CHANGE)
    store(app, survey.id, [marks(k) for k in LOW + HIGH], first=SPLIT_FIRST)
    lead, _ = leads(app, make_account, survey.id)
    html = page_of(client, lead, f"/admin/surveys/{survey.id}/checklist")
    base = f"/admin/surveys/{survey.id}/checklist"
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/series.xlsx").data))
    months = list(book["months"].values)
    header = months[0]
    wanted = ("month", "phase", "steps_done", "steps_relevant", "centre_percent")
    assert [tuple(row[header.index(column)] for column in wanted) for row in months[1:]] == [
        ("2025-01", "before", 29, 70, 41), ("2025-02", "before", 12, 30, 41),
        ("2025-02", "after", 17, 20, 85), ("2025-03", "after", 51, 60, 85),
        ("2025-04", "after", 17, 20, 85)]
    # The page's table says the phase of each month, and its centre line per phase.
    table = html[html.index("<caption>Steps done per month</caption>"):]
    table = table[:table.index("</table>")]
    assert table.count("Feb 2025") == 2
    assert table.count("Before the change") == 2 and table.count("After the change") == 3
    assert "Average before the change: 41%." in html and "Average after the change: 85%." in html
    svg = client.get(f"{base}/p-chart.svg").get_data(as_text=True)
    assert "Average 41%" in svg and "Average 85%" in svg and "Change" in svg
    assert "Average 63%" not in svg


def test_without_a_change_the_p_chart_has_one_centre_line(app, client, make_survey,
                                                          make_account):
    survey = make_survey("sjekkliste")
    store(app, survey.id, [marks(k) for k in LOW + HIGH], first=SPLIT_FIRST)
    lead, _ = leads(app, make_account, survey.id)
    html = page_of(client, lead, f"/admin/surveys/{survey.id}/checklist")
    assert "Average before the change" not in html
    svg = client.get(f"/admin/surveys/{survey.id}/checklist/p-chart.svg").get_data(
        as_text=True)
    assert "Average 63%" in svg
    with app.app_context():
        records = checklist.pathway_records(database.session(), survey.id, DEFINITION)
    assert [(m.month.month, m.done, m.total) for m in checklist.month_counts(records)] == [
        (1, 29, 70), (2, 29, 50), (3, 51, 60), (4, 17, 20)]


def test_the_p_chart_names_the_change_with_the_noun(app, client, make_survey, make_account):
    """«Endring», the noun, as on the run chart; never the edit button's «Endre»."""
    survey = make_survey("sjekkliste", change_on=SPLIT_CHANGE)
    store(app, survey.id, [marks(k) for k in LOW + HIGH], first=SPLIT_FIRST)
    lead, _ = leads(app, make_account, survey.id)
    page_of(client, lead, f"/admin/surveys/{survey.id}/checklist")
    client.set_cookie("lang", "nb")
    svg = client.get(f"/admin/surveys/{survey.id}/checklist/p-chart.svg").get_data(as_text=True)
    assert ">Endring<" in svg and ">Endre<" not in svg
