"""Every page of the questionnaire builder passes axe-core (WCAG 2.1 A and AA) and scrolls
no sideways at 320 and 1280 px, in its plain state and with its errors shown (issue 19).

The pages are found from the app's own routes (every GET of the builder's areas, with the
ids of `tests/builder_content.sample_content`, and the question form of every item type),
so a builder page added later is checked without being listed here."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

import database
from questionnaires import drafts
from staff.builder_forms import ITEM_TYPE_NAMES
from surveys.account_models import Account
from surveys.auth import hash_password
from surveys.models import Network
from surveys.questionnaire_owners import QuestionnaireOwner
from tests.browser.accessibility import assert_accessible
from tests.browser.test_admin_pages import at_each_width, kind_of
from tests.builder_content import SAMPLE_IDS, sample_content
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
BUILDER = ("admin.builder.", "admin.builder_items.", "admin.builder_parts.",
           "admin.builder_library.")
LEAD = "bygger@nett.no"


@pytest.fixture(scope="module")
def builder_lead(live_server) -> str:
    """A network lead with a draft of the network's own, `bygging`."""
    with live_server.app.app_context():
        db = database.session()
        network = Network(name="Byggenettverket")
        db.add_all([network, Account(email=LEAD, name="Bygger", networks=[network],
                                     password_hash=hash_password(PASSWORD))])
        db.flush()
        drafts.start(db, sample_content("bygging"))
        db.add(QuestionnaireOwner(slug="bygging", kind="network", network_id=network.id))
        db.commit()
    return "bygging"


def builder_addresses(app, slug: str) -> Iterator[str]:
    """Every GET address of the builder for the draft `slug` (the new-question form once per
    item type)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith(BUILDER) or "GET" not in rule.methods:
            continue
        url = rule.rule.replace("<slug>", slug)
        for name, value in SAMPLE_IDS.items():
            url = url.replace(f"<{name}>", value)
        assert "<" not in url, f"{rule.rule}: add its parameter to SAMPLE_IDS"
        yield url
        if rule.endpoint in ("admin.builder_items.add_item", "admin.builder_items.add_child"):
            types = ITEM_TYPE_NAMES if rule.endpoint.endswith("add_item") else (
                t for t in ITEM_TYPE_NAMES if t not in ("group", "multiple_choice"))
            yield from (f"{url}?type={item_type}" for item_type in types)
    for item_id in ("valg", "g1", "t2"):
        yield f"/admin/questionnaires/{slug}/draft/items/{item_id}"
    yield f"/admin/questionnaires/{slug}/draft/items/g1/items/c2"


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/admin/login")
    page.fill("#email", LEAD)
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_have_text(["Oversikt"])


def check(page: Page, url: str, kinds: set) -> None:
    """No sideways scroll at 320 or 1280 px; axe at 320 px (a phone at 400 % zoom, where a
    page has the least room) on each page of a shape not checked before (`kind_of`): the
    nine question forms share most of their parts, and axe judges elements, not words.
    The page is measured at the width the last one ended at, then resized once to the other
    (`at_each_width`)."""
    for width in at_each_width(page, (320, 1280)):
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, (url, width, overflow)
        if width == 320:
            kind = kind_of(page, url)
            if kind not in kinds:
                kinds.add(kind)
                assert_accessible(page)


def send_with_errors(page: Page) -> bool:
    """Send the page's own form with its text boxes emptied and its numbers made nonsense;
    whether the page then shows an error summary. The boxes are set in one script, as typing
    into some fifteen boxes one by one took a fifth of the walk: the server gets the same
    values either way, and the typing itself is tested in test_builder_path."""
    form = page.locator("main form[method=post]:has(button[type=submit]):not([action])")
    if form.count() != 1:
        return False
    form.evaluate("""form => {
        for (const box of form.querySelectorAll('input[type=text], input:not([type]), textarea'))
            box.value = '';
        for (const number of form.querySelectorAll('input[type=number]'))
            number.value = '-999999999';
    }""")
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    return page.locator(".ds-error-summary").count() > 0


def test_every_builder_page_is_accessible_plain_and_with_its_errors(page: Page, live_server,
                                                                    builder_lead):
    """Each builder page as it opens, then (but a removal or throwing the draft away) its
    form sent with its text boxes emptied and its numbers made nonsense: the error summary
    and the messages at the fields pass axe too."""
    log_in(page, live_server.url)
    kinds: set = set()
    addresses = list(builder_addresses(live_server.app, builder_lead))
    assert len(addresses) >= 25
    with_errors = 0
    for url in addresses:
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status < 400, url
        check(page, url, kinds)
        if "remove" not in url and "discard" not in url and send_with_errors(page):
            with_errors += 1
            check(page, f"{url}#errors", kinds)
    assert with_errors >= 8


def test_the_draft_overview_names_each_button_by_its_question(page: Page, live_server,
                                                              builder_lead):
    """A screen reader user tabbing through the overview hears which question each «Move
    up», «Remove» and «Edit» belongs to."""
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/questionnaires/{builder_lead}/draft")
    names = [re.sub(r"\s+", " ", b.inner_text()).strip()
             for b in page.locator("main .builder-actions button, main .builder-actions a").all()]
    assert "Flytt ned «Hvor fornøyd er du?»" in names
    assert "Fjern «Valg»" in names
    assert len(names) == len(set(names))
