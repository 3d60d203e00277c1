"""The session cookie is Flask's own, though its serializer is kept between requests
(`web.session_cookie`): signed with SECRET_KEY, opened with a fallback key, and refused once
no key it was signed with is left."""

from __future__ import annotations

from flask import Flask, session

from tests.conftest import make_app


def _cookie_of(app: Flask) -> str:
    @app.get("/_test/remember")
    def remember():
        session["seen"] = "yes"
        return ""

    @app.get("/_test/read")
    def read():
        return session.get("seen", "nothing")

    client = app.test_client()
    client.get("/_test/remember")
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def _read_with(app: Flask, cookie: str) -> str:
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    return client.get("/_test/read").get_data(as_text=True)


def test_a_new_secret_is_used_at_once_and_the_old_one_only_as_a_fallback():
    app = make_app("sqlite://", SECRET_KEY="first")
    cookie = _cookie_of(app)
    assert _read_with(app, cookie) == "yes"
    app.config["SECRET_KEY"] = "second"
    assert _read_with(app, cookie) == "nothing"
    app.config["SECRET_KEY_FALLBACKS"] = ["first"]
    assert _read_with(app, cookie) == "yes"
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert _read_with(app, cookie) == "nothing"
