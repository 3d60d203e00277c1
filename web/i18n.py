"""Language: nb by default, nn and en on request, remembered in a cookie without an account."""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_EVEN, Decimal

from babel import Locale
from flask import Flask, current_app, request
from flask_babel import Babel, format_date, format_decimal, format_percent, get_locale

LANG_COOKIE = "lang"
LANG_COOKIE_AGE = 365 * 24 * 3600

babel = Babel()


def select_locale() -> str:
    """The language asked for in the cookie, else the browser's best match, else nb."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen is not None and chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def remember_language(response, lang: str):
    """Store the choice in a cookie that holds only the language code."""
    response.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_AGE, samesite="Lax",
                        httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(current_language=current_language)
    app.jinja_env.filters.update(decimal=decimal, date=format_date,
                                 percent=format_percent, one_decimal=one_decimal)


@functools.cache
def _symbols(language: str) -> tuple[str, str]:
    """(decimal sign, group separator) of a language, from Babel's CLDR data."""
    symbols = Locale.parse(language).number_symbols["latn"]
    return symbols["decimal"], symbols["group"]


def _localised(number: Decimal, places: int) -> str:
    """`number`, already rounded, with grouping and the page's symbols (1 234,5 in nb).

    Why not Babel's `format_decimal` on every cell: it parses a pattern per call, and the
    network overview formats some 15,000 numbers (400 units), which took over a second.
    The result is the same as Babel's, a hyphen-minus and "-0,0" included (a test compares
    them).
    """
    decimal_sign, group = _symbols(current_language())
    text = f"{abs(number):,.{places}f}".translate({ord(","): group, ord("."): decimal_sign})
    return "-" + text if number.is_signed() else text


def one_decimal(value: float) -> str:
    """A mean or a change as staff read it: one decimal, in the page's locale (1,5),
    rounded half to even from the number's shortest form, as Babel does."""
    return _localised(Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_EVEN), 1)


def decimal(value: float) -> str:
    """A number in the page's locale: a whole number grouped (1 113), else as Babel writes
    it (up to three decimals)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _localised(Decimal(value), 0)
    return format_decimal(value)
