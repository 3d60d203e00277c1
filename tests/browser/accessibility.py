"""axe-core in the page: the WCAG 2.1 A and AA rules, run on the document as it is now.

axe's 570 kB script is given to each browser context once (`tests/browser/conftest.py`
adds it to every document the context opens, before the page's own scripts and outside
its Content-Security-Policy); sending it into each document afterwards cost three times
as much per check (measured: 92 ms against 39 ms per page)."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page

# Which rules run (WCAG 2.1 A and AA); "resultTypes" only spares axe listing every node
# that passed: the violations are reported in full as before.
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}
AXE_SCRIPT = Axe().axe_script


def with_axe(context: BrowserContext) -> BrowserContext:
    """`context`, with axe-core in every document it opens from now on."""
    context.add_init_script(script=AXE_SCRIPT)
    return context


def assert_accessible(page: Page) -> None:
    """No violation on the page as it is now. It waits for the page to finish loading first
    (checked right after a click, a document still being replaced has no axe), and gives
    axe to a page whose context was made without it (a context a test made itself)."""
    page.wait_for_load_state()
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    violations = page.evaluate("options => axe.run(document, options)"
                               ".then(results => results.violations)", WCAG)
    assert not violations, [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
