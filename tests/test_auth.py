"""Logging in and out, passwords, throttling, and the one-time set-password link."""

from __future__ import annotations

import datetime as dt

import argon2
import pytest

import database
from app import create_app
from surveys import auth
from surveys.account_models import Account, LoginFailure
from tests.conftest import PASSWORD, csrf_of, log_in


def test_login_overview_logout(client, make_account):
    make_account()
    assert client.get("/admin/").status_code == 302
    response = log_in(client, "Leder@Kommune.no ", PASSWORD)
    assert response.status_code == 303
    overview = client.get("/admin/")
    assert overview.status_code == 200
    assert "Logget inn som Leder" in overview.get_data(as_text=True)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    token = csrf_of(overview.get_data(as_text=True))
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/admin/").status_code == 302


def test_wrong_password_gets_message_and_no_session(client, make_account):
    make_account()
    response = log_in(client, "leder@kommune.no", "feil passord her")
    assert response.status_code == 422
    assert "E-postadressen eller passordet er feil" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def login_from(client, address: str, password: str, email: str = "leder@kommune.no"):
    page = client.get("/admin/login", environ_base={"REMOTE_ADDR": address}).text
    return client.post("/admin/login", environ_base={"REMOTE_ADDR": address}, data={
        "csrf_token": csrf_of(page), "email": email, "password": password})


def test_failed_logins_slow_down_that_client_only(app, make_account):
    """Issue 20: five wrong passwords from anywhere locked the right person out for 15
    minutes. Now the client that failed waits, and the colleague at her desk logs in."""
    make_account()
    attacker, colleague = app.test_client(), app.test_client()
    for _ in range(auth.MAX_FAILURES):
        assert login_from(attacker, "203.0.113.9", "feil passord her").status_code == 422
    blocked = login_from(attacker, "203.0.113.9", PASSWORD)
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "30"
    assert "For mange mislykkede forsøk herfra. Vent 30 sekunder" in blocked.text
    assert login_from(colleague, "198.51.100.7", PASSWORD).status_code == 303
    with app.app_context():
        import sqlalchemy as sa

        stored = database.session().scalars(sa.select(LoginFailure)).all()
        assert stored and all("@" not in f.email_hash for f in stored)
        assert all(f.client_hash and "203.0.113" not in f.client_hash for f in stored)


def test_the_wait_doubles_with_each_failure_and_then_passes(app, make_account):
    make_account()
    client = app.test_client()
    for _ in range(auth.MAX_FAILURES):
        login_from(client, "203.0.113.9", "feil passord her")
    with app.app_context():  # as if the last failure was 31 s ago: the wait is over
        import sqlalchemy as sa

        db = database.session()
        for failure in db.scalars(sa.select(LoginFailure)):
            failure.failed_at -= dt.timedelta(seconds=31)
        db.commit()
    assert login_from(client, "203.0.113.9", "feil passord igjen").status_code == 422
    again = login_from(client, "203.0.113.9", PASSWORD)  # the sixth failure: one minute
    assert again.status_code == 429 and again.headers["Retry-After"] == "60"


def test_set_password_link_works_once(app, client, make_account):
    account = make_account(password=None)
    with app.app_context():
        db = database.session()
        token = auth.create_password_link(db, db.get(Account, account.id))
        db.commit()
    page = client.get(f"/admin/set-password/{token}")
    assert page.status_code == 200
    data = {"csrf_token": csrf_of(page.get_data(as_text=True))}
    short = client.post(f"/admin/set-password/{token}",
                        data={**data, "password": "kort", "confirm": "kort"})
    assert short.status_code == 422
    assert "Bruk 12 til 200 tegn" in short.get_data(as_text=True)
    done = client.post(f"/admin/set-password/{token}",
                       data={**data, "password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 303
    assert client.get(f"/admin/set-password/{token}").status_code == 410
    client.post("/admin/logout", data=data)
    assert log_in(client, "leder@kommune.no", PASSWORD).status_code == 303


def test_create_admin_command(app, runner):
    result = runner.invoke(args=["create-admin", "--email", "Admin@Kommune.no", "--name", "Ada",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    short = runner.invoke(args=["create-admin", "--email", "b@kommune.no", "--name", "B",
                                "--password", "kort"])
    assert short.exit_code != 0
    with app.app_context():
        import sqlalchemy as sa

        accounts = database.session().scalars(sa.select(Account)).all()
        assert [(a.email, a.is_admin) for a in accounts] == [("admin@kommune.no", True)]


@pytest.mark.parametrize(("testing", "profile"), [(False, argon2.profiles.RFC_9106_LOW_MEMORY),
                                                  (True, argon2.profiles.CHEAPEST)])
def test_production_hashes_at_production_cost(testing, profile):
    """Only an app with TESTING set hashes cheaply; without it (production), RFC 9106's
    low-memory profile, also outside any app (scripts)."""
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://", "TESTING": testing})
    with app.app_context():
        hashed = auth.hash_password(PASSWORD)
    assert argon2.extract_parameters(hashed) == profile
    assert argon2.extract_parameters(auth.hash_password(PASSWORD)) == (
        argon2.profiles.RFC_9106_LOW_MEMORY)
