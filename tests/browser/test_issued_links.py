"""Single-use links are shown once, when they are issued, in Chromium: a reload, Back or
Forward on the page that lists them issues no other set and withdraws nothing, and says the
links were shown; the page with the links and that page pass axe-core in nb, nn and en at
desk width and phone width."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from surveys.demo import DEMO_PASSWORD
from tests.browser.accessibility import assert_accessible

pytestmark = pytest.mark.browser
WIDTHS = [1024, 360]
ALREADY_SHOWN = {"nb": "Lenkene er allerede vist", "nn": "Lenkjene er allereie viste",
                 "en": "These links have already been shown"}
FRESH_SET = "input[name=replace]"


def assert_accessible_at_both_widths(page: Page) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        assert_accessible(page)


def log_in(page: Page, base: str, lang: str) -> None:
    page.goto(f"{base}/sprak/{lang}?next=/admin/login")
    page.fill("#email", "enhet@demo.no")
    page.fill("#password", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator(".admin-nav")).to_be_visible()


def shown_links(page: Page) -> list[str]:
    return page.locator("#issued-links").input_value().split()


def create_single_use_survey(page: Page, base: str, count: int) -> list[str]:
    page.goto(f"{base}/admin/surveys/new")
    page.select_option("#questionnaire_version", index=1)
    page.select_option("#unit", index=1)
    page.fill("#title", "Engangslenker i nettleseren")
    page.check("input[name=link_mode][value=single_use]")
    page.fill("#link_count", str(count))
    page.locator(".actions button[type=submit]").click()
    expect(page.locator("#issued-links")).to_be_visible()
    links = shown_links(page)
    assert len(links) == count
    return links


def assert_shown_once(page: Page, lang: str, links: list[str]) -> None:
    expect(page.locator("h1")).to_have_text(ALREADY_SHOWN[lang])
    html = page.content()
    assert not [link for link in links if link.rsplit("/", 1)[1] in html]


def survey_page_issued(page: Page, survey_url: str) -> str:
    page.goto(survey_url)
    return page.locator("[data-links-issued]").get_attribute("data-links-issued") or ""


@pytest.mark.parametrize("lang", ["en"])  # staff pages in nb and nn: the staff walk
def test_the_issued_links_are_shown_once_and_a_reload_issues_nothing(page: Page, demo_server,
                                                                      lang):
    log_in(page, demo_server, lang)
    first = create_single_use_survey(page, demo_server, 3)
    assert_accessible_at_both_widths(page)
    survey_url = page.locator("a.back-to-survey").get_attribute("href")
    page.reload()  # the links are gone from the page, and no new set is issued
    assert_shown_once(page, lang, first)
    assert_accessible_at_both_widths(page)
    assert survey_page_issued(page, f"{demo_server}{survey_url}") == "3"

    page.check(FRESH_SET)  # a fresh set withdraws the unused old links, when asked for
    page.fill("#count", "2")
    page.locator("form[action$='/links'] button[type=submit]").click()
    expect(page.locator("#issued-links")).to_be_visible()
    fresh = shown_links(page)
    page.go_back()  # the survey page
    page.go_forward()  # the page of the fresh set again: shown, not issued again
    assert_shown_once(page, lang, fresh)
    page.reload()
    assert_shown_once(page, lang, fresh)
    assert survey_page_issued(page, f"{demo_server}{survey_url}") == "5"
    for link in fresh:  # the set shown still works: nothing withdrew it
        assert page.goto(link).status == 200
    assert page.goto(first[0]).status == 410  # the first set, withdrawn when asked
