"""Every user-visible string is translated in nb, nn and en; numbers follow the locale."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, format_decimal

from util.languages import KNOWN, REQUIRED

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_catalogue_is_complete(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalogue = read_po(f, locale=lang)
    missing = [m.id for m in catalogue if m.id and (
        not all(m.string) if isinstance(m.string, tuple) else not m.string)]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not missing, f"untranslated in {lang}: {missing}"
    assert not fuzzy, f"fuzzy in {lang}: {fuzzy}"


def test_catalogue_matches_the_source(tmp_path):
    """A string added to the code but not extracted would show in English only; a string
    with a context (`pgettext("noun", "Change")`) is its own entry, with its own msgctxt."""
    import subprocess
    import sys

    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-o", str(pot), "--no-location", "--omit-header", "."],
        cwd=ROOT, capture_output=True, text=True, check=True)
    with open(pot, "rb") as f:
        source_ids = {(m.context, m.id) for m in read_po(f) if m.id}
    assert len(source_ids) > 50
    assert (("noun", "Change") in source_ids and (None, "Change") in source_ids)
    for lang in ("nb", "nn", "en"):
        with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
            catalogue_ids = {(m.context, m.id) for m in read_po(f) if m.id}
        assert source_ids <= catalogue_ids, (lang, source_ids - catalogue_ids)


def test_the_noun_and_the_button_are_two_words(app):
    """«Endring» where a noun is meant, «Endre» on the edit button (issue 16, finding 11)."""
    from flask_babel import gettext, pgettext

    with app.test_request_context():
        for lang, noun, verb in (("nb", "Endring", "Endre"), ("nn", "Endring", "Endre"),
                                 ("en", "Change", "Change")):
            with force_locale(lang):
                assert (pgettext("noun", "Change"), gettext("Change")) == (noun, verb)


def test_numbers_use_a_decimal_comma_in_norwegian(app):
    with app.test_request_context():
        for lang in ("nb", "nn"):
            with force_locale(lang):
                assert format_decimal(1.55) == "1,55"
        with force_locale("en"):
            assert format_decimal(1.55) == "1.55"


NUMBERS = [0.15, 0.25, 2.25, 2.35, -0.04, -0.05, -1.25, 1234.55, 999999.95, 0.0, -0.0, 1e-9,
           3.3333333, 12345678.9, 5.0, -2.5, 64.58333, 100.0]


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_number_filters_write_what_babel_writes_rounding_half_up(app, lang):
    """The pages' filters write what Babel writes when told to round half up (Babel rounds
    with the decimal context's mode), with two differences on purpose: a real minus sign
    (U+2212) and no sign on a result that rounds to zero."""
    from decimal import ROUND_HALF_UP, localcontext

    from web.i18n import decimal, one_decimal

    def babel(value: float, pattern: str | None = None) -> str:
        with localcontext(rounding=ROUND_HALF_UP):
            text = format_decimal(value, format=pattern) if pattern else format_decimal(value)
        unsigned = text.lstrip("-\u2212")
        zero = not unsigned.strip("0,.\xa0")
        return unsigned if zero or unsigned == text else "\u2212" + unsigned

    with app.test_request_context(), force_locale(lang):
        for value in NUMBERS:
            assert one_decimal(value) == babel(value, "#,##0.0"), value
        for value in (0, 5, 1113, -42, 1234567):
            assert decimal(value) == babel(value), value
        assert decimal(1.55) == babel(1.55)
    with app.test_request_context(), force_locale("nb"):
        assert one_decimal(1234.55) == "1\xa0234,6"
        assert one_decimal(0.25) == "0,3"  # half up, where Babel's default gives 0,2
        assert one_decimal(-1.25) == "\u22121,3" and one_decimal(-0.04) == "0,0"


@pytest.mark.parametrize("code", [code for code in KNOWN if code not in REQUIRED])
def test_every_respondent_language_has_every_string_and_text(code):
    """A language offered to respondents beside nb, nn and en has every string they meet
    and every text of the built-in questionnaires (`tools/translation_todo.py` lists what
    is missing); staff strings are not asked for: staff pages stay nb, nn and en."""
    from tools.translation_todo import missing_strings, missing_texts

    assert missing_strings(code) == [], code
    assert missing_texts(code) == [], code
