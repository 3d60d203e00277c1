"""A shared tablet in a care home (issue 15, finding 5): after a PSFS baseline the code is
shown once; Back, weeks later, in the hands of someone else, never shows it again, with or
without JavaScript, and no address the tablet visited holds the code. The follow-up opened
by the slip's link or a typed code lives at an address without the code, and once it is
sent, Back shows neither the activities nor the code. The «already shown» and «no longer
open» pages pass axe in nb, nn and en at 360 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.browser.accessibility import assert_accessible
from tests.browser.test_answering import THANKS, choose_language

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


# --- The follow-up: the slip's link is a door; Back after sending shows nothing --------------

FORM_CLOSED = {"nb": "Oppfølgingen er ikke åpen her lenger",
               "nn": "Oppfølginga er ikkje open her lenger",
               "en": "This follow-up is no longer open here"}
ACTIVITY = "Komme meg hjem"


def slip_link(page: Page) -> str:
    """The follow-up link the code page prints beside its QR code (what a scan opens)."""
    link = page.locator(".code-qr .link-text").inner_text().strip()
    assert "/oppfolging/" in link
    return link


def send_follow_up(page: Page) -> None:
    expect(page.locator("legend", has_text=ACTIVITY)).to_be_visible()
    page.check("#f-score_0-7")
    page.locator(".actions button[value=submit]").click()
    expect(page.locator(".thanks h1")).to_be_visible()


def assert_nothing_of_the_person(page: Page, code: str) -> None:
    html = _settled_content(page)
    assert ACTIVITY not in html
    assert code not in html and code.replace("-", "") not in html
    assert code.replace("-", "") not in page.url


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_back_after_the_follow_up_shows_neither_activities_nor_code(page: Page, live_server,
                                                                     lang):
    link = f"{live_server.url}/s/{live_server.one_page['psfs']}"
    choose_language(page, link, lang)
    code = give_baseline(page, link)
    door = slip_link(page)
    page.goto(f"{live_server.url}/personvern")  # weeks later: the QR code on the slip
    page.goto(door)
    assert code.replace("-", "") not in page.url  # the address bar holds no code
    send_follow_up(page)
    page.go_back()  # to the form's address, whose follow-up is sent
    expect(page.locator("h1")).to_have_text(FORM_CLOSED[lang])
    assert_nothing_of_the_person(page, code)
    assert page.viewport_size == PHONE
    assert_accessible(page)
    page.go_back()  # past the door (a redirect leaves no entry of its own) to /personvern
    assert_nothing_of_the_person(page, code)
    page.go_forward()
    page.go_forward()  # to the thank-you page again
    assert_nothing_of_the_person(page, code)


def test_a_typed_code_never_reaches_an_address(page: Page, live_server):
    link = f"{live_server.url}/s/{live_server.one_page['psfs']}"
    choose_language(page, link, "nb")
    code = give_baseline(page, link)
    urls = visited_urls(page)
    page.goto(f"{link}/oppfolging")
    page.fill("#f-code", code.lower())
    page.locator(".actions button").click()
    send_follow_up(page)
    page.go_back()
    expect(page.locator("h1")).to_have_text(FORM_CLOSED["nb"])
    assert_nothing_of_the_person(page, code)
    page.go_back()  # the typing page: its post was answered by a redirect, so not kept
    expect(page.locator("#f-code")).to_have_value("")
    assert_nothing_of_the_person(page, code)
    assert not [u for u in urls if code in u or code.replace("-", "") in u]
