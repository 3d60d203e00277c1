"""«Hva er viktig for deg?» from baseline to follow-up to the unit's change, in Chromium at
360 px, in nb, nn and en, with axe-core on every page of the way.

Runs on the demo: the unit lead of «Hjemmesykepleien Nordby» reads the survey's link, a user
answers the baseline and keeps the code, types it in too early and is told from which day,
two weeks later types it in again and scores the same activities, and the unit lead sees one
more follow-up on the unit's page and the change page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

import database
from surveys.demo import DEMO_PASSWORD
from surveys.models import Response
from tests.browser.accessibility import assert_accessible, with_axe
from tests.browser.test_answering import THANKS, choose_language
from util.dates import today

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
FOLLOW_UPS_LABEL = {"nb": "Oppfølginger", "nn": "Oppfølgingar", "en": "Follow-ups"}
TOO_EARLY = {"nb": "for tidlig", "nn": "for tidleg", "en": "too early"}


def log_in_as_unit_lead(page: Page, demo_server: str, lang: str) -> None:
    page.goto(f"{demo_server}/sprak/{lang}?next=/admin/login")
    page.fill("#email", "enhet@demo.no")
    page.fill("#password", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator(".admin-nav")).to_be_visible()


def psfs_survey_url(page: Page, demo_server: str) -> str:
    """The staff page of the demo's PSFS survey (the unit lead's own unit)."""
    page.goto(f"{demo_server}/admin/surveys")
    page.click("a:has-text('Hva er viktig for deg?')")
    return page.url


def follow_ups_on_unit_page(page: Page, survey_url: str) -> int:
    page.goto(survey_url)
    page.click("a[href*='/admin/units/']")
    assert_accessible(page)
    return int(page.locator(".unit-change dl.change-figures dd").nth(1).inner_text())


def give_baseline(page: Page, link: str, lang: str) -> str:
    """Answer the baseline with two activities; return the code the thank-you page shows."""
    choose_language(page, link, lang)
    page.fill("#f-activities-0-activity", "Komme meg hjem")
    page.check("#f-activities-0-score-3")
    page.fill("#f-activities-1-activity", "Gå tur med hunden")
    page.check("#f-activities-1-score-4")
    page.locator(".actions button[value=submit]").click()
    expect(page.locator("h1")).to_have_text(THANKS[lang])
    assert_accessible(page)
    code = page.locator(".follow-up-code span[aria-hidden]").inner_text()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", code)
    assert code not in page.url and code.replace("-", "") not in page.url
    page.click("form[action$='/kode/lapp'] button")  # posted: the code is in no address
    expect(page.locator(".follow-up-code span[aria-hidden]")).to_have_text(code)
    assert_accessible(page)
    return code


def two_weeks_pass(app) -> None:
    """Today's PSFS baselines become two weeks old, as if the user came back then."""
    with app.app_context():
        db = database.session()
        for baseline in db.scalars(sa.select(Response).where(
                Response.pair_id.is_not(None), Response.is_follow_up.is_(False),
                Response.submitted_on == today())):
            baseline.submitted_on -= dt.timedelta(days=14)
        db.commit()


def give_follow_up(page: Page, link: str, code: str, lang: str,
                   later: Callable[[], None]) -> None:
    """Type the code (as a person might: lower case, with a space): too early at first,
    `later` on, then score again."""
    page.goto(link)
    page.click("a[href$='/oppfolging']")
    assert_accessible(page)
    page.fill("#f-code", "ABCD-EFGH")
    page.click(".actions button")
    expect(page.locator(".ds-error-summary")).to_be_visible()
    assert_accessible(page)
    page.fill("#f-code", code.lower().replace("-", " "))
    page.click(".actions button")
    expect(page.locator(".ds-error-summary")).to_contain_text(TOO_EARLY[lang])
    assert_accessible(page)
    later()
    page.fill("#f-code", code.lower().replace("-", " "))
    page.click(".actions button")
    expect(page.locator("legend", has_text="Komme meg hjem")).to_be_visible()
    expect(page.locator("legend", has_text="Gå tur med hunden")).to_be_visible()
    assert_accessible(page)
    page.locator(".actions button[value=submit]").click()  # nothing scored: errors
    expect(page.locator(".ds-error-summary")).to_be_visible()
    assert_accessible(page)
    page.check("#f-score_0-7")
    page.check("#f-score_1-6")
    page.locator(".actions button[value=submit]").click()
    expect(page.locator(".thanks h1")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["nb", "en"])  # every language's pages: test_reflow.py
def test_baseline_code_follow_up_and_the_change(browser: Browser, demo_app, demo_server,
                                                lang):
    staff = with_axe(browser.new_context(viewport=PHONE))
    staff_page = staff.new_page()
    log_in_as_unit_lead(staff_page, demo_server, lang)
    survey_url = psfs_survey_url(staff_page, demo_server)
    link = staff_page.input_value("#public-link")
    before = follow_ups_on_unit_page(staff_page, survey_url)

    user = with_axe(browser.new_context(viewport=PHONE))
    user_page = user.new_page()
    code = give_baseline(user_page, link, lang)
    give_follow_up(user_page, link, code, lang, lambda: two_weeks_pass(demo_app))
    user.close()

    # One follow-up alone changes nothing a lead can read: it waits, with its baseline,
    # until at least k can be released together (surveys.batches).
    assert follow_ups_on_unit_page(staff_page, survey_url) == before
    staff_page.goto(survey_url)
    staff_page.click("a[href$='/change']")
    expect(staff_page.locator("dl.change-figures")).to_contain_text(FOLLOW_UPS_LABEL[lang])
    expect(staff_page.locator("figure.chart img").first).to_be_visible()
    assert_accessible(staff_page)
    staff.close()
