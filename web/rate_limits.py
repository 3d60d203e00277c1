"""Rate limits on anonymous submission and on logging in (Flask-Limiter).

Why these numbers (per client address, counted together over every app instance):

- **Submission** (`RATELIMIT_SUBMIT`, default 600 per minute and 3,000 per hour), for every
  POST of the answering flow together: the survey pages, typing a follow-up code and the
  follow-up form. A municipality or a mobile operator often puts many people behind one
  address (NAT). At the end of a gathering 120 people scan the same QR code within two
  minutes; with up to three pages and a correction or a language switch each makes at most
  about five posts, so 600 posts in two minutes, 300 a minute at the peak: the limit is twice
  that, and the hourly one five such gatherings in the same hour. Only a client sending ten
  posts a second without a pause is stopped: a script filling in answers, not people.
- **Login** (`RATELIMIT_LOGIN`, default 10 per minute and 50 per hour), counting only the
  attempts that fail, so a room full of unit leads logging in at a gathering is never
  stopped, while someone trying passwords across many accounts from one address is. The
  database also stops five failures on one e-mail address within 15 minutes
  (`surveys.auth`).

The counts live in `RATELIMIT_STORAGE_URI`: "memory://" (each process counts alone) suits
development and tests; production sets a Redis URL (environment `RATELIMIT_STORAGE_URI` or
`REDIS_URL`) so every worker and every instance shares one count and the site behaves as one.
If Redis is unreachable the limits fall back to each process's memory rather than refusing
answers. The client is a keyed digest of its address (an IPv6 address by its /64 network,
which one household or phone holds), so no address is kept, in Redis or anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os
import time
from typing import cast

from flask import Flask, current_app, make_response, request
from flask import typing as ft
from flask_limiter import Limiter, RateLimitExceeded, RouteLimit

from util.secret import app_secret
from web import errors

log = logging.getLogger(__name__)

SUBMIT_ENDPOINTS = ("respond.submit", "respond.follow_up_start", "respond.follow_up_submit")
LOGIN_ENDPOINT = "admin.signin.login"

DEFAULTS = {
    "RATELIMIT_SUBMIT": "600 per minute;3000 per hour",
    "RATELIMIT_LOGIN": "10 per minute;50 per hour",
    # Exact: never more than the limit within any window's length, so a burst cannot use the
    # end of one window and the start of the next (a fixed or counted sliding window can).
    "RATELIMIT_STRATEGY": "moving-window",
    "RATELIMIT_KEY_PREFIX": "hva-er-viktig",
    # A Redis outage must not stop people from answering: count in memory meanwhile.
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
}


def storage_uri() -> str:
    """Where the counts live, from the environment; "memory://" when nothing is set."""
    return (os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL")
            or "memory://")


def client_key() -> str:
    """A keyed digest of the client's network: the address, or an IPv6 address's /64."""
    address = request.remote_addr or ""
    try:
        network = ipaddress.ip_network(address)
        if network.version == 6:
            network = network.supernet(new_prefix=64)
        address = str(network)
    except ValueError:
        pass
    secret = app_secret().encode()
    return hmac.new(secret, f"rate-limit:{address}".encode(), hashlib.sha256).hexdigest()[:32]


def _answering_page() -> bool:
    """A respondent's page view, which no limit counts (the API's limit counts GETs too)."""
    return request.method != "POST" and request.blueprint == "respond"


def _failed_login(response) -> bool:
    """A login post that did not log anyone in (success is a redirect)."""
    return response.status_code != 303


def _retry_after(limiter: Limiter) -> int:
    """Seconds until the breached limit lets this client in again (at least one)."""
    try:
        breached = limiter.current_limit
        reset_at = breached.reset_at if breached is not None else None
    except Exception:  # the storage went away between the check and now
        reset_at = None
    if reset_at is None:
        log.warning("rate-limit window unknown; suggesting a minute")
        return 60
    return max(int(reset_at - time.time()), 1)


def _too_many(limiter: Limiter):
    def handler(_exc: RateLimitExceeded):
        html, status = errors.render_error(429)
        response = make_response(html, status)
        response.headers["Retry-After"] = str(_retry_after(limiter))
        return response

    return handler


def init_app(app: Flask) -> None:
    """Limit the submission and login views; call after the blueprints are registered,
    since it wraps their view functions (one limiter per app, so each app counts in its
    own storage)."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage_uri())
    limiter = Limiter(key_func=client_key)
    limiter.init_app(app)
    # The answering flow's limit counts posts: its pages skip the limiter's work altogether.
    limiter.request_filter(_answering_page)
    app.register_error_handler(RateLimitExceeded, _too_many(limiter))
    if not limiter.enabled:
        return
    _no_check_before_every_request(app, limiter)
    submit = limiter.shared_limit(lambda: current_app.config["RATELIMIT_SUBMIT"],
                                  scope="submit", methods=["POST"])
    for endpoint in SUBMIT_ENDPOINTS:
        _wrap(app, endpoint, submit)
    login = limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"],
                          deduct_when=_failed_login)
    _wrap(app, LOGIN_ENDPOINT, login)


# Limits that apply to every request (or every view of a blueprint) rather than to the views
# wrapped here: only these need the limiter's check before every request.
APP_WIDE = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


def _no_check_before_every_request(app: Flask, limiter: Limiter) -> None:
    """Take out the limiter's check before every request when nothing app-wide is limited.

    Why: every limit here is put around a view (the submission and login views below, the
    API's in `api.limits`), and such a limit is counted by the view's own wrapper. The
    check before every request looks for default, application and blueprint limits, finds
    none, and cost about a tenth of the app's CPU under load (`bench/README.md`), on page
    views, health checks and every post alike. An operator who sets an app-wide limit
    (`APP_WIDE`) keeps the check."""
    if any(app.config.get(key) for key in APP_WIDE):
        return
    app.before_request_funcs[None].remove(limiter._check_request_limit)


def _wrap(app: Flask, endpoint: str, limit: RouteLimit) -> None:
    """Put `limit` around a registered view. The decorator keeps the view's signature, but
    it is typed for one kind of view at a time and Flask's table holds sync-or-async views,
    a union mypy cannot carry through it: hence the cast back to the table's own type."""
    app.view_functions[endpoint] = cast("ft.RouteCallable", limit(app.view_functions[endpoint]))
