"""Reflow (WCAG 1.4.10): every respondent page of every built-in questionnaire, and every
public page, in nb, nn and en at 320 px (400 % zoom of a 1280 px screen) and 360 px: no
sideways page scroll and the right `<html lang>` at both widths, no axe violation at 320 px
(at 360 px the same pages pass axe in test_answering, test_follow_up_path and
test_shared_tablet).

Each questionnaire is shown on one page (every item and every text of it), then sent empty
(every error), in every language; page by page to its thank-you in one language, taking
turns as test_answering does (the parts, the Back button and the thank-you in every
language); PSFS in every language on to its code, slip and follow-up.

One browser context per language; each page is checked at one width, resized in place and
checked at the other (the next page starts at the width the last one ended at), so a page is
loaded once for both. Problems are gathered over the whole walk and reported together, with
what sticks out and how far.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, Page, expect

from questionnaires import schema as s
from questionnaires.forms import row_field
from questionnaires.loader import builtin_definitions
from surveys.models import new_token
from tests.browser.accessibility import violations, with_axe
from tests.browser.test_answering import choose_language
from util.languages import KNOWN

LANGUAGES = list(KNOWN)  # every language respondents can be offered, right-to-left too

pytestmark = pytest.mark.browser
WIDTHS = (320, 360)
HEIGHT = 740
# axe-core runs at 320 px here; at 360 px the same pages pass it in test_answering,
# test_follow_up_path and test_shared_tablet (a second run here would double the time).
# Not again on a page made of the same elements as one judged before (as test_admin_pages):
# another part of a questionnaire made of the same kinds of question, another thank-you.
AXE_WIDTH = 320
SHAPE = """() => [...new Set([...document.querySelectorAll('body *')].map(
    e => [e.tagName, e.className, e.getAttribute('role'), e.type].join(' ')))].sort().join('|')"""

# The page's width, its language, and (when it scrolls sideways) what reaches past its end
# edge (the right; the left in a right-to-left page): the innermost elements, and the lines
# of text, with how wide they are.
MEASURE = """() => {
  const width = window.innerWidth, scroll = document.documentElement.scrollWidth;
  const wide = [], name = el => el.tagName.toLowerCase() + (el.className ? '.' +
    String(el.className).trim().split(/\\s+/).join('.') : '');
  const rtl = getComputedStyle(document.documentElement).direction === 'rtl';
  const past = box => (rtl ? box.left < -0.5 : box.right > width + 0.5) && box.width > 1;
  if (scroll > width) {
    for (const el of document.body.querySelectorAll('*')) {
      if (past(el.getBoundingClientRect()) &&
          ![...el.children].some(c => past(c.getBoundingClientRect())))
        wide.push(`${name(el)} ${Math.round(el.getBoundingClientRect().width)} px`);
    }
    const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node; (node = texts.nextNode());) {
      range.selectNodeContents(node);
      const line = [...range.getClientRects()].find(past);
      if (line && !node.parentElement.closest('.visually-hidden'))
        wide.push(`text in ${name(node.parentElement)} ${Math.round(line.width)} px:`
                  + ` «${node.textContent.trim().slice(0, 30)}»`);
    }
  }
  return {width, scroll, lang: document.documentElement.lang,
          dir: document.documentElement.getAttribute('dir'), wide: wide.slice(0, 4)};
}"""


@dataclass
class Walk:
    """Checks each page it is shown at both widths and keeps what it found."""

    page: Page
    lang: str
    problems: list[str] = field(default_factory=list)
    widths: tuple[int, ...] = WIDTHS
    shapes: set[str] = field(default_factory=set)  # of the pages axe has judged

    def check(self, what: str) -> None:
        self.page.wait_for_load_state()
        for width in self.widths:
            if (self.page.viewport_size or {}).get("width") != width:
                self.page.set_viewport_size({"width": width, "height": HEIGHT})
            found = self.page.evaluate(MEASURE)
            where = f"{self.lang} {width} px {what} ({self.page.url.split('/', 3)[-1]})"
            if found["lang"] != self.lang or found["dir"] != KNOWN[self.lang].direction:
                self.problems.append(f"{where}: <html lang={found['lang']} dir={found['dir']}>")
            if found["scroll"] > found["width"]:
                self.problems.append(f"{where}: page {found['scroll']} px wide: "
                                     + "; ".join(found["wide"]))
            if width == AXE_WIDTH and (shape := self.page.evaluate(SHAPE)) not in self.shapes:
                self.shapes.add(shape)
                self.axe(where)
        self.widths = self.widths[::-1]  # the next page starts at the width this one ends at

    def axe(self, where: str) -> None:
        self.problems.extend(f"{where}: axe {v['id']} {[n['target'] for n in v['nodes']][:3]}"
                             for v in violations(self.page))


def answer(item, name: str, definition: s.Definition) -> tuple[str, str | bool]:
    """What `tests.browser.test_answering.fill_item` gives the item, as (element id, value):
    True ticks the element."""
    if isinstance(item, s.ScaleItem):
        return f"f-{name}-{definition.scale_of(item).min}", True
    if isinstance(item, s.SingleChoiceItem | s.MultipleChoiceItem):
        return f"f-{name}-{item.options[0].value}", True
    if isinstance(item, s.ChecklistItem):
        return f"f-{name}-done", True
    if isinstance(item, s.IntegerItem):
        return f"f-{name}", str(item.min)
    if isinstance(item, s.DateItem):
        return f"f-{name}", (dt.date.today() - dt.timedelta(days=7)).isoformat()
    return f"f-{name}", "Komme meg hjem"


def fill_page(page: Page, definition: s.Definition) -> None:
    """Answer every required item on the page shown (and a group's first row) in one call:
    the walk is about the pages, not the typing, which `test_answering` covers."""
    answers = []
    for item in definition.items():
        if item.show_if is not None:
            continue  # shown only after a particular answer
        if isinstance(item, s.GroupItem):
            answers += [answer(child, row_field(item.id, 0, child.id), definition)
                        for child in item.items]
        elif item.required:
            answers.append(answer(item, item.id, definition))
    page.evaluate("""answers => { for (const [id, value] of answers) {
        const el = document.getElementById(id);
        if (el && value === true) el.checked = true; else if (el) el.value = value; } }""",
                  answers)


def walk_questionnaire(walk: Walk, url: str, slug: str) -> None:
    """Every page of the questionnaire, filled in and sent: the thank-you (or code) page too."""
    page, definition = walk.page, builtin_definitions()[slug]
    page.goto(url)
    number = 1
    while True:
        walk.check(f"{slug} part {number}")
        fill_page(page, definition)
        button = page.locator(".actions button[value=next], .actions button[value=submit]")
        last = button.get_attribute("value") == "submit"
        with page.expect_navigation():
            button.click()
        if last:
            break
        number += 1
    walk.check(f"{slug} after sending")


def walk_one_page(walk: Walk, url: str, slug: str, with_errors: bool) -> None:
    """The questionnaire on one page; `with_errors`, then sent empty: every required item
    with its error."""
    page = walk.page
    page.goto(url)
    walk.check(f"{slug} on one page")
    if with_errors and any(item.required for item in builtin_definitions()[slug].items()):
        with page.expect_navigation():
            page.locator(".actions button[value=submit]").click()
        expect(page.locator(".ds-error-summary")).to_be_visible()
        walk.check(f"{slug} on one page, with errors")


def walk_follow_up(walk: Walk, base: str, token: str) -> None:
    """From the code page after a PSFS baseline: the slip, typing the code (wrong, then
    right), the follow-up form (empty, then scored), and the pages that say a code or a
    follow-up is gone."""
    page = walk.page
    code = page.locator(".follow-up-code span[aria-hidden]").inner_text()
    page.click("form[action$='/kode/lapp'] button")
    expect(page.locator(".follow-up-slip")).to_be_visible()
    walk.check("the slip")
    page.goto(f"{base}/s/{token}/oppfolging")
    walk.check("typing the code")
    page.fill("#f-code", "ABCD-EFGH")
    page.click(".actions button")
    expect(page.locator(".ds-error-summary")).to_be_visible()
    walk.check("a wrong code")
    page.fill("#f-code", code)
    page.click(".actions button")
    expect(page.locator("#f-score_0-0")).to_be_attached()
    walk.check("the follow-up form")
    page.locator(".actions button[value=submit]").click()
    expect(page.locator(".ds-error-summary")).to_be_visible()
    walk.check("the follow-up form, with errors")
    page.check("#f-score_0-5")
    page.locator(".actions button[value=submit]").click()
    expect(page.locator(".thanks")).to_be_visible()  # the thank-you page, checked before
    page.goto(f"{base}/s/{token}/oppfolging/skjema")
    walk.check("the follow-up, no longer open")
    page.goto(f"{base}/s/{token}/kode")
    walk.check("the code, already shown")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_reflows_at_320_and_360(browser: Browser, live_server, lang):
    context = with_axe(browser.new_context(viewport={"width": WIDTHS[0], "height": HEIGHT}))
    walk = Walk(context.new_page(), lang)
    base = live_server.url
    choose_language(walk.page, f"{base}/s/{live_server.tokens['psfs']}", lang)
    for path, what in [("/", "home"), ("/personvern", "privacy"),
                       ("/tilgjengelighet", "accessibility statement"),
                       (f"/s/{new_token()}", "a closed link (410)")]:
        walk.page.goto(base + path)
        walk.check(what)
    for turn, slug in enumerate(sorted(builtin_definitions())):
        # Its own language's turn (or PSFS, the shortest): page by page, and sent with
        # errors; on one page in every language. Each questionnaire's every page is so
        # walked in some language, and every language walks some questionnaire's every page,
        # within the suite's five minutes.
        own_turn = slug == "psfs" or LANGUAGES[turn % len(LANGUAGES)] == lang
        walk_one_page(walk, f"{base}/s/{live_server.one_page[slug]}", slug, own_turn)
        if own_turn:
            walk_questionnaire(walk, f"{base}/s/{live_server.tokens[slug]}", slug)
        if slug == "psfs":
            walk_follow_up(walk, base, live_server.tokens[slug])
    context.close()
    assert not walk.problems, "\n".join(walk.problems)


def test_right_to_left_pages_do_not_scroll_sideways(page: Page, live_server):
    """Ready for a right-to-left language: with `dir="rtl"` on <html>, no page scrolls
    sideways at 320 px (the skip link, parked off the left edge, once made the page 1,000 px
    wide), and the skip link, when focused, is on the screen."""
    page.set_viewport_size({"width": 320, "height": HEIGHT})
    base, problems = live_server.url, []
    paths = ["/", "/personvern", "/tilgjengelighet"] + [
        f"/s/{live_server.one_page[slug]}" for slug in sorted(builtin_definitions())]
    for path in paths:
        page.goto(base + path)
        page.evaluate("document.documentElement.dir = 'rtl'")
        found = page.evaluate(MEASURE)
        if found["scroll"] > found["width"]:
            problems.append(f"{path}: page {found['scroll']} px wide: " + "; ".join(found["wide"]))
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, box
    assert not problems, "\n".join(problems)
