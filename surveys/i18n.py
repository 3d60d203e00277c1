"""Language: nb by default, nn and en on request, remembered in a cookie without an account."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import Babel, format_date, format_decimal, format_percent, get_locale

LANG_COOKIE = "lang"
LANG_COOKIE_AGE = 365 * 24 * 3600

babel = Babel()


def select_locale() -> str:
    """The language asked for in the cookie, else the browser's best match, else nb."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
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
    app.jinja_env.filters.update(decimal=format_decimal, date=format_date,
                                 percent=format_percent, one_decimal=one_decimal)


def one_decimal(value: float) -> str:
    """A mean or a change as staff read it: one decimal, in the page's locale (1,5)."""
    return format_decimal(value, format="#,##0.0")
