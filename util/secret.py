"""The app's secret key, as the text every signature and keyed digest is made with."""

from __future__ import annotations

from flask import current_app


def app_secret() -> str:
    """SECRET_KEY of the current app. create_app always sets it, as text (from the
    environment or the instance folder); Flask types it loosely as str | bytes | None."""
    secret = current_app.secret_key
    if not isinstance(secret, str):
        raise RuntimeError("SECRET_KEY must be set, as text")
    return secret
