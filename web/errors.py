"""Friendly error pages in the user's language: never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from web import log_masking

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

    def __init__(self, code: int, description: str,
                 context: dict[str, Any] | None = None) -> None:
        self.code = code
        self.context = context or {}  # more for the error page (who a survey is from)
        super().__init__(description=description)


# (status, message, allowed methods) → a response: how an area that is not read by people
# (the JSON API) answers errors under its path prefix.
ErrorRenderer = Callable[[int, str, Iterable[str] | None], Any]


def register_renderer(app: Flask, prefix: str, renderer: ErrorRenderer) -> None:
    """Answer the errors of every path under `prefix` with `renderer` instead of a page.
    Registered by the area itself (`api.errors.init_app`), so this module imports none."""
    app.extensions.setdefault("error_renderers", {})[prefix] = renderer


def _renderer_for_request() -> ErrorRenderer | None:
    for prefix, renderer in current_app.extensions.get("error_renderers", {}).items():
        if request.path == prefix or request.path.startswith(prefix + "/"):
            return renderer
    return None


def render_error(status: int, detail: str | None = None,
                 allow: Iterable[str] | None = None, context: dict[str, Any] | None = None):
    title, advice = MESSAGES.get(status, MESSAGES[500])
    renderer = _renderer_for_request()
    if renderer is not None:
        return renderer(status, str(detail or title), allow)
    html = render_template("pages/error.html", title=title, advice=detail or advice,
                           status=status, **(context or {}))
    return html, status


def _http_error(exc: HTTPException):
    detail = exc.description if getattr(exc, "friendly", False) else None
    # Allow: on a 405 is kept for a renderer that sends it (a program needs it).
    return render_error(exc.code or 500, detail, getattr(exc, "valid_methods", None),
                        getattr(exc, "context", None))


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
    log_masking.mask(log)  # an unexpected error's traceback, without the values it quotes
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_down)
    app.register_error_handler(InterfaceError, _database_down)
    app.register_error_handler(Exception, _unexpected)
