"""Security headers on every kind of response, and oversized bodies refused whole."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from surveys.models import LinkMode
from surveys.operations import issue_single_use_links
from tests.conftest import form_tokens, log_in, make_app, respond, response_count

SAMLING_OK = {"balanse": "2", "nytte_totalt": "1"}
TOO_LARGE = "x" * (300 * 1024)  # over MAX_CONTENT_LENGTH (256 KiB)


def policy(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as {directive: [sources]}."""
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def assert_secure_headers(response) -> None:
    headers = response.headers
    csp = policy(headers["Content-Security-Policy"])
    scripts = csp.get("script-src", csp["default-src"])
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "*" not in scripts and "data:" not in scripts
    assert csp["frame-ancestors"] == ["'none'"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def _responses(app: Flask, client, make_survey, make_account) -> dict[str, object]:
    """One response of every kind a visitor can get, by a label for the failure message."""
    survey = make_survey("samling")
    token = survey.public_token
    start = client.get(f"/s/{token}")
    tokens = form_tokens(start.get_data(as_text=True))
    closed = make_survey("samling", link_mode=LinkMode.SINGLE_USE)
    with app.app_context():
        import database
        from surveys.models import Survey

        db = database.session()
        used = issue_single_use_links(db, db.get(Survey, closed.id), 1).tokens()[0]
    assert respond(client, used, SAMLING_OK).status_code == 303
    make_account()
    limited_app = make_app(app.config["DATABASE_URL"], RATELIMIT_STORAGE_URI="memory://",
                           RATELIMIT_SUBMIT="1 per minute")
    limited = limited_app.test_client()
    respond(limited, token, SAMLING_OK)
    staff = app.test_client()
    log_in(staff, "leder@kommune.no")
    responses = {
        "respondent page": start,
        "invalid answers (422)": client.post(f"/s/{token}", data={**tokens, "balanse": "9"}),
        "submitted (303)": client.post(f"/s/{token}", data={**tokens, **SAMLING_OK}),
        "thank-you page": client.get(f"/s/{token}/takk"),
        "unknown link (404)": client.get("/s/no-such-link-at-all"),
        "used single-use link (410)": client.get(f"/s/{used}"),
        "expired form (400)": client.post(f"/s/{token}", data=SAMLING_OK),
        "too large (413)": client.post(f"/s/{token}", data={"balanse": TOO_LARGE}),
        "rate limited (429)": respond(limited, token, SAMLING_OK),
        "follow-up code entry": client.get(f"/s/{make_survey('psfs').public_token}/oppfolging"),
        "front page": client.get("/"),
        "privacy page": client.get("/personvern"),
        "login page": client.get("/admin/login"),
        "staff overview": staff.get("/admin/"),
        "health check": client.get("/healthz"),
        "liveness": client.get("/healthz/live"),
        "stylesheet": client.get("/static/css/app.css"),
    }
    limited_app.extensions["db_engine"].dispose()
    return responses


def test_every_kind_of_response_has_the_security_headers(app, client, make_survey, make_account):
    responses = _responses(app, client, make_survey, make_account)
    for label, response in responses.items():
        expected = int(label[-4:-1]) if label.endswith(")") else 200
        assert response.status_code == expected, label
        try:
            assert_secure_headers(response)
        except (AssertionError, KeyError) as exc:
            raise AssertionError(f"{label}: {exc!r}") from exc


def _multipart(client, token: str, tokens: dict):
    """A form with a file-sized field, as a browser sends a form with an upload."""
    return client.post(f"/s/{token}", data={**tokens, **SAMLING_OK, "balanse": TOO_LARGE},
                       content_type="multipart/form-data")


def _urlencoded(client, token: str, tokens: dict):
    """A plain form post whose body is over the limit."""
    body = f"csrf_token={tokens['csrf_token']}&submission_key={tokens['submission_key']}"
    return client.post(f"/s/{token}", data=f"{body}&balanse=2&nytte_totalt=1&x={TOO_LARGE}",
                       content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("post", [_multipart, _urlencoded], ids=["multipart", "urlencoded"])
def test_a_body_over_the_limit_gets_a_friendly_413_and_nothing_is_stored(
        app, client, make_survey, post: Callable):
    survey = make_survey("samling")
    client.set_cookie("lang", "en")
    tokens = form_tokens(client.get(f"/s/{survey.public_token}").get_data(as_text=True))
    response = post(client, survey.public_token, tokens)
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "What you sent is too large" in text and "Traceback" not in text
    assert response_count(app, survey.id) == 0


def test_a_login_over_the_limit_gets_413(client):
    client.set_cookie("lang", "en")
    response = client.post("/admin/login", data={"email": "a@b.no", "password": TOO_LARGE})
    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)
