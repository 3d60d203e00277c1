"""The pathway checklist in Chromium: staff fill it in through the unit's link in nb, nn and
en (at 360 px, keyboard and a date input), then a network lead reads the run chart, marks a
change, fills one in logged in and sees the network's page. axe-core on every page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from surveys.demo import DEMO_PASSWORD
from tests.browser.accessibility import assert_accessible

pytestmark = pytest.mark.browser
DONE = {"nb": "Utført", "nn": "Utført", "en": "Done"}


def open_checklist(page: Page, demo_server: str) -> str:
    """Log in as the network lead and open the demo unit's checklist page; its URL."""
    page.goto(f"{demo_server}/admin/login")
    page.fill("#email", "nettverk@demo.no")
    page.fill("#password", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.click(".admin-nav a[href$='/admin/surveys']")
    page.click("a:has-text('Sjekkliste for pasientforløp')")
    page.click("a[href$='/checklist']")
    return page.url


def fill_steps(page: Page, done_label: str) -> None:
    """Mark every step done with the keyboard-reachable radio labelled `done_label`."""
    for radio in page.get_by_label(done_label, exact=True).all():
        radio.check()


@pytest.mark.parametrize("lang", ["nn"])  # the pages in every language: test_reflow.py
def test_staff_fill_in_a_checklist_through_the_units_link(page: Page, demo_server, lang):
    page.set_viewport_size({"width": 360, "height": 740})
    url = open_checklist(page, demo_server)
    survey_page = url.removesuffix("/checklist")
    page.goto(survey_page)
    link = page.locator("#public-link").input_value()
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "lang", "value": lang, "url": demo_server}])
    page.goto(link)
    assert_accessible(page)
    page.click("button[name=nav][value=submit]:visible")  # nothing filled in: errors first
    expect(page.locator(".ds-error-summary")).to_be_visible()
    assert_accessible(page)
    page.fill("#f-forlop_start", (dt.date.today() + dt.timedelta(days=3)).isoformat())
    fill_steps(page, DONE[lang])
    page.click("button[name=nav][value=submit]:visible")
    expect(page.locator("#error-forlop_start")).to_be_visible()  # a day still to come
    assert_accessible(page)
    page.fill("#f-forlop_start", (dt.date.today() - dt.timedelta(days=3)).isoformat())
    page.fill("#f-forlop_merke", "B-17")
    page.click("button[name=nav][value=submit]:visible")
    expect(page).to_have_url(f"{link}/takk")
    assert_accessible(page)


def test_a_lead_reads_the_run_chart_marks_a_change_and_sees_the_network(page: Page,
                                                                       demo_server):
    page.set_viewport_size({"width": 1024, "height": 900})
    page.context.add_cookies([{"name": "lang", "value": "en", "url": demo_server}])
    url = open_checklist(page, demo_server)
    expect(page.locator("[data-verdict]")).to_contain_text("An improvement")
    expect(page.locator("img[src*='run-chart.svg']")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 740})
    assert_accessible(page)
    page.set_viewport_size({"width": 1024, "height": 900})

    page.click("a[href*='laney=1']")
    expect(page.locator("img[src*='p-chart.svg?laney=1']")).to_be_visible()
    assert_accessible(page)

    page.fill("#change_on", "")
    page.click("button[name=nav][value=save]")  # no date: the error page
    expect(page.locator(".ds-error-summary")).to_be_visible()
    assert_accessible(page)
    page.goto(url)
    page.click("button[name=nav][value=remove]")
    expect(page.locator(".findings")).not_to_contain_text("Before the change")
    page.fill("#change_on", (dt.date.today() - dt.timedelta(days=150)).isoformat())
    page.fill("#change_note", "Morning meeting")
    page.click("button[name=nav][value=save]")
    expect(page.locator(".findings")).to_contain_text("Before the change")

    page.click("a.ds-button[href$='/checklist/new']")
    assert_accessible(page)
    page.fill("#f-forlop_start", (dt.date.today() - dt.timedelta(days=2)).isoformat())
    fill_steps(page, "Done")
    page.click("button[name=nav][value=done]:visible")
    expect(page.locator(".ds-alert", has_text="pathways so far")).to_be_visible()
    assert page.url == url

    page.goto(f"{demo_server}/admin/organisation")
    page.click("a:has-text('Checklist compliance in the network')")
    expect(page.locator("table")).to_contain_text("Hjemmetjenesten Sørvik")
    expect(page.locator("table")).to_contain_text("An improvement")
    assert_accessible(page)
