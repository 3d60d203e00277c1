"""Languages as data (issue 18): which languages respondents are offered is a setting, a
questionnaire text may have any known language beside nb, nn and en, and anything missing in
a language, an interface string or a questionnaire text alike, is shown in bokmål."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from questionnaires.texts import Text
from tests.conftest import make_app
from util import languages
from util.languages import Language

ROOT = Path(__file__).resolve().parent.parent


def test_the_setting_names_known_languages_with_bokmal_among_them():
    assert languages.offered(None) == ("nb", "nn", "en")
    assert languages.offered("nb, en") == ("nb", "en")
    assert languages.offered(["nb", "nn"]) == ("nb", "nn")
    for bad, reason in (("nb,xx", "no texts for"), ("nn,en", "must include nb"),
                        ("nb,nb", "twice")):
        with pytest.raises(ValueError, match=reason):
            languages.offered(bad)


def test_a_bad_setting_stops_the_start(tmp_path):
    with pytest.raises(ValueError, match="no texts for"):
        make_app(f"sqlite:///{tmp_path / 'x.sqlite'}", LANGUAGES="nb,klingon")


@pytest.fixture
def more_languages(monkeypatch, tmp_path) -> Path:
    """Two more known languages, Northern Sami with one interface string translated and
    Arabic with none, in a catalogue folder of their own beside copies of nb, nn and en."""
    monkeypatch.setitem(languages.KNOWN, "se", Language("se", "Davvisámegiella",
                                                        reviewed=False))
    monkeypatch.setitem(languages.KNOWN, "ar", Language("ar", "العربية", "rtl", False))
    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", folder)
    for code, strings in (("se", {"Skip to the content": "Njuiketa sisdollui"}), ("ar", {})):
        catalog = Catalog(locale=code)
        for msgid, text in strings.items():
            catalog.add(msgid, text)
        (folder / code / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
        with (folder / code / "LC_MESSAGES" / "messages.mo").open("wb") as out:
            write_mo(out, catalog)
    return folder


def test_a_missing_interface_string_is_shown_in_bokmal_not_english(more_languages, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'x.sqlite'}", LANGUAGES="nb,nn,en,se,ar",
                   BABEL_TRANSLATION_DIRECTORIES=str(more_languages))
    client = app.test_client()
    client.set_cookie("lang", "se")
    page = client.get("/").text
    assert '<html lang="se" dir="ltr"' in page
    assert "Njuiketa sisdollui" in page  # translated
    assert "Personvern" in page and ">Privacy<" not in page  # missing: bokmål, not English
    assert 'lang="se" dir="ltr"' in page and ">Davvisámegiella<" in page  # in the switch
    client.set_cookie("lang", "ar")
    page = client.get("/").text
    assert '<html lang="ar" dir="rtl"' in page and "Gå til innholdet" in page
    staff = client.get("/admin/login").text  # staff pages stay in nb, nn or en
    assert '<html lang="nb" dir="ltr"' in staff and ">Davvisámegiella<" not in staff


def test_a_questionnaire_text_in_another_language_and_its_fallback(more_languages):
    text = Text(nb="Hvordan har du det?", nn="Korleis har du det?", en="How are you?",
                se="Mo manná?")
    assert text.get("se") == "Mo manná?" and text.get("ar") == "Hvordan har du det?"
    assert text.languages() == ("nb", "nn", "en", "se")
    with pytest.raises(ValueError, match="unknown language 'xx'"):
        Text(nb="a", nn="a", en="a", xx="a")


@pytest.fixture
def sami_memory(monkeypatch, tmp_path):
    """Northern Sami known, with a translation memory of two bokmål texts."""
    from questionnaires import translation_memory

    monkeypatch.setitem(languages.KNOWN, "se", Language("se", "Davvisámegiella",
                                                        reviewed=False))
    (tmp_path / "se.yaml").write_text(
        "«Hva er viktig for deg?»: «Mii lea dutnje deaŧalaš?»\n"
        "Kan ikke utføre aktiviteten: Ii sáhte dahkat doaimma\n", encoding="utf-8")
    monkeypatch.setattr(translation_memory, "MEMORY_DIR", tmp_path)
    translation_memory.memory.cache_clear()
    yield
    translation_memory.memory.cache_clear()


def test_the_translation_memory_reaches_every_version_by_its_bokmal_wording(
        app, client, make_survey, sami_memory):
    app.config["LANGUAGES"] = ("nb", "nn", "en", "se")
    survey = make_survey("psfs")
    client.set_cookie("lang", "se")
    page = client.get(f"/s/{survey.public_token}").text
    assert '<html lang="se" dir="ltr"' in page
    assert "«Mii lea dutnje deaŧalaš?»" in page  # the title, from the memory
    assert "Ii sáhte dahkat doaimma" in page  # a scale's end label
    # Not in the memory: the introduction falls back to bokmål, as interface strings do.
    assert "Skriv opp inntil fem aktiviteter" in page
    # Not yet checked by a native speaker: the page says so.
    assert 'class="ds-paragraph hint translation-status"' in page
    client.set_cookie("lang", "nb")
    assert "translation-status" not in client.get(f"/s/{survey.public_token}").text


def test_a_translation_file_must_map_texts_to_texts(monkeypatch, tmp_path):
    from questionnaires import translation_memory

    monkeypatch.setitem(languages.KNOWN, "se", Language("se", "Davvisámegiella"))
    (tmp_path / "se.yaml").write_text("- a list\n", encoding="utf-8")
    monkeypatch.setattr(translation_memory, "MEMORY_DIR", tmp_path)
    translation_memory.memory.cache_clear()
    try:
        with pytest.raises(translation_memory.TranslationFileError, match="se.yaml"):
            translation_memory.memory("se")
    finally:
        translation_memory.memory.cache_clear()


def store_in(app, survey_id: int, language: str, n: int) -> None:
    import datetime as dt
    import secrets

    import database
    from questionnaires.item_types import AnswerValue
    from surveys.models import Survey
    from surveys.operations import submit_response

    with app.app_context():
        db = database.session()
        for _ in range(n):
            submit_response(db, db.get(Survey, survey_id), None, secrets.token_urlsafe(18),
                            language, [AnswerValue("nytte_totalt", 0, 2.0, None)],
                            dt.date(2026, 11, 2))


@pytest.mark.parametrize(("english", "shown"), [(0, None), (5, "Bokmål: 10, English: 5"),
                                                (2, "Vises ikke: et språk har færre enn 5")])
def test_staff_see_how_many_answered_in_each_language(app, client, make_survey, make_account,
                                                      english, shown):
    from tests.conftest import log_in, release_waiting

    survey = make_survey("samling")
    store_in(app, survey.id, "nb", 10)
    store_in(app, survey.id, "en", english)
    release_waiting(app, survey.id)
    make_account("enhet@kommune.no", units=(survey.unit_id,))
    log_in(client, "enhet@kommune.no")
    page = client.get(f"/admin/surveys/{survey.id}").text
    if shown is None:
        assert "data-languages" not in page  # one language: nothing to split
    else:
        assert shown in page
