"""Friendly error pages in the user's language: never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from api import errors as api_errors

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Something was wrong with what was sent"),
          _l("Go back, check the form and try again.")),
    403: (_l("You do not have access to this page"), None),
    404: (_l("We could not find this page"),
          _l("Check that the link is written exactly as you got it.")),
    405: (_l("This page cannot be used like that"), None),
    410: (_l("This link is no longer open"),
          _l("The survey may have closed, or the link has already been used.")),
    413: (_l("What you sent is too large"),
          _l("Shorten your answers and try again.")),
    429: (_l("Too many attempts"), _l("Wait a minute and try again.")),
    500: (_l("Something went wrong on our side"),
          _l("Your answers were not saved. Try again in a moment.")),
    503: (_l("The service is busy right now"),
          _l("Try again in a moment. Your answers were not saved yet.")),
}


class FriendlyError(HTTPException):
    """An HTTP error whose description is written for the reader (a respondent or staff):
    the error page shows it instead of the general advice for the status."""

    friendly = True

    def __init__(self, code: int, description: str) -> None:
        self.code = code
        super().__init__(description=description)


def render_error(status: int, detail: str | None = None):
    title, advice = MESSAGES.get(status, MESSAGES[500])
    if api_errors.is_api_request():
        return api_errors.json_error(status, str(detail or title))
    html = render_template("pages/error.html", title=title, advice=detail or advice,
                           status=status)
    return html, status


def _http_error(exc: HTTPException):
    detail = exc.description if getattr(exc, "friendly", False) else None
    if api_errors.is_api_request():  # keep Allow: on a 405 a program needs it
        title = MESSAGES.get(exc.code or 500, MESSAGES[500])[0]
        return api_errors.json_error(exc.code or 500, str(detail or title),
                                     getattr(exc, "valid_methods", None))
    return render_error(exc.code or 500, detail)


def _csrf_error(_exc: CSRFError):
    return render_error(400, str(_l("The page had expired. Go back, reload it and send again.")))


def _database_down(exc: Exception):
    log.warning("database unavailable: %s", exc.__class__.__name__)
    return render_error(503)


def _unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    log.exception("unexpected error")
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_down)
    app.register_error_handler(InterfaceError, _database_down)
    app.register_error_handler(Exception, _unexpected)
