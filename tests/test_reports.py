"""The one-page reports (issue 17): a survey's, a gathering evaluation's and a comparison's,
each with n, the figures its full page shows (the same numbers, from the same read), the
method in one sentence, the day it was made and the chart from the chart route; nothing
under the small-group minimum; 404 outside the reader's scope as on the full pages; and a
400 with a message, never a 500, for what the comparison report is asked to compare.

The datasets are those of tests/test_results.py (the gathering evaluation, low is good,
figures computed by hand there) and tests/test_comparison.py (the user survey of unit A,
spring 2025 against spring 2026, high is good).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask_babel import force_locale, format_date

import database
from questionnaires.queries import latest_version
from surveys.models import Gathering, Network, Organisation, Survey, Unit
from tests.conftest import leads, log_in, page_of, release_waiting
from tests.test_comparison import A_2025, A_2026, row_of
from tests.test_comparison import store as store_scores
from tests.test_results import SAMLING, store
from util.dates import today

pytestmark = pytest.mark.both_backends  # figures aggregated in SQL


def today_written(app, lang: str = "en") -> str:
    with app.test_request_context(), force_locale(lang):
        return format_date(today(), "long")


def block(html: str, start: str, end: str) -> str:
    """The part of `html` from the first `start` to the `end` after it."""
    first = html.index(start)
    return html[first:html.index(end, first) + len(end)]


# --- A survey's report ----------------------------------------------------------------------

@pytest.fixture
def evaluation(app, make_survey, make_account, keep_world):
    """The gathering evaluation of tests/test_results.py: six responses, eight invited."""
    def build():
        survey = make_survey("samling", invited=8)
        for answers in SAMLING:
            store(app, survey.id, answers)
        release_waiting(app, survey.id)
        return survey.id, leads(app, make_account, survey.id)[0]

    survey_id, unit_lead = keep_world("test_reports.evaluation", build)
    with app.app_context():
        return database.session().get(Survey, survey_id), unit_lead


def test_the_report_shows_n_the_results_figures_the_method_and_the_day(app, client,
                                                                       evaluation):
    survey, lead = evaluation
    results = page_of(client, lead, f"/admin/surveys/{survey.id}/results")
    html = page_of(client, lead, f"/admin/surveys/{survey.id}/report")
    assert re.search(r'<dd data-n>\s*6\s*</dd>', html)
    assert "<dt>Invited</dt><dd>8</dd>" in html and "75%" in html
    # The mean of «Usefulness of the gathering overall», as the results page writes it.
    figure = "1.8 <span class=\"ci\">(95% CI 1.0 to 2.8)</span>"
    assert figure in results and figure in html
    assert "<td class=\"num\">80.0</td>" in html
    assert "Mean per question with 95% confidence interval; lower is better." in html
    assert f"Made {today_written(app)}" in html
    assert f'<img src="/admin/surveys/{survey.id}/report/chart?fmt=svg"' in html
    assert f"/admin/surveys/{survey.id}/report/chart?fmt=png&amp;download=1" in html
    assert "Mer gruppearbeid" not in html  # free text stays on the results page
    assert f'href="/admin/surveys/{survey.id}/report"' in results


def test_the_report_is_in_norwegian_by_default(app, client, evaluation):
    survey, lead = evaluation
    log_in(client, lead)
    html = client.get(f"/admin/surveys/{survey.id}/report").get_data(as_text=True)
    assert f"Laget {today_written(app, 'nb')}" in html
    assert "Gjennomsnitt per spørsmål med 95 % konfidensintervall; lavere er bedre." in html
    assert "Skriv ut / lagre som PDF" in html


def test_a_survey_with_categories_shows_the_results_pages_category_table(app, client,
                                                                         make_survey,
                                                                         make_account):
    survey = make_survey("brukerundersokelse", period_label="Vår 2026",
                         opens_on=dt.date(2026, 3, 1), closes_on=dt.date(2026, 3, 31))
    for answers in A_2026:
        store_scores(app, survey.id, answers)
    release_waiting(app, survey.id)
    lead, _network_lead = leads(app, make_account, survey.id)
    results = page_of(client, lead, f"/admin/surveys/{survey.id}/results")
    html = page_of(client, lead, f"/admin/surveys/{survey.id}/report")
    table = block(results, "<caption>Category scores</caption>", "</table>")
    assert table in html
    assert "<td class=\"num\">5.5 <span class=\"ci\">(95% CI 4.4 to 6.6)</span></td>" in table
    assert "Mean per category with 95% confidence interval; higher is better." in html
    assert "Vår 2026, Mar 1, 2026–Mar 31, 2026" in html
    assert "Testenhet (Testkommune)" in html
    chart = client.get(f"/admin/surveys/{survey.id}/report/chart?fmt=svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert "Mean per category on 0–100" in chart.get_data(as_text=True)


def test_fewer_than_the_minimum_shows_no_means(app, client, make_survey, make_account):
    survey = make_survey("brukerundersokelse")
    for answers in A_2026[:4]:
        store_scores(app, survey.id, answers)
    release_waiting(app, survey.id)
    lead, _network_lead = leads(app, make_account, survey.id)
    html = page_of(client, lead, f"/admin/surveys/{survey.id}/report")
    assert re.search(r"<dd data-n>\s*fewer than 5\s*</dd>", html)
    assert "The results are shown once at least 5 have answered" in html
    assert "Mean (95% CI)" not in html and "<img" not in html and "data-method" not in html
    svg = client.get(f"/admin/surveys/{survey.id}/report/chart?fmt=svg").get_data(as_text=True)
    assert 'class="mark-symbol role-mark layer_1_marks" role="graphics-symbol" ' \
        'aria-roledescription="symbol mark container"/>' in svg  # no dot drawn


def test_the_report_of_a_gathering_names_the_gathering(app, client, make_account):
    with app.app_context():
        db = database.session()
        network = Network(name="Læringsnettverk Vest")
        gathering = Gathering(network=network, number=2, held_on=dt.date(2026, 5, 12),
                              place="Bergen")
        survey = Survey(title="Evaluering av samling 2", gathering=gathering,
                        questionnaire=latest_version(db, "samling"), invited=8)
        db.add(survey)
        db.commit()
        survey_id, network_id = survey.id, network.id
    for answers in SAMLING:
        store(app, survey_id, answers)
    release_waiting(app, survey_id)
    make_account("nett@vest.no", networks=(network_id,))
    html = page_of(client, "nett@vest.no", f"/admin/surveys/{survey_id}/report")
    facts = block(html, '<dl class="report-facts">', "</dl>")
    for fact in ("<dt>Gathering</dt><dd>Gathering 2</dd>", "<dt>Date</dt><dd>May 12, 2026</dd>",
                 "<dt>Place</dt><dd>Bergen</dd>", "<dt>Network</dt><dd>Læringsnettverk Vest</dd>"):
        assert fact in facts
    assert "1.8 <span class=\"ci\">(95% CI 1.0 to 2.8)</span>" in html
    assert "lower is better" in html


def test_the_chart_as_svg_and_png_for_a_poster(client, evaluation):
    survey, lead = evaluation
    log_in(client, lead)
    base = f"/admin/surveys/{survey.id}/report/chart"
    svg = client.get(f"{base}?fmt=svg")
    assert svg.mimetype == "image/svg+xml" and "<svg" in svg.get_data(as_text=True)
    png = client.get(f"{base}?fmt=png&download=1")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    assert png.headers["Content-Disposition"] == (
        f'attachment; filename="survey-{survey.id}-report.png"')
    assert client.get(f"{base}?fmt=gif").status_code == 404


def test_a_lead_of_another_unit_gets_404(client, evaluation, make_survey, make_account, app):
    survey, _lead = evaluation
    other = make_survey("samling")
    with app.app_context():
        unit_id = database.session().get(Survey, other.id).unit_id
    make_account("annen@a.no", units=(unit_id,))
    log_in(client, "annen@a.no")
    for path in ("report", "report/chart?fmt=svg", f"compare/report?with={other.id}"):
        assert client.get(f"/admin/surveys/{survey.id}/{path}").status_code == 404


def test_a_psfs_survey_without_means_still_has_a_report(client, make_survey, make_account,
                                                        app):
    survey = make_survey("psfs")
    lead, _network_lead = leads(app, make_account, survey.id)
    html = page_of(client, lead, f"/admin/surveys/{survey.id}/report")
    assert "fewer than 5" in html and "<img" not in html


# --- A comparison's report ------------------------------------------------------------------

@pytest.fixture
def pair(app, make_account, keep_world):
    return keep_world("test_reports.pair", lambda: build_pair(app, make_account))


def build_pair(app, make_account):
    """Unit A's user survey, spring 2025 (baseline) and spring 2026 (follow-up)."""
    with app.app_context():
        db = database.session()
        version = latest_version(db, "brukerundersokelse")
        unit = Unit(name="A", organisation=Organisation(name="Kommune O", kind="kommune",
                                                        network=Network(name="N")))
        first = Survey(title="Vår 2025", questionnaire=version, unit=unit, phase="baseline",
                       period_label="Vår 2025")
        second = Survey(title="Vår 2026", questionnaire=version, unit=unit, phase="follow_up",
                        period_label="Vår 2026")
        other_unit = Survey(title="B", questionnaire=version, unit=Unit(
            name="B", organisation=unit.organisation))
        psfs = Survey(title="PSFS", questionnaire=latest_version(db, "psfs"), unit=unit)
        db.add_all([first, second, other_unit, psfs])
        db.commit()
        ids = {"first": first.id, "second": second.id, "B": other_unit.id, "psfs": psfs.id,
               "unit": unit.id}
    for key, rows in (("first", A_2025), ("second", A_2026)):
        for answers in rows:
            store_scores(app, ids[key], answers)
        release_waiting(app, ids[key])
    make_account("enhet@a.no", units=(ids["unit"],))
    make_account("admin@a.no", is_admin=True)
    return ids


def test_the_comparison_report_shows_the_comparison_pages_figures(app, client, pair):
    # Asked from the follow-up, as on the page: the baseline is still the baseline.
    query = f"/admin/surveys/{pair['second']}/compare?with={pair['first']}"
    full = page_of(client, "enhet@a.no", query)
    html = page_of(client, "enhet@a.no", query.replace("/compare?", "/compare/report?"))
    # The page's figures of each category, in the same words (its columns of n aside).
    for category in ("Results for the user", "Respectful treatment"):
        cells = re.findall(r'<td class="num">(?!\d+</td>)[^\n]*?</td>|<td>[^<]*</td>',
                           row_of(full, category))
        assert cells and "".join(cells) in row_of(html, category), category
    assert "+2.1 <span class=\"ci\">(95% CI 0.6 to 3.6)</span>" in row_of(html, "Results")
    assert "fewer than 5" in row_of(html, "User involvement")
    assert re.search(r"<dd data-n>\s*5\s*</dd>.*<dd data-n>\s*6\s*</dd>", html, re.S)
    assert ("Mean per category at baseline and at follow-up with 95% confidence intervals, "
            "and the change with its 95% interval (Welch), called better or worse only when "
            "that interval does not include 0; higher is better.") in html
    assert f"Made {today_written(app)}" in html
    chart = (f'<img src="/admin/surveys/{pair["second"]}/compare/chart?fmt=svg&amp;'
             f'with={pair["first"]}"')
    assert chart in html
    assert f'href="/admin/surveys/{pair["second"]}/compare/report?with={pair["first"]}"' in full


@pytest.mark.parametrize(("value", "message"), [
    (None, "Choose the survey to compare with"), ("", "Choose the survey to compare with"),
    ("abc", "is given by its number"), ("²", "is given by its number"),
    ("-1", "is given by its number"), ("9" * 40, "is given by its number"),
    ("same", "Choose a different survey"), ("B", "must belong to the same unit"),
    ("psfs", "must use the same questionnaire"),
])
def test_what_the_comparison_report_cannot_compare_is_a_400_that_says_why(client, pair, value,
                                                                          message):
    client.set_cookie("lang", "en")
    log_in(client, "admin@a.no")
    url = f"/admin/surveys/{pair['first']}/compare/report"
    if value is not None:
        chosen = {"same": str(pair["first"]), "B": str(pair["B"]), "psfs": str(pair["psfs"])}
        url += "?" + "with=" + chosen.get(value, value)
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_survey_out_of_scope_to_compare_with_is_404(client, pair, make_survey):
    elsewhere = make_survey("brukerundersokelse")
    log_in(client, "enhet@a.no")
    url = f"/admin/surveys/{pair['first']}/compare/report?with={elsewhere.id}"
    assert client.get(url).status_code == 404
    assert client.get(f"/admin/surveys/{pair['first']}/compare/report?with=99999").status_code \
        == 404
