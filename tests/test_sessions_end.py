"""Sessions that can be ended (issue 20): the cookie held only the account's id, so a copy
of it (from a shared computer, say) still worked after logout, after a password change and
after the account was deactivated. Each of those now ends every session of the account."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

import database
from surveys.account_models import Account
from tests.conftest import PASSWORD, csrf_of, log_in

pytestmark = pytest.mark.both_backends  # the epoch is a column


def signed_in(client: FlaskClient) -> bool:
    return client.get("/admin/").status_code == 200


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of `client`'s session cookie."""
    name = app.config["SESSION_COOKIE_NAME"]
    other = app.test_client()
    other.set_cookie(name, client.get_cookie(name).value)
    return other


@pytest.fixture
def lead(app, client, make_account):
    make_account("leder@kommune.no")
    make_account("admin@kommune.no", is_admin=True)
    log_in(client, "leder@kommune.no")
    assert signed_in(client)
    return client


def test_a_copied_cookie_ends_with_the_logout(app, lead):
    thief = copy_of(app, lead)
    assert signed_in(thief)  # the copy works while the session lives
    lead.post("/admin/logout", data={"csrf_token": csrf_of(lead.get("/admin/").text)})
    assert not signed_in(lead) and not signed_in(thief)


def test_a_new_password_ends_every_other_session_but_keeps_this_one(app, lead):
    thief = copy_of(app, lead)
    page = lead.get("/admin/password").text
    changed = lead.post("/admin/password", data={
        "csrf_token": csrf_of(page), "current": PASSWORD,
        "password": "et nytt og enda lengre passord", "confirm": "et nytt og enda lengre passord"})
    assert changed.status_code == 303
    assert signed_in(lead) and not signed_in(thief)


def test_deactivation_ends_the_session_and_reactivation_does_not_bring_it_back(
        app, client, lead):
    thief = copy_of(app, lead)
    with app.app_context():
        account_id = database.session().query(Account.id).filter_by(
            email="leder@kommune.no").scalar()
    admin = app.test_client()
    log_in(admin, "admin@kommune.no")
    token = csrf_of(admin.get("/admin/accounts").text)
    admin.post(f"/admin/accounts/{account_id}/deactivate", data={"csrf_token": token})
    assert not signed_in(thief)
    admin.post(f"/admin/accounts/{account_id}/reactivate", data={"csrf_token": token})
    assert not signed_in(thief) and not signed_in(lead)


def test_a_cookie_from_before_the_epoch_is_not_honoured(app, lead):
    name = app.config["SESSION_COOKIE_NAME"]
    with lead.session_transaction() as session:
        del session["epoch"]  # as the cookies made before this change were
    assert lead.get_cookie(name) is not None  # the cookie is there, but not enough
    assert not signed_in(lead)
