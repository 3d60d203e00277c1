"""Security headers: nothing from another host, no framing (but the one kind of page our
own pages frame: the builder's preview of a draft, `framable_by_own_pages`), no leaking link
tokens; and no form whose parts cannot be named reaches a view."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFProtect

from web import session_cookie
from web.errors import FriendlyError

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])


# On every response, static files included (web/static_files.py).
HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "X-Frame-Options": "DENY"}
OWN_FRAMES_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'",
                                                    "frame-ancestors 'self'")
_FRAMED = "framable_by_own_pages"  # the marker a view sets on its response


def framable_by_own_pages(response: Response) -> Response:
    """Let this one response be shown in a frame of the app's own pages, and no one else's:
    the builder shows a draft as a respondent sees it in a phone-wide frame. Every other
    response stays unframable (clickjacking); the marker is read by `add_headers`."""
    setattr(response, _FRAMED, True)
    return response


def add_headers(response: Response) -> Response:
    framed = getattr(response, _FRAMED, False) is True
    response.headers.setdefault("Content-Security-Policy",
                                OWN_FRAMES_POLICY if framed else CONTENT_SECURITY_POLICY)
    response.headers.update(HEADERS)
    if framed:
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def refuse_unreadable_forms() -> None:
    """A multipart part whose name cannot be read (a lone «\\r») reaches Werkzeug's form as
    the key None, and WTForms' lists of fields fail on it with a 500. No browser sends one:
    refuse it for every form at once, with a 400 the reader can act on."""
    if request.method != "POST" or request.mimetype not in (
            "multipart/form-data", "application/x-www-form-urlencoded"):
        return
    if any(not isinstance(name, str) for name in (*request.form.keys(), *request.files.keys())):
        raise FriendlyError(400, _("The form could not be read. Reload the page and try again."))


def init_app(app: Flask) -> None:
    session_cookie.init_app(app)
    app.before_request(refuse_unreadable_forms)
    csrf.init_app(app)
    app.after_request(add_headers)
