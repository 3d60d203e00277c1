"""The weekly digest's settings page (`/admin/notifications`) and its unsubscribe link
(issue 17): an account asks for the digest and picks its language; a bad post stores
nothing; the link from a digest works without logging in, and one this app did not sign is
refused with a message in the reader's language."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer

import database
from surveys.account_models import Account, AuditEntry
from surveys.digest_settings import UNSUBSCRIBE_SALT, unsubscribe_token
from tests.conftest import csrf_of, log_in

pytestmark = pytest.mark.both_backends  # the CHECK on the language, and the writes

LEAD = "enhet@a.no"


@pytest.fixture
def lead(app, make_survey, make_account):
    survey = make_survey("psfs")
    return make_account(LEAD, units=(survey.unit_id,))


def checked(html: str) -> list[str]:
    """The values of the radio buttons checked on a page, in order."""
    return re.findall(r'<input checked[^>]* type="radio" value="([^"]+)"', html)


def settings_of(app) -> tuple[bool, str, list[str]]:
    with app.app_context():
        db = database.session()
        account = db.scalars(sa.select(Account).where(Account.email == LEAD)).one()
        actions = db.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
        return account.digest, account.language, list(actions)


def test_a_lead_asks_for_the_digest_in_english(app, client, lead):
    log_in(client, LEAD)
    page = client.get("/admin/notifications")
    assert page.status_code == 200
    assert 'href="/admin/notifications"' in page.text  # in the staff menu
    assert checked(page.text) == ["no", "nb"]
    saved = client.post("/admin/notifications", data={
        "csrf_token": csrf_of(page.text), "digest": "yes", "language": "en"})
    assert saved.status_code == 303
    assert settings_of(app) == (True, "en", ["digest.settings"])
    after = client.get("/admin/notifications").text
    assert "Lagret: ukeoversikten sendes til enhet@a.no." in after  # the page's own language
    assert checked(after) == ["yes", "en"]
    again = client.post("/admin/notifications", data={
        "csrf_token": csrf_of(after), "digest": "yes", "language": "en"})
    assert again.status_code == 303
    assert settings_of(app)[2] == ["digest.settings"]  # nothing changed: nothing audited


@pytest.mark.parametrize("data", [
    {"digest": "yes", "language": "xx"},
    {"digest": "yes", "language": "nb\x00"},
    {"digest": "kanskje", "language": "en"},
    {"digest": "yes"},
    {"language": "en"},
    {"digest": "yes", "language": "en" * 300},
])
def test_a_bad_post_stores_nothing_and_says_why(app, client, lead, data):
    client.set_cookie("lang", "en")
    log_in(client, LEAD)
    token = csrf_of(client.get("/admin/notifications").text)
    refused = client.post("/admin/notifications", data={"csrf_token": token, **data})
    assert refused.status_code == 422
    assert "Choose one of the options." in refused.text
    assert settings_of(app) == (False, "nb", [])


def test_a_post_without_the_csrf_token_is_refused(app, client, lead):
    log_in(client, LEAD)
    refused = client.post("/admin/notifications", data={"digest": "yes", "language": "en"})
    assert refused.status_code == 400
    assert settings_of(app) == (False, "nb", [])


def test_the_database_refuses_a_language_it_does_not_know(app, lead):
    with app.app_context():
        db = database.session()
        db.get(Account, lead.id).language = "de"
        with pytest.raises(sa.exc.IntegrityError):
            db.commit()
        db.rollback()


def forged_tokens(app, account_id: int) -> list[str]:
    with app.app_context():
        other_salt = URLSafeSerializer(app.secret_key, salt="another-purpose").dumps(account_id)
        other_key = URLSafeSerializer("not the key", salt=UNSUBSCRIBE_SALT).dumps(account_id)
        not_an_id = URLSafeSerializer(app.secret_key, salt=UNSUBSCRIBE_SALT).dumps("1 OR 1=1")
        real = unsubscribe_token(app.secret_key, database.session().get(Account, account_id))
    return [other_salt, other_key, not_an_id, real[:-2], real + "x", "x" * 43, "%00"]


def test_a_forged_unsubscribe_link_is_refused_in_the_readers_language(app, client, lead):
    with app.app_context():
        db = database.session()
        db.get(Account, lead.id).digest = True
        db.commit()
    for lang, words in (("nb", "Denne lenken for å stoppe ukeoversikten er ikke gyldig."),
                        ("en", "This unsubscribe link is not valid.")):
        client.set_cookie("lang", lang)
        for token in forged_tokens(app, lead.id):
            for method in ("GET", "POST"):
                answer = client.open(f"/admin/unsubscribe/{token}", method=method)
                assert answer.status_code == 400, (token, method)
                assert words in answer.text and "Traceback" not in answer.text
    assert settings_of(app) == (True, "nb", [])


def test_the_link_of_an_account_no_longer_stored_is_a_404(app, client, make_account):
    gone = make_account("borte@a.no")
    with app.app_context():
        db = database.session()
        token = unsubscribe_token(app.secret_key, db.get(Account, gone.id))
        db.delete(db.get(Account, gone.id))
        db.commit()
    client.set_cookie("lang", "en")
    answer = client.get(f"/admin/unsubscribe/{token}")
    assert answer.status_code == 404 and "There is no longer an account" in answer.text


def test_the_unsubscribe_page_speaks_the_accounts_language(app, client, lead):
    with app.app_context():
        db = database.session()
        account = db.get(Account, lead.id)
        account.digest, account.language = True, "nn"
        db.commit()
        token = unsubscribe_token(app.secret_key, account)
    client.set_cookie("lang", "en")  # the browser's choice; the mail was in nynorsk
    page = client.get(f"/admin/unsubscribe/{token}")
    assert page.status_code == 200 and 'lang="nn"' in page.text
    assert "Vil du stoppe vekeoversikta til enhet@a.no?" in page.text
