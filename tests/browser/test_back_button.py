"""Back after sending a survey on a shared tablet shows none of the answers."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_answering import THANKS

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
PAGE_1 = {"balanse": "2", "nytte_totalt": "1"}


def check(page: Page, answers: dict[str, str]) -> None:
    for name, value in answers.items():
        page.check(f"#f-{name}-{value}")


@pytest.mark.parametrize("javascript", [True, False])
def test_back_after_sending_a_one_page_survey_shows_no_answer(browser: Browser, live_server,
                                                              javascript):
    """The page a survey starts on is drawn blank by the app, and the browser must not
    fill in the last person's answers from its history either (autocomplete="off")."""
    context = browser.new_context(viewport=PHONE, locale="nb-NO",
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{live_server.one_page['samling']}")
    check(page, PAGE_1)
    page.fill("#f-onsker_neste", "Noe personlig om meg")
    page.locator(".actions button[value=submit]").click()
    expect(page.locator("h1")).to_have_text(THANKS["nb"])
    page.go_back()
    expect(page.locator("h1")).not_to_have_text(THANKS["nb"])
    expect(page.locator("#f-onsker_neste")).to_have_value("")
    assert page.locator("input:checked").count() == 0
    context.close()
