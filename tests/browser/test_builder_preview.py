"""The builder's preview at phone width without the app's JavaScript: the staff page with its frame,
and the framed respondent page in several languages (right to left too), pass axe; the
frame really shows the draft (the browser obeys the framing headers), and the preview pages
through it to its «would have been sent» (that nothing is stored: tests/test_builder_library.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

import database
from questionnaires import drafts
from surveys.account_models import Account
from surveys.auth import hash_password
from tests.browser.accessibility import assert_accessible, with_axe
from tests.builder_content import sample_content
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
EMAIL = "forhandsvisning@admin.no"
SLUG = "forhandsvist"


@pytest.fixture(scope="module")
def draft_server(live_server):
    """The live server with an administrator and a draft to preview."""
    with live_server.app.app_context():
        db = database.session()
        if drafts.draft_of(db, SLUG) is None:
            drafts.start(db, sample_content(SLUG))
            db.add(Account(email=EMAIL, name="Forhåndsviser", is_admin=True,
                           password_hash=hash_password(PASSWORD)))
            db.commit()
    return live_server


def test_the_preview_and_its_page_pass_axe_at_phone_width_without_javascript(
        browser: Browser, draft_server):
    # The app's own scripts are refused, so the pages work as with JavaScript off; only axe
    # runs (it needs the browser's event loop, which a context without JavaScript stops).
    context = with_axe(browser.new_context(viewport=PHONE, locale="nb-NO"))
    context.route(re.compile(r".*\.js(\?.*)?$"), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{draft_server.url}/admin/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    base = f"{draft_server.url}/admin/questionnaires/{SLUG}/draft"

    page.goto(f"{base}/preview")
    frame = page.frame_locator("iframe.preview-frame")
    expect(frame.locator("h1")).to_have_text(f"Skjema {SLUG}")  # the browser let it frame
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    for lang, direction in (("nb", "ltr"), ("en", "ltr"), ("ar", "rtl")):
        page.goto(f"{base}/preview/page?lang={lang}")
        expect(page.locator("html")).to_have_attribute("dir", direction)
        expect(page.get_by_text("Hvor fornøyd er du?")).to_be_visible()
        assert_accessible(page)

    page.goto(f"{base}/preview/page")
    with page.expect_navigation():
        page.locator(".actions button[value=next]").click()  # nothing answered: errors
    expect(page.locator(".ds-error-summary")).to_be_visible()
    assert_accessible(page)
    page.check("#f-s1-4")
    page.check("#f-valg-ja")
    page.fill("#f-g1-0-c1", "Gå tur")
    page.check("#f-g1-0-c2-3")
    with page.expect_navigation():
        page.locator(".actions button[value=next]").click()
    expect(page.get_by_text("Noe mer?")).to_be_visible()
    page.fill("#f-t2", "Nei takk")
    with page.expect_navigation():
        page.locator(".actions button[value=submit]").click()
    expect(page.get_by_text("Preview: this would have been sent; nothing was stored.")
           .or_(page.get_by_text("Forhåndsvisning: dette ville blitt sendt; ingenting ble "
                                 "lagret."))).to_be_visible()
    assert_accessible(page)
    context.close()
