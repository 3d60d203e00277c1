"""The OpenID Connect providers staff may sign in with, read and checked once at start-up.

For each name in `OIDC_PROVIDERS` (`nordby,sorvik`), with `<NAME>` the name in capitals:

- `OIDC_<NAME>_ISSUER`: the provider's issuer, `https://…` (required); its discovery
  document is `<issuer>/.well-known/openid-configuration`;
- `OIDC_<NAME>_CLIENT_ID`, `OIDC_<NAME>_CLIENT_SECRET`: this site's registration there
  (required);
- `OIDC_<NAME>_LABEL`: the button's text, «Logg inn med Nordby kommunes konto» (default
  «Log in with <name>»);
- `OIDC_<NAME>_ORGANISATION`: the organisation (its id or name) whose staff may use it
  (default: the whole installation);
- `OIDC_<NAME>_SCOPES`: what is asked for, separated by spaces (`openid email profile`).

The addresses use the name in small letters (`/admin/login/oidc/nordby`). A provider that
cannot work stops the start with a message naming the variable, as a bad accessibility
status does: a missing issuer, client id or secret, or an issuer that is not https. Plain
http is let through for an issuer on this machine (127.0.0.1, localhost) in debug mode and
in the tests only, where the test suite runs its own provider.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_babel import gettext as _

EXTENSION = "oidc_providers"
NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_SCOPES = ("openid", "email", "profile")


@dataclass(frozen=True)
class Provider:
    """One provider: Entra ID of a municipality, ID-porten, Feide, …"""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    label: str | None = None
    organisation: str | None = None  # an organisation's id or name; None: everyone's
    scopes: tuple[str, ...] = DEFAULT_SCOPES

    @property
    def local_http(self) -> bool:
        """An issuer on this machine over plain http (debug and tests only): its endpoints
        may then be so too."""
        return urlsplit(self.issuer).scheme == "http"


def read(config: Mapping[str, Any], allow_local_http: bool = False) -> dict[str, Provider]:
    """The providers the configuration names, in its order. Raises ValueError naming the
    variable for a provider that cannot work."""
    names = [n for n in re.split(r"[\s,]+", str(config.get("OIDC_PROVIDERS") or "").strip())
             if n]
    providers: dict[str, Provider] = {}
    for written in names:
        name = written.lower()
        if not NAME.fullmatch(name):
            raise ValueError(f"OIDC_PROVIDERS: {written!r} is not a usable name: letters, "
                             "digits and _, starting with a letter")
        if name in providers:
            raise ValueError(f"OIDC_PROVIDERS names {written!r} twice")
        providers[name] = _provider(config, name, allow_local_http)
    return providers


def _provider(config: Mapping[str, Any], name: str, allow_local_http: bool) -> Provider:
    prefix = f"OIDC_{name.upper()}_"

    def text(key: str) -> str | None:
        value = config.get(prefix + key)
        return (str(value).strip() or None) if value is not None else None

    missing = [prefix + key for key in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET")
               if text(key) is None]
    if missing:
        raise ValueError(f"OIDC provider {name!r} needs {', '.join(missing)}")
    issuer = str(text("ISSUER"))
    if not acceptable_url(issuer, allow_local_http):
        raise ValueError(f"{prefix}ISSUER must be an https address, not {issuer!r}"
                         + ("" if allow_local_http else
                            " (plain http only on this machine in debug mode and tests)"))
    scopes = tuple((text("SCOPES") or " ".join(DEFAULT_SCOPES)).split())
    if "openid" not in scopes:
        scopes = ("openid", *scopes)
    return Provider(name, issuer, str(text("CLIENT_ID")), str(text("CLIENT_SECRET")),
                    text("LABEL"), text("ORGANISATION"), scopes)


def acceptable_url(url: str, local_http: bool) -> bool:
    """An https address with a host; plain http only to this machine, when `local_http`."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        return False
    if not parts.hostname or parts.username or parts.password or parts.fragment:
        return False
    return parts.scheme == "https" or (
        local_http and parts.scheme == "http" and parts.hostname in LOCAL_HOSTS)


def init_app(app: Flask) -> None:
    """Check the providers (one that cannot work stops the start) and keep them."""
    app.extensions[EXTENSION] = read(app.config, allow_local_http=app.debug or app.testing)


def providers() -> list[Provider]:
    """The providers of this app, in the order OIDC_PROVIDERS names them."""
    return list(current_app.extensions.get(EXTENSION, {}).values())


def provider(name: str) -> Provider | None:
    return current_app.extensions.get(EXTENSION, {}).get(name)


def label(provider: Provider) -> str:
    """The text of the provider's button on the login page."""
    return provider.label or _("Log in with %(provider)s", provider=provider.name.capitalize())
