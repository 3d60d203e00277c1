"""The browser's Back button between the pages of a survey (issue 18): Back returns to the
page before with its answers, never to «Confirm form resubmission», with JavaScript and
without; forward again and send stores one complete response; no answer is ever in an
address; and once the answers are sent, Back on a shared tablet shows none of them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

import database
from surveys.models import Answer
from tests.browser.test_answering import THANKS

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
PAGE_1 = {"balanse": "2", "nytte_totalt": "1"}
PAGE_2 = {"info_forkant": "3", "forbedringsarbeid": "4"}


def check(page: Page, answers: dict[str, str]) -> None:
    for name, value in answers.items():
        page.check(f"#f-{name}-{value}")


def expect_page(page: Page, number: int, answers: dict[str, str]) -> None:
    """Page `number` of 3, drawn by the app (not the browser's error page), with `answers`
    ticked."""
    expect(page.locator(".progress")).to_have_text(f"Del {number} av 3")
    for name, value in answers.items():
        expect(page.locator(f"#f-{name}-{value}")).to_be_checked()


def next_page(page: Page) -> None:
    with page.expect_navigation():
        page.locator(".actions button[value=next]").click()


def stored_answers(live_server, wish: str) -> dict[str, str]:
    """The stored response whose wish for the next gathering is `wish`: item → value."""
    with live_server.app.app_context():
        db = database.session()
        (response_id,) = db.scalars(sa.select(Answer.response_id).where(
            Answer.value_text == wish)).all()
        return {item: text if text is not None else str(int(number))
                for item, number, text in db.execute(sa.select(
                    Answer.item, Answer.value_num, Answer.value_text).where(
                    Answer.response_id == response_id))}


@pytest.mark.parametrize("javascript", [True, False])
def test_back_and_forward_between_pages_keep_the_answers(browser: Browser, live_server,
                                                          javascript):
    context = browser.new_context(viewport=PHONE, locale="nb-NO",
                                  java_script_enabled=javascript)
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    wish = f"Mer gruppearbeid ({'med' if javascript else 'uten'} JavaScript)"
    page.goto(f"{live_server.url}/s/{live_server.tokens['samling']}")
    check(page, PAGE_1)
    next_page(page)
    expect_page(page, 2, {})
    check(page, PAGE_2)
    next_page(page)
    expect_page(page, 3, {})

    page.go_back()
    expect_page(page, 2, PAGE_2)
    page.go_back()
    expect_page(page, 1, PAGE_1)
    page.go_forward()
    expect_page(page, 2, PAGE_2)
    page.go_forward()
    expect_page(page, 3, {})

    page.fill("#f-deltakere_fra_kommunen", "12")
    page.fill("#f-onsker_neste", wish)
    page.locator(".actions button[value=submit]").click()
    expect(page.locator("h1")).to_have_text(THANKS["nb"])
    assert stored_answers(live_server, wish) == {
        **PAGE_1, **PAGE_2, "deltakere_fra_kommunen": "12", "onsker_neste": wish}
    queries = {u.partition("?")[2] for u in urls if u.startswith(live_server.url)}
    assert queries <= {"", "side=2", "side=3"}  # the page's number, never an answer

    # A shared tablet: Back after sending shows none of the answers, on no page.
    for _ in range(3):
        page.go_back()
        page.wait_for_load_state()
        html = page.content()
        assert "Mer gruppearbeid" not in html
        assert page.locator("input:checked").count() == 0
    context.close()


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
