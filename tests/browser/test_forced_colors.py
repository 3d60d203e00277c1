"""Forced colours (Windows high contrast, issue 18): the browser replaces our colours with
the user's few system colours, and drops backgrounds and shadows that carried meaning. Every
item type must still show what is chosen, where a field is and where the focus is.

In Chromium with `forced_colors="active"` at 360 px: a checked scale step, radio button,
checkbox and checklist choice is drawn unlike an unchecked one next to it (its computed
colours, border or outline, which forced colours have already replaced, differ, and so do
its pixels); a text, number and date field and a long text has a border; PSFS's rows keep
their edge; focus on each kind of control shows an outline.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page

pytestmark = pytest.mark.browser

# What of a control's look forced colours leave to show a state: colours, border, outline.
LOOK = """e => { const s = getComputedStyle(e);
  return [s.backgroundColor, s.color, s.borderTopColor, s.borderTopWidth, s.outlineStyle,
          s.outlineColor, s.outlineWidth].join(' '); }"""
# What shows a control's state, `{}` standing for its id: the label drawn for a scale step;
# the row around a radio or checkbox, which Designsystemet rings when it has the focus.
STEP_LABEL = "label[for='{}']"
CHOICE_ROW = ".ds-field:has(> #{})"


@pytest.fixture
def forced(browser: Browser):
    context = browser.new_context(forced_colors="active", viewport={"width": 360, "height": 740})
    yield context.new_page()
    context.close()


def drawn(control: Locator) -> bytes:
    return control.screenshot(animations="disabled", caret="hide")


def settle(page: Page) -> None:
    """No focus and no hover on any control: neither may tell the states apart here."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.mouse.move(0, 0)


def assert_checked_differs(page: Page, checked: str, unchecked: str, shown: str) -> None:
    """Tick `checked`: the element that shows it (`shown`, `{}` standing for the control's
    id: the control itself, or the label drawn for it) must look unlike that of `unchecked`,
    and be drawn otherwise than when it is not ticked."""
    control, mine, other = (page.locator(f"#{checked}"),
                            *(page.locator(shown.format(i)) for i in (checked, unchecked)))
    control.check()
    settle(page)
    assert mine.evaluate(LOOK) != other.evaluate(LOOK), (checked, mine.evaluate(LOOK))
    ticked = drawn(mine)
    if control.get_attribute("type") == "checkbox":
        control.uncheck()
    else:
        page.locator(f"#{unchecked}").check()
    settle(page)
    assert drawn(mine) != ticked, f"{checked}: ticked and not ticked are drawn alike"


def assert_has_border(page: Page, field: str) -> None:
    border = page.locator(f"#{field}").evaluate(
        "e => { const s = getComputedStyle(e); return [s.borderTopStyle, s.borderTopWidth]; }")
    assert border[0] != "none" and float(border[1].removesuffix("px")) >= 1, (field, border)


def assert_focus_shows(page: Page, control: str, shown: str = "#{}") -> None:
    """Focus `control` from the keyboard (as :focus-visible needs): an outline appears on it
    (or on what `shown` names for it)."""
    target, field = page.locator(shown.format(control)), page.locator(f"#{control}")
    if field.get_attribute("type") == "radio":
        field.check()  # the radio that Tab lands on in its group
    field.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    style = target.evaluate("e => [getComputedStyle(e).outlineStyle, "
                            "getComputedStyle(e).outlineWidth]")
    assert style[0] != "none" and float(style[1].removesuffix("px")) >= 2, (control, style)


def test_every_item_type_in_forced_colours(forced: Page, live_server):
    page, url = forced, live_server.url
    page.goto(f"{url}/s/{live_server.one_page['brukerundersokelse']}")
    assert_checked_differs(page, "f-resultat_hverdag-4", "f-resultat_hverdag-3", STEP_LABEL)
    assert_focus_shows(page, "f-resultat_hverdag-4", STEP_LABEL)
    first, second = page.eval_on_selector_all(  # a single choice: who answered
        "fieldset:not(:has(.scale)) input[type=radio]", "els => els.map(e => e.id)")[:2]
    assert_checked_differs(page, first, second, "#{}")
    assert_focus_shows(page, first, CHOICE_ROW)
    long_text = page.locator("textarea").first.get_attribute("id")
    assert_has_border(page, long_text)
    assert_focus_shows(page, long_text)

    page.goto(f"{url}/s/{live_server.one_page['parorende']}")
    boxes = page.locator("input[type=checkbox]")
    assert_checked_differs(page, boxes.nth(0).get_attribute("id"),
                           boxes.nth(1).get_attribute("id"), "#{}")
    assert_focus_shows(page, boxes.nth(0).get_attribute("id"), CHOICE_ROW)

    page.goto(f"{url}/s/{live_server.one_page['samling']}")
    number = page.locator("input[inputmode=numeric]").first.get_attribute("id")
    assert_has_border(page, number)
    assert_focus_shows(page, number)

    page.goto(f"{url}/s/{live_server.one_page['sjekkliste']}")
    for field in ("input[type=date]", "input[type=text]"):
        assert_has_border(page, page.locator(field).first.get_attribute("id"))
        assert_focus_shows(page, page.locator(field).first.get_attribute("id"))
    step = page.locator("input[value=done]").first.get_attribute("name")
    assert_checked_differs(page, f"f-{step}-done", f"f-{step}-not_done", "#{}")
    assert_focus_shows(page, f"f-{step}-done", CHOICE_ROW)

    page.goto(f"{url}/s/{live_server.one_page['psfs']}")
    edge = page.locator(".group > .row").first.evaluate(
        "e => [getComputedStyle(e).borderInlineStartStyle, "
        "getComputedStyle(e).borderInlineStartWidth]")
    assert edge[0] != "none" and float(edge[1].removesuffix("px")) >= 1, edge
    assert_has_border(page, "f-activities-0-activity")
    assert_checked_differs(page, "f-activities-0-score-7", "f-activities-0-score-6", STEP_LABEL)
    assert_focus_shows(page, "f-activities-0-score-7", STEP_LABEL)

