"""The accessibility statement in Chromium, filled in as an installation would (a long e-mail
address, the uustatus.no link, the operator's own limitations): axe-core (WCAG 2.1 A and AA)
in nb, nn and en at 320 and 360 px, with nothing wider than the screen: long compound words
such as «Tilgjengelighetserklæring» and the addresses break instead."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import serve
from tests.conftest import make_app

pytestmark = pytest.mark.browser

LANGUAGES = ["nb", "nn", "en"]
WIDTHS = [320, 360]
STATEMENT_URL = "https://uustatus.no/nb/erklaringer/publisert/0d4a5e8c-1f2b-4c3d-9e8f-112233445566"
# The widest thing inside the page's own area, for the message when something sticks out.
WIDEST = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
  .map(e => e.tagName + ': ' + e.textContent.slice(0, 40))"""


@pytest.fixture(scope="module")
def statement_server(sqlite_template, tmp_path_factory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("statement") / "statement.sqlite"
    shutil.copy(sqlite_template, path)
    app = make_app(
        f"sqlite:///{path}",
        ACCESSIBILITY_CONTACT="tilgjengelighet.helseogomsorgstjenestene@nordby.kommune.no",
        ACCESSIBILITY_STATEMENT_URL=STATEMENT_URL,
        ACCESSIBILITY_LIMITATIONS="Spørreskjemaene Helse- og omsorgstjenesteundersøkelsen og "
                                  "Pårørendeundersøkelsen2025 er lagt inn av oss og ikke testet.")
    with serve(app) as url:
        yield url
    app.extensions["db_engine"].dispose()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_statement_is_accessible_and_fits_a_narrow_phone(page: Page, statement_server, lang):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 740})
        page.goto(f"{statement_server}/sprak/{lang}?next=/tilgjengelighet")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("[data-uustatus] a")).to_have_attribute("href", STATEMENT_URL)
        expect(page.locator("a[href='https://www.uutilsynet.no/']")).to_be_visible()
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, \
            (width, page.evaluate(WIDEST))
        heading = page.locator("h1")
        assert heading.evaluate("h => h.scrollWidth <= h.clientWidth"), (width, lang)
