"""Language: nb by default, the others the installation offers (`LANGUAGES`, see
`util.languages`) on request, remembered in a cookie without an account; staff pages in nb,
nn or en only. An interface string missing in a language is shown in bokmål, as a missing
questionnaire text is (`FallbackDomain`). And the pages' number filters, which all round and
write through `analytics.numbers` (the one rounding rule, shared with charts and
downloads)."""

from __future__ import annotations

from babel import support
from flask import Flask, current_app, request
from flask_babel import Babel, Domain, format_date, get_locale

from analytics import numbers
from util import languages

LANG_COOKIE = "lang"
LANG_COOKIE_AGE = 365 * 24 * 3600

babel = Babel()


class FallbackDomain(Domain):
    """Flask-Babel's catalogues, each falling back to bokmål's for a string it lacks (by
    default a missing string showed its English msgid: a page in half a language and half
    another, where questionnaire texts fell back to bokmål)."""

    def get_translations(self) -> support.NullTranslations:
        translations = super().get_translations()  # cached per language by Flask-Babel
        fallback = languages.fallback_of(str(get_locale() or languages.FALLBACK))
        if (fallback is not None and isinstance(translations, support.Translations)
                and translations._fallback is None):  # added once to the cached catalogue
            for directory in self.translation_directories:
                translations.add_fallback(
                    support.Translations.load(directory, [fallback], self.domain[0]))
        return translations


def select_locale() -> str:
    """The language asked for in the cookie, else the browser's best match, else nb; on a
    staff page only a staff language (the pages, audit words and exports are written for
    those), else nb."""
    offered = offered_codes()
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen is not None and chosen in offered:
        return chosen
    return request.accept_languages.best_match(offered) or offered[0]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def respondent_languages() -> list[languages.Language]:
    """The languages the installation offers respondents (posters and paper forms too)."""
    return [languages.KNOWN[code] for code in current_app.config["LANGUAGES"]]


def offered_codes() -> tuple[str, ...]:
    """The languages this page may be in: the respondents' languages, and on staff pages
    only the staff languages among them."""
    offered = current_app.config["LANGUAGES"]
    if request.path.startswith("/admin"):
        return tuple(code for code in offered if code in languages.STAFF)
    return offered


def offered_languages() -> list[languages.Language]:
    """The languages a page offers in its language switch (`offered_codes`)."""
    return [languages.KNOWN[code] for code in offered_codes()]


def remember_language(response, lang: str):
    """Store the choice in a cookie that holds only the language code."""
    response.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_AGE, samesite="Lax",
                        httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def init_app(app: Flask) -> None:
    app.config["LANGUAGES"] = languages.offered(app.config.get("LANGUAGES"))
    babel.init_app(app, locale_selector=select_locale)
    babel.domain_instance = FallbackDomain()  # Flask-Babel's own is a cached Domain()
    app.jinja_env.globals.update(current_language=current_language,
                                 language_direction=languages.direction_of,
                                 language_reviewed=languages.reviewed,
                                 language_name=languages.name_of,
                                 offered_languages=offered_languages,
                                 respondent_languages=respondent_languages)
    app.jinja_env.filters.update(decimal=decimal, date=format_date, percent=percent,
                                 one_decimal=one_decimal, two_decimals=two_decimals)


def one_decimal(value: float) -> str:
    """A mean or a change as staff read it: one decimal, rounded half up, in the page's
    locale with a real minus sign (1,5; −0,3)."""
    return numbers.fixed(value, 1, current_language())


def two_decimals(value: float) -> str:
    """A gathering mean as the network has always printed it: 1,55 (two decimals, kept)."""
    return numbers.fixed(value, 2, current_language())


def percent(share: float) -> str:
    """A share as «58 %» in whole percent, rounded half up (0.575 → 58 %)."""
    return numbers.percent_text(share, current_language())


def decimal(value: float) -> str:
    """A number in the page's locale: a whole number grouped (1 113), else with up to three
    decimals as Babel writes it, rounded half up and with a real minus sign."""
    if isinstance(value, int) and not isinstance(value, bool):
        return numbers.fixed(value, 0, current_language())
    return numbers.written(numbers.half_up(value, 3).normalize(), current_language())
