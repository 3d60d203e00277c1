"""The OpenID Connect conversation with a provider (Entra ID, ID-porten, Feide): the
authorization code flow with PKCE, then an ID token checked to the letter.

`begin` makes the address to send the browser to, with a fresh `state`, `nonce` and PKCE
verifier (S256) that the caller keeps in the signed session; `finish` takes the provider's
answer back, checks `state`, exchanges the code (with the verifier and the client secret)
and checks the ID token: its signature against the provider's published keys (JWKS), `iss`
equal to the configured issuer, `aud` holding our client id (and `azp` ours when present),
`nonce` the one we sent, `exp` not passed and `iat` not in the future (a minute's leeway
for clocks). A provider that puts the e-mail address in its userinfo rather than in the ID
token (Feide, and any that follows the specification's default for the code flow) is asked
there, and its answer used only when it names the same subject.

The provider's discovery document (`<issuer>/.well-known/openid-configuration`, whose
`issuer` must be the configured one) and its keys are fetched on first use and kept for an
hour by the app; the keys again at once when a token names a key not among them (the
provider rotated its keys). Every request to the provider waits at most `TIMEOUT`.

Two kinds of failure, for the page to tell apart: `Unavailable` (the provider did not
answer, or not with what the protocol says: try later) and `Refused` (this login cannot be
trusted: start again). Their `detail` is for the log, never for the page.
"""

from __future__ import annotations

import enum
import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, cast

from flask import current_app

from surveys.oidc_accounts import WorkIdentity
from web.oidc_settings import Provider, acceptable_url

if TYPE_CHECKING:
    from authlib.integrations.requests_client import OAuth2Session
    from joserfc.jwk import KeySet, KeySetSerialization

# requests, authlib and joserfc are imported where the conversation needs them: together
# they cost about 0.2 s of CPU at start-up, in every process, for a login few make and no
# respondent needs (`tests/test_startup.py`).

TIMEOUT = (3.05, 5)  # seconds to connect, and to wait for an answer
KEEP_SECONDS = 3600
LEEWAY_SECONDS = 60
CACHE = "oidc_documents"
# Signatures with a public key only: an HMAC (HS256) would be keyed with the client secret,
# and "none" is no signature at all.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                      "ES512", "EdDSA")


class Unavailable(Exception):
    """The provider could not be reached, or answered what the protocol does not allow."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Problem(enum.Enum):
    EXPIRED = "expired"  # no login under way here, or another one's state
    CANCELLED = "cancelled"  # the provider answered with an error (the person cancelled)
    INVALID = "invalid"  # the code or the ID token did not hold


class Refused(Exception):
    def __init__(self, problem: Problem, detail: str) -> None:
        super().__init__(f"{problem.value}: {detail}")
        self.problem, self.detail = problem, detail


@dataclass(frozen=True)
class Pending:
    """One login under way, kept in the signed session between the two requests."""

    state: str
    nonce: str
    verifier: str

    @classmethod
    def new(cls) -> Pending:
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32),
                   secrets.token_urlsafe(64))

    @classmethod
    def from_dict(cls, kept: Mapping[str, Any]) -> Pending:
        return cls(str(kept["state"]), str(kept["nonce"]), str(kept["verifier"]))

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def begin(provider: Provider, redirect_uri: str, language: str) -> tuple[str, Pending]:
    """Where to send the browser to log in at `provider`, and what to keep until it returns."""
    endpoint = discover(provider)["authorization_endpoint"]
    pending = Pending.new()
    with _client(provider, redirect_uri) as client:
        url, _state = client.create_authorization_url(
            endpoint, state=pending.state, code_verifier=pending.verifier, nonce=pending.nonce,
            ui_locales=language)
    return url, pending


def finish(provider: Provider, redirect_uri: str, pending: Pending,
           answer: Mapping[str, str]) -> WorkIdentity:
    """Who the provider says signed in, from its answer to our redirect (the callback's query
    string), every check passed. Raises Refused or Unavailable."""
    if not secrets.compare_digest(str(answer.get("state", "")), pending.state):
        raise Refused(Problem.EXPIRED, "the state is not the one sent")
    if "iss" in answer and answer["iss"] != provider.issuer:  # RFC 9207: another provider's
        raise Refused(Problem.INVALID, f"the answer names the issuer {answer['iss']!r}")
    if answer.get("error"):
        raise Refused(Problem.CANCELLED, f"the provider answered {answer['error']!r}")
    if not answer.get("code"):
        raise Refused(Problem.INVALID, "no code in the answer")
    metadata = discover(provider)
    token = _exchange(provider, metadata, redirect_uri, answer["code"], pending)
    claims = verified_claims(provider, metadata, token, pending.nonce)
    if "email" not in claims:
        claims = {**_userinfo(provider, metadata, token, claims["sub"]), **claims}
    email = claims.get("email")
    return WorkIdentity(issuer=claims["iss"], subject=claims["sub"],
                        email=email if isinstance(email, str) else None,
                        email_verified=_true(claims.get("email_verified"))
                        or _true(claims.get("xms_edov")))


def discover(provider: Provider) -> dict[str, Any]:
    """The provider's discovery document, checked: our issuer, and usable endpoints."""
    url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
    document = _document(url)
    if document.get("issuer") != provider.issuer:
        raise Unavailable(f"the discovery document names the issuer "
                          f"{document.get('issuer')!r}, not {provider.issuer!r}")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(key), str) or not acceptable_url(
                document[key], provider.local_http):
            raise Unavailable(f"the discovery document's {key} is missing or not https")
    return document


def _client(provider: Provider, redirect_uri: str,
            metadata: Mapping[str, Any] | None = None) -> OAuth2Session:
    from authlib.integrations.requests_client import OAuth2Session

    methods = (metadata or {}).get("token_endpoint_auth_methods_supported") or []
    method = ("client_secret_post" if "client_secret_basic" not in methods
              and "client_secret_post" in methods else "client_secret_basic")
    return OAuth2Session(provider.client_id, provider.client_secret, scope=" ".join(
        provider.scopes), redirect_uri=redirect_uri, code_challenge_method="S256",
        token_endpoint_auth_method=method, default_timeout=TIMEOUT)


def _exchange(provider: Provider, metadata: Mapping[str, Any], redirect_uri: str, code: str,
              pending: Pending) -> dict[str, Any]:
    """The token endpoint's answer for `code`, sent with the PKCE verifier."""
    import requests
    from authlib.integrations.base_client import OAuthError

    try:
        with _client(provider, redirect_uri, metadata) as client:
            return dict(client.fetch_token(metadata["token_endpoint"], code=code,
                                           code_verifier=pending.verifier,
                                           grant_type="authorization_code"))
    except OAuthError as exc:
        raise Refused(Problem.INVALID, f"the token endpoint refused the code: {exc}") from None
    except (requests.RequestException, ValueError) as exc:
        raise Unavailable(f"the token endpoint failed: {exc.__class__.__name__}") from None


def verified_claims(provider: Provider, metadata: Mapping[str, Any], token: Mapping[str, Any],
                    nonce: str) -> dict[str, Any]:
    """The ID token's claims, its signature and every claim the rules name checked."""
    from authlib.oidc.core import CodeIDToken
    from joserfc import jwt
    from joserfc.errors import InvalidKeyIdError, JoseError

    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise Refused(Problem.INVALID, "no ID token in the token endpoint's answer")
    offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [a for a in SIGNING_ALGORITHMS if a in offered]
    try:
        try:
            decoded = jwt.decode(id_token, _keys(metadata), algorithms=algorithms)
        except InvalidKeyIdError:  # a key newer than ours: fetch them again, once
            decoded = jwt.decode(id_token, _keys(metadata, fresh=True),
                                 algorithms=algorithms)
        claims = CodeIDToken(
            decoded.claims, decoded.header,
            {"iss": {"essential": True, "value": provider.issuer},
             "aud": {"essential": True, "value": provider.client_id},
             "sub": {"essential": True}},
            {"nonce": nonce, "client_id": provider.client_id,
             "access_token": token.get("access_token")})
        claims.validate(leeway=LEEWAY_SECONDS)
    except JoseError as exc:
        raise Refused(Problem.INVALID, f"the ID token does not hold: {exc}") from None
    return dict(claims)


def _keys(metadata: Mapping[str, Any], fresh: bool = False) -> KeySet:
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    try:
        document = _document(metadata["jwks_uri"], fresh)
        return KeySet.import_key_set(cast("KeySetSerialization", document))
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise Unavailable(f"the provider's keys cannot be read: {exc}") from None


def _userinfo(provider: Provider, metadata: Mapping[str, Any], token: Mapping[str, Any],
              subject: str) -> dict[str, Any]:
    """The e-mail claims of the userinfo endpoint, when it names the ID token's subject."""
    url = metadata.get("userinfo_endpoint")
    if not isinstance(url, str) or not acceptable_url(url, provider.local_http):
        return {}
    info = _get_json(url, {"Authorization": f"Bearer {token.get('access_token', '')}"})
    if info.get("sub") != subject:
        raise Refused(Problem.INVALID, "the userinfo names another subject")
    return {key: info[key] for key in ("email", "email_verified", "xms_edov") if key in info}


def _document(url: str, fresh: bool = False) -> dict[str, Any]:
    """A JSON document of the provider, kept an hour by the app (`fresh`: fetched anew)."""
    kept: dict[str, tuple[float, dict[str, Any]]] = current_app.extensions.setdefault(CACHE, {})
    now = time.monotonic()
    found = kept.get(url)
    if found is not None and not fresh and now - found[0] < KEEP_SECONDS:
        return found[1]
    document = _get_json(url)
    kept[url] = (now, document)
    return document


def _get_json(url: str, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    import requests

    try:
        response = requests.get(url, headers={"Accept": "application/json", **(headers or {})},
                                timeout=TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise Unavailable(f"{url} did not answer with JSON: {exc.__class__.__name__}") from None
    if not isinstance(document, dict):
        raise Unavailable(f"{url} answered JSON that is not an object")
    return document


def _true(value: object) -> bool:
    """A claim that says yes: true, or "true" as some providers write it."""
    return value is True or (isinstance(value, str) and value.lower() == "true")
