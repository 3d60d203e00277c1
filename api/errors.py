"""Errors of the JSON API as JSON: a program reading /api must never get an HTML page.

`init_app` registers `json_error` with `web.errors` for every path under /api, so a missing
page, a wrong method, a rate limit or a failure on our side all answer `{"error", "status",
"message"}` with the right status (and `Allow` for a 405, `WWW-Authenticate` for a 401).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

from flask import Flask, Response, abort, jsonify

from web.errors import register_renderer

API_PREFIX = "/api"
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 413: "too_large", 422: "cannot_compare",
         429: "too_many_requests",
         500: "server_error", 503: "unavailable"}


def json_error(status: int, message: str, allow: Iterable[str] | None = None,
               authenticate: str | None = None) -> tuple[Response, int]:
    """The error body and status; the pair `web.errors.render_error` also returns."""
    response = jsonify(error=CODES.get(status, "error"), status=status, message=message)
    response.status_code = status
    if allow:
        response.headers["Allow"] = ", ".join(sorted(allow))
    if authenticate:
        response.headers["WWW-Authenticate"] = authenticate
    return response, status


def bad_request(message: str) -> NoReturn:
    """Stop the request with a 400 that says what was wrong (raises)."""
    abort(json_error(400, message)[0])


def init_app(app: Flask) -> None:
    """Answer every error under /api as JSON, whoever raises it."""
    register_renderer(app, API_PREFIX, lambda status, message, allow:
                      json_error(status, message, allow))
