"""The unit lead's whole path in Chromium: log in, create a survey, hand it out (QR poster,
paper form), type in paper answers, see the count, change the survey, close it, make the
next period from it and compare the two. axe-core on each page.

With UPDATE_SCREENSHOTS=1 the test also saves the screenshots the README's guide shows.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from surveys.demo import DEMO_PASSWORD
from tests.browser.accessibility import assert_accessible
from tests.browser.test_admin_pages import SIDEWAYS

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page: Page, name: str) -> None:
    if os.environ.get("UPDATE_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_unit_lead_creates_hands_out_enters_paper_and_closes(page: Page, demo_server):
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(f"{demo_server}/admin/login")
    page.fill("#email", "enhet@demo.no")
    page.fill("#password", DEMO_PASSWORD)
    shot(page, "1-login")
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Oversikt")

    page.click(".admin-nav a:has-text('Undersøkelser')")
    page.click("a:has-text('Ny undersøkelse')")
    assert_accessible(page)
    create = page.locator(".actions button[type=submit]")
    create.click()  # nothing filled in: errors at the top
    expect(page.locator(".ds-error-summary")).to_be_visible()
    assert_accessible(page)
    page.select_option("#questionnaire_version", label="Brukerundersøkelse, versjon 1")
    page.select_option("#unit", label="Hjemmesykepleien Nordby (Nordby kommune)")
    page.fill("#title", "Brukerundersøkelse hjemmesykepleien, nullpunktsmåling 2026")
    page.fill("#period_label", "Våren 2026")
    page.check("input[name=phase][value=baseline]")
    page.fill("#invited", "40")
    shot(page, "2-new-survey")
    create.click()
    expect(page.locator("h1")).to_contain_text("nullpunktsmåling 2026")
    assert_accessible(page)
    shot(page, "3-survey-page")
    survey_url = page.url

    page.click("a[href*='/poster'][lang=nb]")
    expect(page.locator("img[src*='qr.svg']")).to_be_visible()
    assert_accessible(page)
    shot(page, "4-poster")
    page.goto(survey_url)
    page.click("a[href*='/paper?'][lang=nb]")
    assert_accessible(page)
    page.goto(survey_url)

    page.click("a:has-text('Registrer svar fra papirskjema')")
    assert_accessible(page)
    for _ in range(5):  # five: a count of 1–4 would read «færre enn 5» on the survey page
        for radio in page.locator("input[type=radio][value='6']").all():
            radio.check()
        page.check("input[name=who_answered][value=alone]")
        page.click("button[name=nav][value=submit]:visible")
        expect(page.locator(".ds-alert")).to_be_visible()
    assert_accessible(page)
    shot(page, "5-paper-entry")

    page.goto(survey_url)
    counts = page.locator("dd").filter(has_text="fra papir")
    expect(counts).to_have_text("5 (5 fra papir), 40 inviterte")
    page.click("a:has-text('Endre undersøkelsen')")
    expect(page.locator("#title")).to_have_value(
        "Brukerundersøkelse hjemmesykepleien, nullpunktsmåling 2026")
    page.fill("#invited", "45")
    page.fill("#closes_on", "2099-12-31")
    page.click(".actions button[type=submit]")
    expect(page.locator("body")).to_contain_text("Undersøkelsen er endret.")
    expect(counts).to_have_text("5 (5 fra papir), 45 inviterte")
    expect(page.locator("dt:has-text('Avsluttes') + dd")).to_contain_text("2099")
    page.click("button:has-text('Avslutt undersøkelsen nå')")
    expect(page.locator("body")).to_contain_text("Avsluttet for hånd")
    expect(page.locator("dt:has-text('Avsluttes')")).to_have_count(0)
    assert_accessible(page)
    public = page.locator("input[readonly]").first.input_value()

    page.click("a:has-text('Ny periode')")  # the follow-up period, made from this one
    assert_accessible(page)
    expect(page.locator("input[name=phase][value=follow_up]")).to_be_checked()
    page.fill("#title", "Brukerundersøkelse hjemmesykepleien, oppfølging 2026")
    page.fill("#period_label", "Høsten 2026")
    page.click(".actions button[type=submit]")
    expect(page.locator("h1")).to_contain_text("oppfølging 2026")
    page.click("a:has-text('Sammenlign med perioden før')")
    expect(page.locator("h1")).to_have_text("Nullpunktsmåling og oppfølging")
    expect(page.locator("main")).to_contain_text("nullpunktsmåling 2026")  # the period before
    assert "with=" in page.url
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})  # the conclusions in full view
    assert page.evaluate(SIDEWAYS) == [[], 0]

    page.goto(public)
    expect(page.locator("h1")).to_have_text("Denne lenken er ikke lenger åpen")
