"""Who is calling the JSON API: the account behind a Bearer token (RFC 6750), nothing else.

The API reads no session cookie: a program sends `Authorization: Bearer hev_…` with every
request, so no cookie is needed and a logged-in browser cannot be made to call the API on
its owner's behalf. Without a token, or with one that is malformed, unknown, revoked or
belongs to a deactivated account, the answer is 401 with a JSON body and
`WWW-Authenticate: Bearer`, and the same message for each, so an answer does not tell a
revoked token from one that never existed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import g, request
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

import database
from api.errors import json_error
from surveys import api_tokens
from surveys.account_models import Account, ApiToken
from util.dates import today

REALM = 'Bearer realm="api"'


def presented_secret() -> str | None:
    """The token in the Authorization header, or None when there is no Bearer header."""
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def current_token() -> tuple[ApiToken, Account] | None:
    """The valid token of this request and its account (looked up once per request).

    A failed lookup is remembered too: the rate limits ask for the token once per limit
    before the view asks again, and with a database that does not answer each ask waited
    out the connect timeout anew (issue 20: the API hung while the pages answered)."""
    if "api_token_failure" in g:
        raise g.api_token_failure
    if "api_token" not in g:
        secret = presented_secret()
        try:
            g.api_token = (api_tokens.find_account(database.session(), secret, today())
                           if secret is not None else None)
        except SQLAlchemyError as failure:
            g.api_token_failure = failure
            raise
    return g.api_token


def current_account() -> Account:
    """The account of a request that passed `token_required`."""
    found = current_token()
    if found is None:
        raise RuntimeError("current_account() outside a view guarded by token_required")
    return found[1]


def _unauthorised():
    if presented_secret() is None:
        return json_error(401, _("Send an API token in the header Authorization: Bearer."),
                          authenticate=REALM)
    return json_error(401, _("The API token is not valid: it may be revoked or mistyped."),
                      authenticate=f'{REALM}, error="invalid_token"')


def token_required(view: Callable) -> Callable:
    """Only requests with a valid token reach the view; others get 401."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_token() is None:
            return _unauthorised()
        return view(*args, **kwargs)

    return wrapped
