"""The one-page reports in Chromium (issue 17): each passes axe at 360 and 1280 px with no
sideways scroll of the page, draws its chart, and prints on exactly one A4 page in portrait
(`page.pdf`, which only headless Chromium makes: the pages of the PDF are counted).

The data: the demo network (a user survey and a gathering's evaluation with 30 responses
each), and a follow-up of the user survey in the same unit, so the comparison report has
six categories on both sides, as a unit's real comparison has.
"""

from __future__ import annotations

import random
import re
import secrets
import shutil
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

import database
from questionnaires import schema as s
from questionnaires.item_types import AnswerValue
from surveys.demo import DEMO_PASSWORD, seed_demo
from surveys.models import Survey
from surveys.operations import submit_response
from tests.browser.conftest import serve
from tests.browser.test_admin_pages import assert_accessible_at_every_width
from tests.conftest import make_app
from util.dates import today

pytestmark = pytest.mark.browser
A4_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")  # a page object, not the /Pages tree


def follow_up_of(db, baseline: Survey, rng: random.Random) -> Survey:
    """A follow-up of `baseline` in its unit, 30 responses a little better than random."""
    survey = Survey(title="Demo: Brukerundersøkelse, oppfølging", unit=baseline.unit,
                    questionnaire=baseline.questionnaire, period_label="2027",
                    phase="follow_up", invited=60)
    db.add(survey)
    db.commit()
    definition = survey.questionnaire.definition
    for _ in range(30):
        values = [AnswerValue(item.id, 0, float(rng.randint(4, definition.scale_of(item).max)),
                              None)
                  for item in definition.items() if isinstance(item, s.ScaleItem)]
        submit_response(db, survey, None, secrets.token_urlsafe(18), "nb", values, today())
    return survey  # 30: released in batches of 5 as they come


@pytest.fixture(scope="module")
def reports(sqlite_template, tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """A live server of the demo and a follow-up; the reports' addresses by name."""
    path = tmp_path_factory.mktemp("reports") / "reports.sqlite"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        db = database.session()
        seed_demo(db)
        by_title = {survey.title: survey for survey in db.scalars(sa.select(Survey))}
        baseline = by_title["Demo: Brukerundersøkelse"]
        follow_up = follow_up_of(db, baseline, random.Random(17))
        evaluation = by_title["Demo: Evaluering av samlingen"]
        urls = {"survey": f"/admin/surveys/{baseline.id}/report",
                "gathering": f"/admin/surveys/{evaluation.id}/report",
                "comparison": f"/admin/surveys/{follow_up.id}/compare/report"
                              f"?with={baseline.id}"}
    with serve(app) as url:
        yield url, urls
    app.extensions["db_engine"].dispose()


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/admin/login")
    page.fill("#email", "admin@demo.no")
    page.fill("#password", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_have_text(["Oversikt"])


@pytest.mark.parametrize("name", ["survey", "gathering", "comparison"])
def test_a_report_is_accessible_and_prints_on_one_a4_page(page: Page, reports, name):
    base, urls = reports
    log_in(page, base)
    response = page.goto(base + urls[name])
    assert response is not None and response.status == 200
    expect(page.locator("[data-made]")).to_contain_text("Laget ")
    expect(page.locator("[data-method]")).to_be_visible()
    chart = page.locator(".report-chart img")
    expect(chart).to_be_visible()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", chart.element_handle())
    assert_accessible_at_every_width(page)
    page.emulate_media(media="print")
    for hidden in (".admin-nav", ".languages", ".site-footer", ".chart-downloads",
                   ".print-note"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(chart).to_be_visible()
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    assert len(A4_PAGE.findall(pdf)) == 1, f"{name}: {len(A4_PAGE.findall(pdf))} pages"
