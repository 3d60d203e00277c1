"""Signing in with a work account (issue 20), against a real OpenID Connect provider: npm
`oidc-provider` in Node (tests/oidc/provider.mjs), started once for this file on 127.0.0.1.
The site runs in-process with the test client, but discovery, the token exchange, the keys
and userinfo go over HTTP to the provider, and the provider's pages are walked through
with plain requests, as a browser would. The misbehaving provider of some tests is the
same one, told to change its next ID token (`tamper`), signed with its own key or not.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

import database
from surveys.account_models import Account, AuditEntry
from surveys.models import Network, Organisation, Unit
from tests.oidc.node_provider import SITE, NodeProvider, callback_path
from web import oidc_settings

SECRET = "a client secret only the tests know"
PROVIDERS = ("nordby", "alle")
KARI = {"sub": "kari-sub", "email": "Kari.Nordmann@nordby.kommune.no", "email_verified": True,
        "name": "Kari Nordmann"}


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    clients = [{"client_id": "site", "client_secret": SECRET, "redirect_uris": [
        f"{SITE}/admin/login/oidc/{name}/callback" for name in PROVIDERS]}]
    started = NodeProvider(tmp_path_factory.mktemp("oidc"), clients)
    yield started
    started.stop()


def settings(issuer: str, **extra: str) -> dict[str, str]:
    """«nordby» for the staff of Nordby kommune, «alle» for the whole installation."""
    return {"OIDC_PROVIDERS": "nordby,alle",
            "OIDC_NORDBY_ISSUER": issuer, "OIDC_NORDBY_CLIENT_ID": "site",
            "OIDC_NORDBY_CLIENT_SECRET": SECRET, "OIDC_NORDBY_ORGANISATION": "Nordby kommune",
            "OIDC_NORDBY_LABEL": "Logg inn med Nordby kommunes konto",
            "OIDC_ALLE_ISSUER": issuer, "OIDC_ALLE_CLIENT_ID": "site",
            "OIDC_ALLE_CLIENT_SECRET": SECRET, **extra}


@pytest.fixture
def site(app, provider):
    """The app with both providers, Nordby's and Sørvik's units, and Kari at the provider."""
    app.extensions["oidc_providers"] = oidc_settings.read(settings(provider.issuer),
                                                          allow_local_http=True)
    provider.set_accounts(kari=dict(KARI))
    with app.app_context():
        db = database.session()
        network = Network(name="Gode pasientforløp")
        nordby = Organisation(name="Nordby kommune", kind="kommune", network=network)
        sorvik = Organisation(name="Sørvik kommune", kind="kommune", network=network)
        units = [Unit(name="Hjemmesykepleien", organisation=nordby),
                 Unit(name="Korttidsavdelingen", organisation=sorvik)]
        db.add_all(units)
        db.commit()
        app.config["TEST_UNITS"] = {"nordby": units[0].id, "sorvik": units[1].id}
    return app


def invite(app, make_account, email="kari.nordmann@nordby.kommune.no", unit="nordby", **kw):
    """An account an administrator made, with no password yet."""
    units = (app.config["TEST_UNITS"][unit],) if unit else ()
    return make_account(email, password=None, units=units, **kw).id


def start(client, name="nordby", **query):
    response = client.get(f"/admin/login/oidc/{name}", query_string=query)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def log_in(client, provider, login="kari", name="nordby", **query):
    """The whole login: start on the site, the provider's pages, back to the callback."""
    back = provider.log_in(start(client, name, **query), login)
    return client.get(callback_path(back))


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def account(app, account_id: int) -> Account:
    with app.app_context():
        found = database.session().get(Account, account_id)
        database.session().expunge(found)
        return found


def audited(app) -> list[str]:
    with app.app_context():
        return list(database.session().scalars(
            sa.select(AuditEntry.action).order_by(AuditEntry.id)))


# --- The flow ------------------------------------------------------------------------------

def test_the_login_page_has_a_button_for_each_provider_above_the_password_form(site, client):
    page = client.get("/admin/login?next=/admin/surveys").get_data(as_text=True)
    nordby = page.index("Logg inn med Nordby kommunes konto")
    assert nordby < page.index("Logg inn med Alle") < page.index('name="password"')
    assert 'href="/admin/login/oidc/nordby?next=/admin/surveys"' in page


def test_the_authorization_request_carries_pkce_s256_state_and_nonce(site, client, provider):
    query = parse_qs(urlsplit(start(client)).query)
    with client.session_transaction() as session:
        kept = session["oidc_login"]
    digest = hashlib.sha256(kept["verifier"].encode()).digest()
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"] == [base64.urlsafe_b64encode(digest).rstrip(b"=").decode()]
    assert query["state"] == [kept["state"]] and query["nonce"] == [kept["nonce"]]
    assert query["response_type"] == ["code"] and query["client_id"] == ["site"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}
    assert query["redirect_uri"] == [f"{SITE}/admin/login/oidc/nordby/callback"]


def test_the_first_login_links_the_invited_account_by_its_verified_email(
        site, client, provider, make_account):
    kari = invite(site, make_account)
    response = log_in(client, provider, next="/admin/surveys")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/surveys"
    assert signed_in(client)
    linked = account(site, kari)
    assert (linked.oidc_issuer, linked.oidc_subject) == (provider.issuer, "kari-sub")
    assert audited(site) == ["oidc.link", "oidc.login"]


def test_later_logins_match_on_the_subject_even_when_the_email_changed(
        site, client, provider, make_account):
    kari = invite(site, make_account)
    other = invite(site, make_account, email="kari@ny.nordby.no")
    assert log_in(client, provider).status_code == 303
    client.post("/admin/logout", data={"csrf_token": _csrf(client)})
    provider.set_accounts(kari={**KARI, "email": "kari@ny.nordby.no"})
    assert log_in(client, provider, name="alle").status_code == 303
    with client.session_transaction() as session:
        assert session["account_id"] == kari != other
    assert account(site, other).oidc_subject is None
    assert audited(site) == ["oidc.link", "oidc.login", "oidc.login"]


def test_an_email_the_provider_did_not_verify_is_refused(site, client, provider, make_account):
    kari = invite(site, make_account)
    provider.set_accounts(kari={**KARI, "email_verified": False})
    response = log_in(client, provider)
    assert response.status_code == 403
    assert "bekreftet ikke e-postadressen din" in response.get_data(as_text=True)
    assert not signed_in(client) and account(site, kari).oidc_subject is None


def test_an_unknown_person_is_told_to_ask_for_an_invitation_and_nothing_is_made(
        site, client, provider, make_account):
    invite(site, make_account, email="someone.else@nordby.kommune.no")
    response = log_in(client, provider)
    assert response.status_code == 403
    assert ("Du har ingen tilgang ennå: be en administrator invitere deg."
            in response.get_data(as_text=True))
    assert not signed_in(client) and audited(site) == []
    with site.app_context():
        assert database.session().scalar(sa.select(sa.func.count()).select_from(Account)) == 1
    client.set_cookie("lang", "en")
    english = log_in(client, provider).get_data(as_text=True)
    assert "You do not have access yet: ask an administrator to invite you." in english


def test_a_deactivated_account_cannot_log_in(site, client, provider, make_account):
    invite(site, make_account, is_active=False)
    response = log_in(client, provider)
    assert response.status_code == 403 and "deaktivert" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_a_linked_account_that_is_deactivated_cannot_log_in(site, client, provider, make_account):
    kari = invite(site, make_account)
    assert log_in(client, provider).status_code == 303
    with site.app_context():
        database.session().get(Account, kari).is_active = False
        database.session().commit()
    other = site.test_client()
    assert log_in(other, provider).status_code == 403 and not signed_in(other)


def test_a_provider_for_another_organisation_is_refused(site, client, provider, make_account):
    kari = invite(site, make_account, unit="sorvik")
    response = log_in(client, provider)
    assert response.status_code == 403
    assert "Logg inn med Nordby kommunes konto" in response.get_data(as_text=True)
    assert not signed_in(client) and account(site, kari).oidc_subject is None
    assert log_in(client, provider, name="alle").status_code == 303  # the installation's


def test_an_organisation_may_be_named_by_its_id(site, client, provider, make_account):
    site.extensions["oidc_providers"] = oidc_settings.read(settings(
        provider.issuer, OIDC_NORDBY_ORGANISATION=str(_organisation_of(site, "sorvik"))),
        allow_local_http=True)
    invite(site, make_account, unit="sorvik")
    assert log_in(client, provider).status_code == 303 and signed_in(client)


def test_an_account_linked_to_another_work_account_is_not_linked_again(
        site, client, provider, make_account):
    kari = invite(site, make_account, oidc_issuer=provider.issuer, oidc_subject="earlier-sub")
    response = log_in(client, provider)
    assert response.status_code == 403 and not signed_in(client)
    assert account(site, kari).oidc_subject == "earlier-sub"


def test_next_never_leaves_the_site(site, client, provider, make_account):
    invite(site, make_account)
    response = log_in(client, provider, next="//evil.example/admin")
    assert response.headers["Location"] == "/admin/"


def test_cancelling_at_the_provider_logs_nobody_in(site, client, provider, make_account):
    invite(site, make_account)
    back = provider.log_in(start(client), deny=True)
    response = client.get(callback_path(back))
    assert response.status_code == 400 and "avbrutt" in response.get_data(as_text=True)
    assert not signed_in(client)


# --- What a tampered answer gets -----------------------------------------------------------

def _refused(response, client, app, kari):
    assert response.status_code == 400, response.status_code
    assert "kunne ikke bekreftes" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert not signed_in(client) and account(app, kari).oidc_subject is None
    assert audited(app) == []


@pytest.mark.parametrize(("claims", "key", "reason"), [
    ({"nonce": "another-login"}, "own", "Invalid claim: 'nonce'"),
    ({"aud": "another-client"}, "own", "Invalid claim: 'aud'"),
    ({"aud": ["another-client", "and-another"]}, "own", "Invalid claim: 'aud'"),
    ({"iss": "https://login.evil.example"}, "own", "Invalid claim: 'iss'"),
    ({"exp": int(time.time()) - 600}, "own", "expired"),
    ({"iat": int(time.time()) + 3600}, "own", "issued in the future"),
    ({"azp": "another-client"}, "own", "Invalid claim: 'azp'"),
    ({"sub": None}, "own", "Missing claim: 'sub'"),
    ({}, "other", "bad_signature"),
    ({}, "none", "'none' is not allowed"),
], ids=["nonce", "audience", "audiences", "issuer", "expired", "issued-later", "azp",
        "no-subject", "other-key", "unsigned"])
def test_an_id_token_that_does_not_hold_is_refused(
        site, client, provider, make_account, caplog, claims, key, reason):
    kari = invite(site, make_account)
    back = provider.log_in(start(client), "kari")
    provider.tamper(claims, key)
    _refused(client.get(callback_path(back)), client, site, kari)
    assert reason in caplog.text  # refused for that reason, and said so to the operator


def test_a_nonce_changed_in_the_session_is_refused(site, client, provider, make_account):
    kari = invite(site, make_account)
    back = provider.log_in(start(client), "kari")
    with client.session_transaction() as session:
        session["oidc_login"] = {**session["oidc_login"], "nonce": "not-the-one-sent"}
    _refused(client.get(callback_path(back)), client, site, kari)


def test_an_answer_naming_another_issuer_is_refused(site, client, provider, make_account):
    kari = invite(site, make_account)
    back = provider.log_in(start(client), "kari")
    _refused(client.get(callback_path(back, iss="https://login.evil.example")), client, site,
             kari)


def test_a_tampered_state_is_refused(site, client, provider, make_account):
    kari = invite(site, make_account)
    back = provider.log_in(start(client), "kari")
    response = client.get(callback_path(back, state="guessed"))
    assert response.status_code == 400 and "startet i et annet vindu" in response.text
    assert not signed_in(client) and account(site, kari).oidc_subject is None
    assert client.get(callback_path(back)).status_code == 400  # a login is tried once


def test_a_callback_with_no_login_under_way_is_refused(site, client, provider, make_account):
    invite(site, make_account)
    back = provider.log_in(start(client), "kari")
    stranger = site.test_client()  # another browser, given the link
    assert stranger.get(callback_path(back)).status_code == 400
    assert not signed_in(stranger)


def test_an_email_in_the_id_token_is_used_without_asking_userinfo(
        site, client, provider, make_account):
    kari = invite(site, make_account, email="kari@id-token.no")
    back = provider.log_in(start(client), "kari")
    provider.tamper({"email": "kari@id-token.no", "email_verified": True})
    assert client.get(callback_path(back)).status_code == 303
    assert account(site, kari).oidc_subject == "kari-sub"


def test_entra_ids_verified_domain_claim_counts_as_verified(
        site, client, provider, make_account):
    invite(site, make_account, email="kari@entra.no")
    back = provider.log_in(start(client), "kari")
    provider.tamper({"email": "kari@entra.no", "xms_edov": True, "preferred_username": "x"})
    assert client.get(callback_path(back)).status_code == 303


# --- A provider that cannot be used --------------------------------------------------------

def test_a_provider_that_does_not_answer_gets_a_friendly_page(site, client, make_account):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    site.extensions["oidc_providers"] = oidc_settings.read(
        settings(f"http://127.0.0.1:{port}"), allow_local_http=True)
    response = client.get("/admin/login/oidc/nordby")
    text = response.get_data(as_text=True)
    assert response.status_code == 502 and "Vi fikk ikke kontakt med" in text
    assert "Traceback" not in text and not signed_in(client)


def test_a_provider_whose_discovery_names_another_issuer_is_not_used(site, client, provider):
    port = urlsplit(provider.issuer).port
    site.extensions["oidc_providers"] = oidc_settings.read(
        settings(f"http://localhost:{port}"), allow_local_http=True)
    assert client.get("/admin/login/oidc/nordby").status_code == 502


def test_an_unknown_provider_is_not_found(site, client):
    assert client.get("/admin/login/oidc/ukjent").status_code == 404
    assert client.get("/admin/login/oidc/ukjent/callback").status_code == 404


# --- Settings ------------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "message"), [
    ({"OIDC_NORDBY_CLIENT_SECRET": ""}, "OIDC_NORDBY_CLIENT_SECRET"),
    ({"OIDC_NORDBY_CLIENT_ID": " "}, "OIDC_NORDBY_CLIENT_ID"),
    ({"OIDC_NORDBY_ISSUER": "http://login.nordby.kommune.no"}, "must be an https address"),
    ({"OIDC_NORDBY_ISSUER": "http://127.0.0.1:9999"}, "must be an https address"),
    ({"OIDC_PROVIDERS": "nordby,Nordby"}, "twice"),
    ({"OIDC_PROVIDERS": "nordby,sør-vik"}, "not a usable name"),
])
def test_a_provider_that_cannot_work_stops_the_start(change, message):
    with pytest.raises(ValueError, match=message):
        oidc_settings.read(settings("https://login.nordby.kommune.no", **change))


def test_the_providers_come_from_the_environment(monkeypatch, tmp_path):
    from app import create_app

    for key, value in settings("https://login.microsoftonline.com/tenant/v2.0",
                               OIDC_ALLE_SCOPES="email").items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("OIDC_NORDBY_CLIENT_SECRET", "")
    with pytest.raises(ValueError, match="OIDC_NORDBY_CLIENT_SECRET"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", "SECRET_KEY": "x"})
    monkeypatch.setenv("OIDC_NORDBY_CLIENT_SECRET", SECRET)
    built = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
                        "SECRET_KEY": "x"})
    try:
        with built.app_context():
            found = oidc_settings.providers()
        assert [p.name for p in found] == ["nordby", "alle"]
        assert found[0].organisation == "Nordby kommune" and found[1].scopes == (
            "openid", "email")
    finally:
        built.extensions["db_engine"].dispose()


def _csrf(client) -> str:
    from tests.conftest import csrf_of

    return csrf_of(client.get("/admin/login").get_data(as_text=True))


def _organisation_of(app, unit: str) -> int:
    with app.app_context():
        return database.session().get(Unit, app.config["TEST_UNITS"][unit]).organisation_id
