"""Every staff page, found by following the links from the overview, passes axe-core
(WCAG 2.1 A and AA) at phone width and at desk width, for an administrator and a unit lead.
Each page is loaded once per role and checked at both widths (the page resized in place);
a page made of the same elements as one checked before, at an address that differs only
in its numbers (another survey's results drawn the same way), is not checked again."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from urllib.parse import urljoin, urlparse

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, Response, expect

import database
from surveys.account_models import Account
from surveys.demo import DEMO_NETWORK, DEMO_PASSWORD
from surveys.digest_settings import unsubscribe_token
from surveys.models import Network, Survey
from tests.browser.accessibility import assert_accessible

pytestmark = pytest.mark.browser
SKIP = (".csv", ".svg", ".png", ".yaml", ".xlsx", ".json", "/logout", "/chart")  # not pages
# The questionnaire builder's pages: tests/browser/test_builder_pages.py walks every one.
BUILDER = re.compile(r"^/admin/questionnaires/(new$|[^/]+/draft)")
MAX_PAGES = 80
PER_KIND = 2  # pages loaded of each kind of address
WIDTHS = [320, 1280]  # 320 px: a phone at 400 % zoom (WCAG 1.4.10), and any wider phone
NUMBER = re.compile(r"(?<=/)\d+(?=/|$)")
# Which elements, with which classes and roles, a page's main part is made of.
SHAPE = """() => [...new Set([...document.querySelectorAll('main *')].map(
    e => [e.tagName, e.className, e.getAttribute('role'), e.type].join(' ')))].sort().join('|')"""


def kind_of(page: Page, url: str) -> tuple[str, str]:
    """The address with its numbers taken out, and the page's shape: two pages of one kind
    differ only in their words and figures, which axe does not judge."""
    parsed = urlparse(url)
    return NUMBER.sub("<n>", parsed.path) + "?" + parsed.query, page.evaluate(SHAPE)


# Tables that scroll sideways inside their frame (but those marked as wider than a screen by
# design, `data-wide`: a column per improvement area), and how far the page itself does.
SIDEWAYS = """() => [[...document.querySelectorAll('.table-wrap:not([data-wide])')]
    .filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.getAttribute('aria-label')
      + ': ' + (w.querySelector('caption') || w).textContent.trim().slice(0, 60)),
  document.documentElement.scrollWidth - window.innerWidth]"""


def at_each_width(page: Page, widths: Sequence[int]) -> Iterator[int]:
    """Each of `widths`, the page resized to it: first the width the page has (where the last
    page ended), so a page is laid out once per width and resized once, not twice."""
    now = (page.viewport_size or {}).get("width")
    for width in sorted(widths, key=lambda width: width != now):
        if width != now:
            page.set_viewport_size({"width": width, "height": 800})
        yield width


def assert_accessible_at_every_width(page: Page) -> None:
    """axe at each width; at desk width no table scrolls sideways (staff pages use the
    screen), and at no width does the page itself."""
    for width in at_each_width(page, WIDTHS):
        assert_accessible(page)
        scrolling_tables, page_overflow = page.evaluate(SIDEWAYS)
        assert page_overflow <= 0, (page.url, width, page_overflow)
        if width >= 1280:
            assert not scrolling_tables, (page.url, scrolling_tables)


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/admin/login")
    assert_accessible_at_every_width(page)
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_have_text(["Oversikt"])


def address_kind(url: str) -> str:
    """An address with its numbers taken out and its query's names kept: the pages of one
    survey's results and another's are one kind."""
    parsed = urlparse(url)
    names = sorted(part.split("=")[0] for part in parsed.query.split("&") if part)
    return NUMBER.sub("<n>", parsed.path) + "?" + "&".join(names)


def staff_pages(page: Page, base: str) -> Iterator[tuple[str, Response]]:
    """Breadth-first over same-site links under /admin, GET only: each page is yielded while
    it is loaded, then its links are followed. Of each kind of address (`address_kind`) only
    the first `PER_KIND` are loaded: the fifteenth survey's results page is drawn as the
    first one's, and loading them all made the walk the suite's slowest test."""
    seen, queue, kinds = [], [f"{base}/admin/"], Counter[str]()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or kinds[address_kind(url)] >= PER_KIND:
            continue
        kinds[address_kind(url)] += 1
        seen.append(url)
        response = page.goto(url)
        yield url, response
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            target = urljoin(url, href).split("#")[0]
            parsed = urlparse(target)
            if (parsed.netloc == urlparse(base).netloc and parsed.path.startswith("/admin")
                    and not parsed.path.endswith(SKIP) and not BUILDER.match(parsed.path)
                    and target not in seen):
                queue.append(target)


@pytest.mark.parametrize("email", ["admin@demo.no", "enhet@demo.no"])
def test_every_staff_page_is_accessible(page: Page, demo_server, email):
    log_in(page, demo_server, email)
    kinds = set()
    for url, response in staff_pages(page, demo_server):
        assert response.status < 400, url
        kind = kind_of(page, url)
        if kind not in kinds:
            kinds.add(kind)
            assert_accessible_at_every_width(page)
    assert len(kinds) >= 3


def test_login_error_state_is_accessible(page: Page, demo_server):
    page.goto(f"{demo_server}/admin/login")
    page.click("form button[type=submit]")
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_visible()
    assert_accessible(page)


def test_the_login_page_with_work_accounts_and_its_refusal_are_accessible(
        page: Page, demo_app, demo_server):
    """The buttons for logging in with a work account above the password form, at both
    widths, and the page a refused login gets (no provider need answer for either)."""
    from web import oidc_settings

    saved = demo_app.extensions["oidc_providers"]
    demo_app.extensions["oidc_providers"] = oidc_settings.read({
        "OIDC_PROVIDERS": "nordby,alle",
        "OIDC_NORDBY_ISSUER": "https://login.nordby.example", "OIDC_NORDBY_CLIENT_ID": "x",
        "OIDC_NORDBY_CLIENT_SECRET": "x", "OIDC_NORDBY_LABEL": "Logg inn med Nordby kommunes konto",
        "OIDC_ALLE_ISSUER": "https://login.alle.example", "OIDC_ALLE_CLIENT_ID": "x",
        "OIDC_ALLE_CLIENT_SECRET": "x"})
    try:
        page.goto(f"{demo_server}/admin/login")
        expect(page.locator(".sign-in-providers a")).to_have_text(
            ["Logg inn med Nordby kommunes konto", "Logg inn med Alle"])
        assert_accessible_at_every_width(page)
        response = page.goto(f"{demo_server}/admin/login/oidc/nordby/callback?state=x&code=y")
        assert response is not None and response.status == 400
        assert_accessible_at_every_width(page)
    finally:
        demo_app.extensions["oidc_providers"] = saved


def test_the_gathering_table_and_its_intervals_are_accessible(page: Page, demo_app,
                                                               demo_server):
    """The network lead's table of gathering evaluations: means with n, the footnotes and the
    table of 95 % intervals below it, all as text on the page (nothing only on hover)."""
    page.goto(f"{demo_server}/admin/login")
    page.fill("#email", "nettverk@demo.no")
    page.fill("#password", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_have_text(["Oversikt"])
    with demo_app.app_context():
        network_id = database.session().scalar(
            sa.select(Network.id).where(Network.name == DEMO_NETWORK))
    page.goto(f"{demo_server}/admin/networks/{network_id}/evaluations")
    expect(page.locator("table.gathering-intervals caption")).to_contain_text(
        "95 % konfidensintervall")
    expect(page.locator("table.gathering-table").first.locator("td .cell-n").first
           ).to_contain_text("n = ")
    assert_accessible_at_every_width(page)


def test_the_network_set_up_page_and_its_errors_are_accessible(page: Page, demo_app,
                                                                demo_server):
    """Gatherings 1–4 and the erfaringssamling on one page: axe at both widths, with a date
    out of order (the error summary names the gathering), then saved."""
    with demo_app.app_context():
        db = database.session()
        network = Network(name="Nettverk for oppsett (test)")
        db.add(network)
        db.commit()
        network_id = network.id
    log_in(page, demo_server, "admin@demo.no")
    page.goto(f"{demo_server}/admin/networks/{network_id}/setup")
    assert_accessible_at_every_width(page)
    page.fill("#gatherings-0-held_on", "2026-05-05")
    page.fill("#gatherings-1-held_on", "2026-04-04")
    page.click(".actions button[type=submit]")
    summary = page.locator(".ds-error-summary")
    expect(summary).to_contain_text("Samling 2")
    assert_accessible_at_every_width(page)
    page.fill("#gatherings-1-held_on", "2026-06-06")
    page.click(".actions button[type=submit]")
    expect(page.locator("body")).to_contain_text("5 evalueringsundersøkelser er laget")


def test_a_results_page_prints_as_a_report(page: Page, demo_app, demo_server):
    """On paper (A4's width, print media): no menu, form or download link; every table and
    chart whole, nothing past the page's edge; and the note with the day and how to read the
    figures, which the screen does not show."""
    with demo_app.app_context():
        survey_id = database.session().scalar(
            sa.select(Survey.id).where(Survey.title == "Demo: Brukerundersøkelse"))
    log_in(page, demo_server, "admin@demo.no")
    page.goto(f"{demo_server}/admin/surveys/{survey_id}/results")
    note = page.locator("[data-print-note]")
    expect(note).to_be_hidden()
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Skrevet ut")
    expect(note).to_contain_text("færre enn 5 svar")
    for hidden in (".admin-nav", ".table-downloads", "form"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 794
    page.emulate_media(media="screen")


def test_the_network_lead_sets_up_four_gatherings_and_opens_the_briefing(page: Page, demo_app,
                                                                         demo_server):
    """The network lead's year: gatherings 1–4 with dates and invited counts in one go on a
    network of their own, then, from the organisation page, the briefing before the demo
    network's second gathering, with every team's figures; axe and no sideways page at both
    widths."""
    with demo_app.app_context():
        db = database.session()
        network = Network(name="Nettverk for året (test)")
        db.add(network)
        lead = db.scalars(sa.select(Account).where(Account.email == "nettverk@demo.no")).one()
        lead.networks.append(network)
        db.commit()
        network_id = network.id
        demo_id = db.scalar(sa.select(Network.id).where(Network.name == DEMO_NETWORK))
    log_in(page, demo_server, "nettverk@demo.no")
    page.goto(f"{demo_server}/admin/networks/{network_id}/setup")
    for index, day in enumerate(["2027-02-10", "2027-04-14", "2027-06-09", "2027-09-15"]):
        page.fill(f"#gatherings-{index}-held_on", day)
        page.fill(f"#gatherings-{index}-invited", str(40 + index))
    page.click(".actions button[type=submit]")
    expect(page.locator("body")).to_contain_text("evalueringsundersøkelser er laget")
    page.goto(f"{demo_server}/admin/organisation")
    briefing = "Status for hvert team Samling 2"
    expect(page.locator(f"#network-{network_id}").get_by_role("link", name=briefing)
           ).to_have_count(1)
    page.locator(f"#network-{demo_id}").get_by_role("link", name=briefing).click()
    expect(page.locator("h1")).to_contain_text("Før Samling 2: hvert team i")
    expect(page.locator("section.briefing-team").first).to_be_visible()
    expect(page.locator("#wishes")).to_be_visible()
    assert_accessible_at_every_width(page)


def test_the_digest_settings_and_its_unsubscribe_page_are_accessible(page: Page, demo_app,
                                                                    demo_server):
    """The network lead asks for the weekly digest in English, then stops it from the link
    in the mail, without being signed in: both pages pass axe at both widths."""
    log_in(page, demo_server, "nettverk@demo.no")
    page.goto(f"{demo_server}/admin/notifications")
    assert_accessible_at_every_width(page)
    page.check("input[name=digest][value=yes]")
    page.check("input[name=language][value=en]")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre").click()
    with demo_app.app_context():
        db = database.session()
        lead = db.scalars(sa.select(Account).where(Account.email == "nettverk@demo.no")).one()
        assert lead.digest and lead.language == "en"
        token = unsubscribe_token(demo_app.secret_key, lead)
    page.context.clear_cookies()
    page.goto(f"{demo_server}/admin/unsubscribe/{token}")
    assert_accessible_at_every_width(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Stop the digest").click()
    assert_accessible_at_every_width(page)
    with demo_app.app_context():
        lead = database.session().scalars(
            sa.select(Account).where(Account.email == "nettverk@demo.no")).one()
        assert not lead.digest
