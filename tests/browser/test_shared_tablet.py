"""A shared tablet in a care home (issue 15, finding 5): after a PSFS baseline the code is
shown once; Back, weeks later, in the hands of someone else, never shows it again, with or
without JavaScript, and no address the tablet visited holds the code. The «already shown»
page passes axe in nb, nn and en at 360 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.browser.test_answering import THANKS, assert_accessible, choose_language

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
SHOWN_ONCE = {"nb": "Koden er allerede vist", "nn": "Koden er allereie vist",
              "en": "The code has already been shown"}
CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


def give_baseline(page: Page, link: str) -> str:
    """Answer the baseline with one activity; return the code the page after it shows."""
    page.fill("#f-activities-0-activity", "Komme meg hjem")
    page.check("#f-activities-0-score-3")
    page.locator(".actions button[value=submit]").click()
    code = page.locator(".follow-up-code span[aria-hidden]").inner_text()
    assert CODE.fullmatch(code)
    return code


def visited_urls(page: Page) -> list[str]:
    """Every address the page asks for from now on (redirects included)."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def back_to_a_post(page: Page) -> None:
    """Back to a page that was the answer to a post and sent with no-store: Chromium keeps
    nothing of it and shows its «confirm form resubmission» page instead."""
    try:
        page.go_back()
    except PlaywrightError as error:
        assert "ERR_CACHE_MISS" in str(error)
    page.wait_for_load_state()  # Chromium's own page may still be loading


def assert_no_code(page: Page, code: str) -> None:
    html = _settled_content(page)
    assert code not in html and code.replace("-", "") not in html


def _settled_content(page: Page, tries: int = 5) -> str:
    """The page's HTML once it has stopped navigating (after Back to a post, Chromium may
    still be swapping in its «confirm resubmission» page when asked)."""
    for _ in range(tries - 1):
        try:
            return page.content()
        except PlaywrightError as error:
            if "navigating" not in str(error):
                raise
            page.wait_for_load_state()
    return page.content()


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_back_shows_that_the_code_was_shown_once(page: Page, live_server, lang):
    link = f"{live_server.url}/s/{live_server.one_page['psfs']}"
    choose_language(page, link, lang)
    urls = visited_urls(page)
    code = give_baseline(page, link)
    expect(page.locator("h1")).to_have_text(THANKS[lang])
    page.goto(f"{live_server.url}/personvern")  # the tablet moves on to another page
    page.go_back()
    expect(page.locator("h1")).to_have_text(SHOWN_ONCE[lang])
    assert_no_code(page, code)
    assert page.viewport_size == PHONE
    assert_accessible(page)
    assert not [u for u in urls if code in u or code.replace("-", "") in u]


def test_back_from_the_slip_without_javascript(browser: Browser, live_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="nb-NO")
    page = context.new_page()
    link = f"{live_server.url}/s/{live_server.one_page['psfs']}"
    page.goto(link)
    urls = visited_urls(page)
    code = give_baseline(page, link)
    page.locator("form[action$='/kode/lapp'] button").click()
    expect(page.locator(".follow-up-slip .follow-up-code span[aria-hidden]")).to_have_text(code)
    page.goto(f"{live_server.url}/personvern")
    back_to_a_post(page)  # to the slip: a post, not kept, so Chromium asks to send it again
    assert_no_code(page, code)
    page.reload()  # sent again: its ticket is used up
    expect(page.locator("h1")).to_have_text(SHOWN_ONCE["nb"])
    assert_no_code(page, code)
    page.go_back()  # to the code page
    expect(page.locator("h1")).to_have_text(SHOWN_ONCE["nb"])
    assert_no_code(page, code)
    assert not [u for u in urls if code in u or code.replace("-", "") in u]
    context.close()
