"""A network lead builds a questionnaire of every item type in the browser with the keyboard
alone, previews it on a phone-width frame and on paper, publishes it, makes a survey of it;
five people answer it on a phone without JavaScript; the lead reads its results (issue 19).

«Keyboard alone»: every field is filled, every box ticked and every button and link pressed
with key presses (typing, Space, Enter, the arrow keys in a select); the test moves the focus
to the control it wants, as a screen reader user jumps by heading or form field, instead of
counting Tab presses, and `test_the_question_form_is_one_tab_order` checks that Tab reaches
every control of a question's form in order."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

import database
from questionnaires.queries import latest_version
from surveys.account_models import Account
from surveys.auth import hash_password
from surveys.models import Network, Organisation, Unit
from tests.browser.accessibility import assert_accessible
from tests.browser.test_answering import complete
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
LEAD = "tastatur@nett.no"
TITLE = "Tastaturskjema"  # in nynorsk and English «… (nn)» and «… (en)»: `texts`


@pytest.fixture(scope="module")
def keyboard_lead(live_server) -> str:
    """A network lead of «Tastaturnettverket», whose member organisation has a unit."""
    with live_server.app.app_context():
        db = database.session()
        network = Network(name="Tastaturnettverket")
        unit = Unit(name="Tastaturenheten", organisation=Organisation(
            name="Tastaturkommunen", kind="kommune", network=network))
        db.add_all([network, unit, Account(email=LEAD, name="Tastatur", networks=[network],
                                           password_hash=hash_password(PASSWORD))])
        db.commit()
    return LEAD


def key_type(page: Page, selector: str, text: str) -> None:
    """Type `text` into the field, replacing what it held."""
    page.focus(selector)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def key_press(page: Page, selector: str, key: str = "Enter") -> None:
    page.focus(selector)
    page.keyboard.press(key)


def key_select(page: Page, selector: str, label: str) -> None:
    """Choose an option of a select with the arrow keys, from its top."""
    page.focus(selector)
    page.keyboard.press("Home")
    for _ in range(80):
        chosen = page.eval_on_selector(selector, "s => s.options[s.selectedIndex].text")
        if chosen.strip() == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{selector}: no option {label!r}")


def texts(page: Page, prefix: str, nb: str) -> None:
    """A text in bokmål, nynorsk and English (what publishing needs)."""
    for code, suffix in (("nb", ""), ("nn", " (nn)"), ("en", " (en)")):
        key_type(page, f"#{prefix}-{code}", nb + suffix)


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/admin/login")
    key_type(page, "#email", LEAD)
    key_type(page, "#password", PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(["Oversikt"])


def add_question(page: Page, kind: str, nb: str, *, required: bool = True) -> None:
    """From the draft's overview: «Legg til et spørsmål i del 1», choose the type, fill in."""
    key_press(page, "a:has-text('Legg til et spørsmål i del 1')")
    key_press(page, f"input[name=type][value={kind}]", " ")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Nytt spørsmål")
    texts(page, "text", nb)
    if not required:
        key_press(page, "#required", " ")
    if kind in ("single_choice", "multiple_choice"):
        for row, option in enumerate(("Ja", "Nei")):
            texts(page, f"options-{row}-text", option)
    if kind == "group":
        texts(page, "row_label", "Aktivitet")
        texts(page, "first_text", "Hva vil du klare?")
    key_press(page, "main .actions button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Utkast:")


def test_build_preview_publish_answer_and_read(page: Page, browser: Browser, live_server,
                                               keyboard_lead):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base)
    page.goto(f"{base}/admin/questionnaires")
    key_press(page, "main a[href$='/questionnaires/new']")
    texts(page, "title", TITLE)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(f"Utkast: {TITLE}")
    slug = re.search(r"/questionnaires/(\w+)/draft", page.url).group(1)

    # A scale from the library, then a question of every type.
    key_press(page, "a:has-text('Skalaer (0)')")
    key_press(page, "form:has(input[name=from][value='brukerundersokelse.agree7']) button")
    expect(page.locator("main")).to_contain_text("Svært enig")
    page.goto(f"{base}/admin/questionnaires/{slug}/draft")
    add_question(page, "scale", "Jeg får hjelpen jeg trenger")
    add_question(page, "single_choice", "Bor du alene?")
    for kind, words in (("multiple_choice", "Hvem hjelper deg?"), ("text", "Kommune"),
                        ("long_text", "Hva er viktig for deg?"), ("integer", "Alder"),
                        ("date", "Dato for vedtak"), ("checklist", "Plan laget"),
                        ("group", "Aktiviteter")):
        add_question(page, kind, words, required=False)
    items = page.locator("main ol.builder-items > li")
    expect(items).to_have_count(9 + 1)  # and the group's own question
    assert_accessible(page)

    # The long text only for those who live alone: a condition, chosen with the arrow keys.
    key_press(page, "a:has-text('Endre «Hva er viktig for deg?»')")
    key_select(page, "#show_if", "«Bor du alene?» = Ja")
    key_press(page, "main .actions button[type=submit]")
    expect(page.locator("main")).to_contain_text("vises bare når bor_du_alene er ja")

    # Preview: the phone-width frame in bokmål and English, and the paper form.
    key_press(page, "a:has-text('Forhåndsvis')")
    frame = page.frame_locator("iframe")
    expect(frame.locator("h1")).to_have_text(TITLE)
    assert_accessible(page)
    key_press(page, "main a[hreflang=en], main a[lang=en]")
    expect(page.frame_locator("iframe").locator("h1")).to_have_text(f"{TITLE} (en)")

    # Publish: the nynorsk and English texts are all there.
    page.goto(f"{base}/admin/questionnaires/{slug}/draft")
    key_press(page, "button:has-text('Publiser versjon 1')")
    expect(page.locator("h1")).to_contain_text(f"{TITLE}, versjon 1")

    # A survey of it for the unit, chosen with the keyboard.
    page.goto(f"{base}/admin/surveys/new")
    key_select(page, "#questionnaire_version", f"{TITLE}, versjon 1")
    key_select(page, "#unit", "Tastaturenheten (Tastaturkommunen)")
    key_type(page, "#title", "Tastaturundersøkelsen")
    key_press(page, ".actions button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Tastaturundersøkelsen")
    public = page.locator("input[readonly]").first.input_value()
    survey_url = page.url

    # Five people answer on a phone without JavaScript.
    with live_server.app.app_context():
        definition = latest_version(database.session(), slug).definition
    phone = browser.new_context(java_script_enabled=False, locale="nb-NO",
                                viewport={"width": 360, "height": 740})
    for _ in range(5):
        answering = phone.new_page()
        complete(answering, public, "nb", definition, check_axe=False)
        answering.close()
    phone.close()

    # The lead reads the results: five responses, the scale question's mean.
    page.goto(survey_url.rstrip("/") + "/results")
    expect(page.locator("main")).to_contain_text("Jeg får hjelpen jeg trenger")
    expect(page.locator("main")).to_contain_text(re.compile(r"Svar\s*5\s*Gjennomsnitt"))
    assert_accessible(page)
    with live_server.app.app_context():
        count = database.session().scalar(sa.text(
            "SELECT count(*) FROM responses r JOIN surveys s ON s.id = r.survey_id "
            "WHERE s.title = 'Tastaturundersøkelsen'"))
    assert count == 5


def test_the_question_form_is_one_tab_order(page: Page, live_server, keyboard_lead):
    """Tab from the top of a question's form reaches every field and the button, each once."""
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/questionnaires/new")
    texts(page, "title", "Tabulatorskjema")
    page.keyboard.press("Enter")
    add_question(page, "single_choice", "Tabulator?")
    key_press(page, "a:has-text('Endre «Tabulator?»')")
    page.wait_for_url("**/items/tabulator")
    controls = page.eval_on_selector_all(
        "main form[method=post] :is(input:not([type=hidden]), select, textarea, button)",
        "els => els.map(e => e.id || e.name || e.textContent.trim())")
    page.focus("#text-nb")
    reached = []
    for _ in range(len(controls) + 5):
        reached.append(page.evaluate(
            "() => document.activeElement.id || document.activeElement.name "
            "|| document.activeElement.textContent.trim()"))
        page.keyboard.press("Tab")
    start = controls.index("text-nb")
    assert reached[:len(controls) - start] == controls[start:]
