"""Every page of the questionnaire builder passes axe-core (WCAG 2.1 A and AA) at 320 and
1280 px with no sideways scroll, in its plain state and with its errors shown (issue 19).

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
from tests.browser.test_admin_pages import assert_accessible_at_every_width
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


def test_every_builder_page_is_accessible(page: Page, live_server, builder_lead):
    log_in(page, live_server.url)
    addresses = list(builder_addresses(live_server.app, builder_lead))
    assert len(addresses) >= 25
    for url in addresses:
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status < 400, url
        assert_accessible_at_every_width(page)


def test_every_builder_form_is_accessible_with_its_errors(page: Page, live_server,
                                                          builder_lead):
    """Each builder form sent with its text boxes emptied and its numbers made nonsense:
    the error summary and the messages at the fields pass axe too."""
    log_in(page, live_server.url)
    checked = 0
    for url in builder_addresses(live_server.app, builder_lead):
        page.goto(f"{live_server.url}{url}")
        form = page.locator("main form[method=post]:has(button[type=submit]):not([action])")
        if form.count() != 1 or "remove" in url or "discard" in url:
            continue
        for box in form.locator("input[type=text], input:not([type]), textarea").all():
            box.fill("")
        for number in form.locator("input[type=number]").all():
            number.fill("-999999999")
        form.locator("button[type=submit]").last.click()
        page.wait_for_load_state()
        if page.locator(".ds-error-summary").count():
            checked += 1
            assert_accessible_at_every_width(page)
    assert checked >= 8


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
