"""Language: nb by default, nn and en on request, remembered in a cookie without an account;
and the pages' number filters, which all round and write through `analytics.numbers` (the
one rounding rule, shared with charts and downloads)."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import Babel, format_date, get_locale

from analytics import numbers

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
