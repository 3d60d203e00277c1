"""The builder's frame pages (`staff.builder_parts`) pass axe-core (WCAG 2.1 A and AA) at
phone width (320 px: a phone at 400 % zoom) and at desk width without sideways scrolling,
and so does a scale refused at its field."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

import database
from questionnaires import drafts
from surveys.account_models import Account
from surveys.auth import hash_password
from tests.browser.accessibility import assert_accessible
from tests.builder_content import sample_content
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
PAGES = ["details", "sections/new", "sections/del_1", "sections/del_1/remove", "scales",
         "scales/new", "scales/skala", "scales/skala/remove", "categories", "categories/kat",
         "categories/kat/remove"]


def test_the_frame_pages_are_accessible_at_every_width(page: Page, live_server):
    with live_server.app.app_context():
        db = database.session()
        drafts.start(db, sample_content("axe_parts"))
        db.add(Account(email="parts@a.no", name="Parts", is_admin=True,
                       password_hash=hash_password(PASSWORD)))
        db.commit()
    base, draft = live_server.url, f"{live_server.url}/admin/questionnaires/axe_parts/draft"
    page.goto(f"{base}/admin/login")
    page.fill("#email", "parts@a.no")
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    for path in PAGES:
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            response = page.goto(f"{draft}/{path}")
            assert response.status == 200 and "/login" not in page.url, path
            assert_accessible(page)
            overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, (path, width, overflow)
    page.goto(f"{draft}/scales/new")
    page.fill("#high", "40")
    page.click("button[value=save]")
    assert "høyst 21 trinn" in page.content()
    assert_accessible(page)
