"""The accessibility statement in the form Norwegian law expects (issue 18): the status in
Digdir's words, each known deviation against its WCAG criterion, the dates, the link to
uustatus.no, the feedback contact and the complaint to Tilsynet for universell utforming av
IKT; the settings checked at start-up. The browser check (axe, 320 and 360 px) is in
tests/browser/test_accessibility_statement.py."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask_babel import lazy_gettext

from app import create_app
from web import accessibility_settings
from web import accessibility_statement as known
from web.accessibility_settings import StatementSettings
from web.accessibility_statement import Criterion, KnownProblem

LANGUAGES = ("nb", "nn", "en")
STATUS = {
    "fully": {"nb": "Nettstedet oppfyller kravene i forskrift om universell utforming av "
                    "IKT-løsninger.",
              "nn": "Nettstaden oppfyller krava i forskrift om universell utforming av "
                    "IKT-løysingar.",
              "en": "This website meets the requirements of the Norwegian regulations on "
                    "universal design of ICT solutions"},
    "partly": {"nb": "Nettstedet oppfyller delvis kravene i forskrift om universell utforming "
                     "av IKT-løsninger.",
               "nn": "Nettstaden oppfyller delvis krava i forskrift om universell utforming av "
                     "IKT-løysingar.",
               "en": "This website partly meets the requirements of the Norwegian regulations "
                     "on universal design of ICT solutions"},
    "not": {"nb": "Nettstedet oppfyller ikke kravene i forskrift om universell utforming av "
                  "IKT-løsninger.",
            "nn": "Nettstaden oppfyller ikkje krava i forskrift om universell utforming av "
                  "IKT-løysingar.",
            "en": "This website does not meet the requirements of the Norwegian regulations "
                  "on universal design of ICT solutions"},
}
COMPLAINT = {"nb": "kan du sende en klage til Tilsynet for universell utforming av IKT",
             "nn": "kan du sende ein klage til Tilsynet for universell utforming av IKT",
             "en": "you may send a complaint (klage) to Tilsynet for universell utforming av IKT"}
STATEMENT_URL = "https://uustatus.no/nb/erklaringer/publisert/0d4a5e8c-1f2b-4c3d-9e8f-112233445566"
SETTINGS = ("STATUS", "STATEMENT_URL", "CONTACT", "MADE_ON", "REVIEWED_ON", "LIMITATIONS")


@pytest.fixture(autouse=True)
def no_statement_settings_in_the_environment(monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(f"SURVEY_ACCESSIBILITY_{name}", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)


@pytest.fixture
def statement_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Makes an app on `app`'s database with these settings (TESTING unless told not)."""
    made: list[Flask] = []

    def make(testing: bool = True, **config) -> Flask:
        made.append(create_app({"TESTING": testing, "DATABASE_URL": app.config["DATABASE_URL"],
                                "SECRET_KEY": "test", **config}))
        return made[-1]

    yield make
    for instance in made:
        instance.extensions["db_engine"].dispose()


def statement(app: Flask, lang: str = "nb") -> str:
    response = app.test_client().get("/tilgjengelighet", headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text(html: str) -> str:
    """The page's words, without tags and with spaces as one."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("status", ["fully", "partly", "not"])
def test_each_status_says_its_sentence_in_each_language(statement_app, status):
    app = statement_app(ACCESSIBILITY_STATUS=status)
    for lang in LANGUAGES:
        page = text(statement(app, lang))
        assert STATUS[status][lang] in page
        others = [STATUS[s][lang] for s in STATUS if s != status]
        assert not any(sentence in page for sentence in others)


def test_the_default_is_partly_and_claims_no_absence_of_problems(app):
    for lang in LANGUAGES:
        page = text(statement(app, lang)).lower()
        assert STATUS["partly"][lang].lower() in page
        for claim in ("ingen kjente", "ingen kjende", "none known", "no known"):
            assert claim not in page


def test_each_deviation_is_shown_with_its_criterion_number_and_name(app, monkeypatch):
    monkeypatch.setattr(known, "DEVIATIONS", (
        KnownProblem("Skalaen brytes over to linjer.", "Spørsmål med skala.",
                     (Criterion("1.4.10", lazy_gettext("Reflow")),
                      Criterion("1.3.2", "Meningsbærende rekkefølge"))),))
    monkeypatch.setattr(known, "OTHER_PROBLEMS", (KnownProblem("Tilbake-knappen.", "Overalt."),))
    page = statement(app)
    deviations = page[page.index("data-deviations"):page.index("</ul>", page.index(
        "data-deviations"))]
    assert "Skalaen brytes over to linjer." in deviations
    assert "1.4.10 Dynamisk tilpasning (Reflow)" in text(deviations)
    assert "1.3.2 Meningsbærende rekkefølge" in text(deviations)
    assert "Gjelder: Spørsmål med skala." in text(deviations)
    assert "Tilbake-knappen." in page[page.index("data-other-problems"):]


def test_the_list_in_the_code_is_on_the_page_with_criterion_numbers(app):
    """Whatever the list holds today: every entry on the page, each deviation with the
    numbers of its criteria (entries go as their fixes land)."""
    for problem in known.DEVIATIONS:
        assert problem.criteria, problem.what
        assert all(re.fullmatch(r"[1-4]\.\d\.\d{1,2}", c.number) for c in problem.criteria)
    assert not any(problem.criteria for problem in known.OTHER_PROBLEMS)
    for lang in LANGUAGES:
        page = text(statement(app, lang))
        for problem in known.DEVIATIONS + known.OTHER_PROBLEMS:
            with app.test_request_context(headers={"Accept-Language": lang}):
                assert str(problem.what) in page
                for criterion in problem.criteria:
                    assert f"{criterion.number} {criterion.name}" in page


def test_dates_are_the_codes_by_default_and_written_for_the_language(app, statement_app):
    default = text(statement(app))
    assert f"{known.MADE_ON.day}. " in default and str(known.MADE_ON.year) in default
    dated = statement_app(ACCESSIBILITY_MADE_ON="2025-03-01",
                          ACCESSIBILITY_REVIEWED_ON="2026-01-15")
    assert "laget 1. mars 2025 og sist gjennomgått 15. januar 2026" in text(statement(dated))
    assert "vart laga 1. mars 2025 og sist gjennomgått 15. januar 2026" in text(
        statement(dated, "nn"))
    assert "made on March 1, 2025 and last reviewed on January 15, 2026" in text(
        statement(dated, "en"))


def test_the_uustatus_link_is_shown_only_when_set(app, statement_app):
    assert "uustatus.no/" not in statement(app)
    page = statement(statement_app(ACCESSIBILITY_STATEMENT_URL=STATEMENT_URL))
    assert f'href="{STATEMENT_URL}"' in page


def test_an_address_off_uustatus_is_left_out_with_a_warning(statement_app, caplog):
    with caplog.at_level(logging.WARNING):
        app = statement_app(ACCESSIBILITY_STATEMENT_URL="https://nordby.kommune.no/uu")
    assert any("SURVEY_ACCESSIBILITY_STATEMENT_URL" in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING)
    assert "nordby.kommune.no" not in statement(app)


@pytest.mark.parametrize("url", [
    "http://uustatus.no/nb/erklaringer/publisert/1",  # not https
    "https://uustatus.no.example.com/nb/erklaringer/1",
    "https://uustatus.no@example.com/nb/erklaringer/1",
    "https://example.com/?next=https://uustatus.no/",
    "https://uustatus.no:8443/nb/erklaringer/1",
    "javascript:alert(1)//uustatus.no",
    "uustatus.no/nb/erklaringer/1",
])
def test_only_an_https_address_on_uustatus_is_taken(url):
    settings, warnings = accessibility_settings.read({"ACCESSIBILITY_STATEMENT_URL": url})
    assert settings.statement_url is None and warnings
    for good in (STATEMENT_URL, "https://www.uustatus.no/nn/erklaringer/publisert/1"):
        assert accessibility_settings.read({"ACCESSIBILITY_STATEMENT_URL": good})[0] \
            .statement_url == good


def contact_warnings(records) -> list[str]:
    return [r.getMessage() for r in records
            if r.levelno == logging.WARNING and "SURVEY_ACCESSIBILITY_CONTACT" in r.getMessage()]


def test_the_placeholder_contact_is_warned_about_in_production_only(statement_app, caplog):
    with caplog.at_level(logging.WARNING):
        statement_app(testing=False)
    assert len(contact_warnings(caplog.records)) == 1
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        statement_app()  # testing
        statement_app(testing=False, DEBUG=True)
        statement_app(testing=False, ACCESSIBILITY_CONTACT="uu@nordby.kommune.no")
    assert contact_warnings(caplog.records) == []


def test_without_a_contact_the_page_says_whom_to_ask_not_a_made_up_address(app):
    contact = {"nb": "Ta kontakt med tjenesten som ba deg svare.",
               "nn": "Ta kontakt med tenesta som bad deg svare.",
               "en": "Contact the service that asked you to answer."}
    for lang in LANGUAGES:
        page = statement(app, lang)
        assert contact[lang] in page
        assert "mailto:" not in page


def test_the_contact_is_shown_as_given_an_email_as_a_link(statement_app):
    page = statement(statement_app(ACCESSIBILITY_CONTACT="uu@nordby.kommune.no"))
    assert '<a class="ds-link" href="mailto:uu@nordby.kommune.no">uu@nordby.kommune.no</a>' in page
    assert "Kontakt: 22 33 44 55" in text(statement(statement_app(
        ACCESSIBILITY_CONTACT="22 33 44 55")))


def test_settings_come_from_the_environment(statement_app, monkeypatch):
    monkeypatch.setenv("SURVEY_ACCESSIBILITY_STATUS", "not")
    monkeypatch.setenv("SURVEY_ACCESSIBILITY_CONTACT", "22334455")  # read as a number by Flask
    monkeypatch.setenv("SURVEY_ACCESSIBILITY_MADE_ON", "2025-03-01")
    monkeypatch.setenv("SURVEY_ACCESSIBILITY_STATEMENT_URL", STATEMENT_URL)
    settings = statement_app().extensions[accessibility_settings.EXTENSION]
    assert settings == StatementSettings(status="not", statement_url=STATEMENT_URL,
                                         contact="22334455", made_on=dt.date(2025, 3, 1),
                                         reviewed_on=max(known.REVIEWED_ON, dt.date(2025, 3, 1)))


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("ACCESSIBILITY_STATUS", "delvis", "SURVEY_ACCESSIBILITY_STATUS must be fully, partly or not"),
    ("ACCESSIBILITY_STATUS", "compliant", "SURVEY_ACCESSIBILITY_STATUS must be"),
    ("ACCESSIBILITY_MADE_ON", "04.12.2026", "SURVEY_ACCESSIBILITY_MADE_ON must be a date"),
    ("ACCESSIBILITY_MADE_ON", "2026-13-01", "SURVEY_ACCESSIBILITY_MADE_ON must be a date"),
    ("ACCESSIBILITY_REVIEWED_ON", "2026-02-30", "SURVEY_ACCESSIBILITY_REVIEWED_ON must be a date"),
    ("ACCESSIBILITY_REVIEWED_ON", "2000-01-01", "is before SURVEY_ACCESSIBILITY_MADE_ON"),
])
def test_a_bad_status_or_date_refuses_to_start(statement_app, setting, value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        statement_app(**{setting: value})


def test_fully_while_deviations_are_listed_is_warned_about(statement_app, caplog):
    with caplog.at_level(logging.WARNING):
        statement_app(ACCESSIBILITY_STATUS="fully")
    warned = any("SURVEY_ACCESSIBILITY_STATUS is fully" in r.getMessage() for r in caplog.records)
    assert warned == bool(known.DEVIATIONS)


def test_the_complaint_goes_to_the_authority_with_its_address(app):
    for lang in LANGUAGES:
        page = statement(app, lang)
        assert COMPLAINT[lang] in text(page)
        assert 'href="https://www.uutilsynet.no/"' in page


def test_the_page_says_what_was_tested_and_what_was_not(app):
    page = text(statement(app, "en"))
    assert "axe-core in a real browser" in page and "320 to 360 pixels" in page
    assert "keyboard alone" in page
    assert "We have not tested the service together with people who use a screen reader" in page


def test_the_operators_own_limitations_are_added(statement_app):
    page = text(statement(statement_app(ACCESSIBILITY_LIMITATIONS="Egne skjema er ikke testet.")))
    assert "Den som drifter tjenesten, kjenner også til dette: Egne skjema er ikke testet." in page
