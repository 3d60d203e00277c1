"""Every built-in questionnaire answered in Chromium at 360×740, in nb, nn and en, with and
without JavaScript; axe-core (WCAG 2.1 A and AA) on every respondent page, errors included."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, expect

from questionnaires import schema as s
from questionnaires.forms import row_field
from questionnaires.loader import builtin_definitions
from tests.browser.accessibility import assert_accessible

pytestmark = pytest.mark.browser

LANGUAGES = ["nb", "nn", "en"]
THANKS = {"nb": "Takk for svarene dine!", "nn": "Takk for svara dine!",
          "en": "Thank you for your answers!"}


def fill_item(page: Page, name: str, item, definition: s.Definition) -> None:
    """Answer one item the way a person would: tick the first option or type a word."""
    if isinstance(item, s.ScaleItem):
        page.check(f"#f-{name}-{definition.scale_of(item).min}")
    elif isinstance(item, s.SingleChoiceItem | s.MultipleChoiceItem):
        page.check(f"#f-{name}-{item.options[0].value}")
    elif isinstance(item, s.ChecklistItem):
        page.check(f"#f-{name}-done")
    elif isinstance(item, s.IntegerItem):
        page.fill(f"#f-{name}", str(item.min))
    elif isinstance(item, s.DateItem):  # a date input takes ISO, as its picker sends
        page.fill(f"#f-{name}", (dt.date.today() - dt.timedelta(days=7)).isoformat())
    else:
        page.fill(f"#f-{name}", "Komme meg hjem")


def fill_page(page: Page, definition: s.Definition) -> None:
    """Answer every required item on the page (and a group's first row); the page's fields
    are read in one call rather than asked for item by item."""
    ids = page.eval_on_selector_all("[id^='f-']", "els => els.map(e => e.id)")
    for item in definition.items():
        on_page = any(i == f"f-{item.id}" or i.startswith(f"f-{item.id}-") for i in ids)
        if not on_page or item.show_if is not None:
            continue  # on another page, or shown only after a particular answer
        if isinstance(item, s.GroupItem):
            for child in item.items:
                fill_item(page, row_field(item.id, 0, child.id), child, definition)
        elif item.required:
            fill_item(page, item.id, item, definition)


def choose_language(page: Page, url: str, lang: str) -> None:
    page.goto(f"{url.split('/s/')[0]}/sprak/{lang}?next=/s/{url.split('/s/')[1]}")
    expect(page.locator("html")).to_have_attribute("lang", lang)


def complete(page: Page, url: str, lang: str, definition: s.Definition, check_axe: bool) -> None:
    choose_language(page, url, lang)
    if check_axe:
        assert_accessible(page)
    first_page = True
    while True:
        if first_page and any(i.required for i in definition.sections[0].items):
            page.locator(".actions button").first.click()  # nothing filled in: errors
            expect(page.locator(".ds-error-summary")).to_be_visible()
            if check_axe:
                assert_accessible(page)
        first_page = False
        fill_page(page, definition)
        button = page.locator(".actions button[value=next], .actions button[value=submit]")
        is_last = button.get_attribute("value") == "submit"
        # The next page keeps the address, and a click does not wait for the answer: without
        # this, the old page could be filled while the next one loads, and the next one sent
        # empty (seen once in CI as a 422 on the last page).
        with page.expect_navigation():
            button.click()
        if is_last:
            break
        expect(page.locator(".ds-error-summary")).to_have_count(0)
        if check_axe:
            assert_accessible(page)
    expect(page.locator("h1")).to_have_text(THANKS[lang])
    if check_axe:
        assert_accessible(page)


@pytest.mark.parametrize("slug", sorted(builtin_definitions()))
def test_complete_every_questionnaire(page: Page, live_server, slug):
    """Each questionnaire filled in and sent page by page, with its errors, the language
    taking turns. Every page of every questionnaire in every language, on one page and
    page by page, is walked with axe by tests/browser/test_reflow.py; here each is sent
    to the end once, so the suite stays within its five minutes."""
    lang = LANGUAGES[sorted(builtin_definitions()).index(slug) % len(LANGUAGES)]
    complete(page, f"{live_server.url}/s/{live_server.tokens[slug]}", lang,
             builtin_definitions()[slug], check_axe=True)


@pytest.mark.parametrize("slug", sorted(builtin_definitions()))
def test_complete_without_javascript(browser: Browser, live_server, slug):
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 360, "height": 740})
    page = context.new_page()
    # Page by page and on one page, taking turns: both ways for every questionnaire cost the
    # suite half a minute, and each way is tested on every kind of item.
    turn = sorted(builtin_definitions()).index(slug) % 2
    tokens = (live_server.tokens, live_server.one_page)[turn]
    complete(page, f"{live_server.url}/s/{tokens[slug]}", "nb", builtin_definitions()[slug],
             check_axe=False)
    context.close()


# The home page, privacy, the accessibility statement and a closed link, in every
# language with axe: tests/browser/test_reflow.py::test_every_page_reflows_at_320_and_360.


@pytest.fixture(scope="module")
def configured_server(sqlite_template, tmp_path_factory):
    """A server whose operator filled in the privacy page's settings, long values included,
    as a real installation would."""
    import shutil

    from tests.browser.conftest import serve
    from tests.conftest import make_app

    path = tmp_path_factory.mktemp("configured") / "configured.sqlite"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", RETENTION_MONTHS=24,
                   PRIVACY_CONTROLLER="Nordby kommune, Helse og omsorg, Postboks 1, 9999 Nordby",
                   PRIVACY_DPO_CONTACT="personvernombud.helse-og-omsorg@nordby.kommune.no")
    with serve(app) as url:
        yield url


@pytest.mark.parametrize("lang", LANGUAGES)
def test_privacy_page_with_the_operators_settings(page: Page, configured_server, lang):
    page.goto(f"{configured_server}/sprak/{lang}?next=/personvern")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("[data-retention]")).to_contain_text("24")
    expect(page.locator("[data-dpo]")).to_contain_text("personvernombud.helse-og-omsorg@")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll


def test_error_summary_gets_focus_and_links_to_the_field(page: Page, live_server):
    page.goto(f"{live_server.url}/s/{live_server.one_page['psfs']}")
    page.fill("#f-activities-0-activity", "Gå i trappen")
    page.click(".actions button")
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_focused()
    summary.locator("a").first.click()
    expect(page.locator("#f-activities-0-score-0")).to_be_focused()
    expect(page.locator("#f-activities-0-activity")).to_have_value("Gå i trappen")


def test_keyboard_only(page: Page, live_server):
    """Tab to a scale, choose with the arrow keys, and send with Enter."""
    page.goto(f"{live_server.url}/s/{live_server.one_page['psfs']}")
    page.focus("#f-activities-0-activity")
    page.keyboard.type("Handle selv")
    page.keyboard.press("Tab")  # into the scale: focus on its first step
    expect(page.locator("#f-activities-0-score-0")).to_be_focused()
    page.keyboard.press("ArrowRight")  # the arrow keys move along the steps and choose
    expect(page.locator("#f-activities-0-score-1")).to_be_checked()
    page.focus("#f-activities-0-activity")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(THANKS["nb"])


def test_condition_shows_item_only_after_the_answer(page: Page, live_server):
    definition = builtin_definitions()["brukerundersokelse"]
    item = next(i for i in definition.items() if i.show_if is not None)
    page.goto(f"{live_server.url}/s/{live_server.one_page['brukerundersokelse']}")
    wrapper = page.locator(f"[data-show-if='{item.show_if.item}']")
    expect(wrapper).to_be_hidden()
    page.check(f"#f-{item.show_if.item}-{item.show_if.equals}")
    expect(wrapper).to_be_visible()


def test_nothing_is_requested_from_another_host(page: Page, live_server):
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(f"{live_server.url}/s/{live_server.one_page['brukerundersokelse']}")
    page.click(".actions button")
    assert hosts == {live_server.url.split("/")[2]}


def test_a_score_tapped_by_mistake_is_taken_back_without_javascript(browser: Browser,
                                                                     live_server):
    """Issue 18: a score tapped in an empty PSFS row is emptied with the row's «No score»,
    and the row is no longer counted as started."""
    context = browser.new_context(java_script_enabled=False, locale="nb-NO",
                                  viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{live_server.one_page['psfs']}")
    page.fill("#f-activities-0-activity", "Komme meg hjem")
    page.check("#f-activities-0-score-5")
    page.check("#f-activities-1-score-7")  # by mistake, in a row left empty
    page.check("#f-activities-1-score-none")
    expect(page.locator("#f-activities-1-score-7")).not_to_be_checked()
    page.locator(".actions button[value=submit]").click()
    expect(page.locator("h1")).to_have_text(THANKS["nb"])
    context.close()


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("slug", ["brukerundersokelse", "psfs"])
def test_error_text_has_the_error_colour(page: Page, live_server, slug):
    """Issue 18: under a question without a hint, the error message came right after the
    legend, where Designsystemet's fieldset gives a description's grey: every error on a
    respondent page has the validation message's danger colour, at 4.5:1 or more."""
    page.goto(f"{live_server.url}/s/{live_server.one_page[slug]}")
    if slug == "psfs":
        page.fill("#f-activities-0-activity", "Gå i trappen")
    page.locator(".actions button").first.click()
    expect(page.locator(".ds-error-summary")).to_be_visible()
    found = page.eval_on_selector_all(".ds-validation-message", """els => els.map(e => {
        const style = getComputedStyle(e);
        return [style.color, getComputedStyle(document.body).backgroundColor]; })""")
    assert found
    danger = page.evaluate("""() => { const probe = document.createElement('span');
        probe.style.color = 'var(--ds-color-danger-text-subtle)';
        document.body.append(probe); const c = getComputedStyle(probe).color;
        probe.remove(); return c; }""")
    for colour, background in found:
        assert colour == danger
        assert contrast(colour, background) >= 4.5


WHO_ASKS = {"nb": "Denne undersøkelsen er fra Nettleserenheten, Nettleserkommunen.",
            "nn": "Denne undersøkinga er frå Nettleserenheten, Nettleserkommunen.",
            "en": "This survey is from Nettleserenheten, Nettleserkommunen."}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_say_who_is_asking_and_a_closed_survey_whom_to_ask(page: Page, live_server,
                                                                  lang):
    """Issue 18: the unit, its municipality and whom to ask, on the survey's page and on
    the page of a closed survey, which passes axe too."""
    from tests.browser.conftest import CONTACT

    choose_language(page, f"{live_server.url}/s/{live_server.tokens['samling']}", lang)
    who = page.locator("[data-who-asks]")
    expect(who).to_contain_text(WHO_ASKS[lang])
    expect(who).to_contain_text(CONTACT)
    response = page.goto(f"{live_server.url}/s/{live_server.closed}")
    assert response is not None and response.status == 410
    expect(who).to_contain_text(WHO_ASKS[lang])
    expect(who).to_contain_text(CONTACT)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
