"""A rate limit on the JSON API per token (`RATELIMIT_API`, default 120 per minute and 3,000
per hour over all API routes together).

Why per token and these numbers: a Power BI or Excel refresh asks for the surveys, then each
survey's results, a few dozen requests in a burst, once a day or an hour; a network's report
over 400 units may ask for a few hundred. Twice a large refresh a minute is allowed; a
program looping without pause is stopped, so one token cannot slow the site for others.
Requests without a valid token count against the client's address (a keyed digest, as in
`web.rate_limits`), so guessing tokens is limited too. A breach answers 429 with
Retry-After and, under /api, a JSON body (`api.errors`).
"""

from __future__ import annotations

from flask import Flask, current_app

from api.auth import current_token
from web import rate_limits

DEFAULT_LIMIT = "120 per minute;3000 per hour"
UNLIMITED = frozenset({"api.openapi"})  # the description holds no data


def api_key() -> str:
    """The token's id when the request carries a valid one, else the client's digest."""
    found = current_token()
    if found is not None:
        return f"token:{found[0].id}"
    return f"client:{rate_limits.client_key()}"


def init_app(app: Flask) -> None:
    """Wrap the API's views in one shared limit; call after `rate_limits.init_app`, which
    makes the app's limiter (nothing is limited when it is missing or disabled)."""
    app.config.setdefault("RATELIMIT_API", DEFAULT_LIMIT)
    limiter = next(iter(app.extensions.get("limiter", ())), None)
    if limiter is None or not limiter.enabled:
        return
    limit = limiter.shared_limit(lambda: current_app.config["RATELIMIT_API"], scope="api",
                                 key_func=api_key)
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith("api.") and endpoint not in UNLIMITED:
            app.view_functions[endpoint] = limit(view)
