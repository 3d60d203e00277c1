"""Flask's signed session cookie, its serializer made once per secret instead of per request.

Why: Flask builds a new `URLSafeTimedSerializer` to open the cookie of every request and
again to sign it, and building one serializes an empty dict to learn what it writes: about
2 % of the app's CPU under load (`bench/README.md`). The cookie, its signature, salt and
keys (SECRET_KEY first, then SECRET_KEY_FALLBACKS) are Flask's own, unchanged; a new secret
gets a new serializer.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionInterface(SecureCookieSessionInterface):
    """`SecureCookieSessionInterface`, keeping the serializer of the current keys."""

    def __init__(self) -> None:
        self._made: tuple[tuple[object, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        made = self._made
        if made is None or made[0] != keys:
            made = self._made = (keys, super().get_signing_serializer(app))
        return made[1]


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
