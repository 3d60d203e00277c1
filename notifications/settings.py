"""The settings the digest is sent with, checked once before anything is sent, so a missing
or mistyped one is one clear line from the command, not a stack trace per recipient.

From the app's config, which `app.py` fills from the environment: SMTP_HOST, SMTP_PORT,
SMTP_USERNAME, SMTP_PASSWORD, SMTP_STARTTLS (on unless false), SMTP_SSL (TLS from the
first byte, usually port 465), MAIL_FROM and BASE_URL (the public address of the app, for
the links in the mail: a command run by cron has no request to take it from).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

FALSE = {"0", "false", "no", "off"}
TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    ssl: bool
    sender: str
    base_url: str

    @property
    def sender_domain(self) -> str:
        """The domain of MAIL_FROM, for the messages' Message-ID."""
        return parseaddr(self.sender)[1].rpartition("@")[2]


def mail_settings(config: Mapping[str, Any]) -> MailSettings:
    """The settings from `config`; raises ValueError saying which is missing or wrong."""
    host = _text(config, "SMTP_HOST")
    if not host:
        raise ValueError("SMTP_HOST is not set: give the address of the mail server "
                         "(and SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD if it needs them).")
    starttls, ssl = _flag(config, "SMTP_STARTTLS", True), _flag(config, "SMTP_SSL", False)
    if ssl:
        starttls = False  # the connection is encrypted from the start
    username, password = _text(config, "SMTP_USERNAME"), _text(config, "SMTP_PASSWORD")
    if bool(username) != bool(password):
        raise ValueError("Set both SMTP_USERNAME and SMTP_PASSWORD, or neither.")
    return MailSettings(host=host, port=_port(config, ssl, starttls), username=username,
                        password=password, starttls=starttls, ssl=ssl,
                        sender=_sender(config), base_url=base_url(config))


def base_url(config: Mapping[str, Any]) -> str:
    """BASE_URL without its trailing slash; raises ValueError when it is missing or not an
    http(s) address."""
    url = _text(config, "BASE_URL")
    if not url:
        raise ValueError("BASE_URL is not set: give the public address of the app, for "
                         "example https://survey.example.no, for the links in the mail.")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query \
            or parts.fragment:
        raise ValueError(f"BASE_URL must be an address such as https://survey.example.no, "
                         f"not {url!r}.")
    return url.rstrip("/")


def _sender(config: Mapping[str, Any]) -> str:
    sender = _text(config, "MAIL_FROM")
    if not sender:
        raise ValueError("MAIL_FROM is not set: give the address the digest is sent from, "
                         "for example «Hva er viktig for deg? <noreply@example.no>».")
    name, address = parseaddr(sender)
    try:
        Address(name, addr_spec=address)
    except (ValueError, IndexError):
        raise ValueError(f"MAIL_FROM is not an e-mail address: {sender!r}.") from None
    if "@" not in address:
        raise ValueError(f"MAIL_FROM is not an e-mail address: {sender!r}.")
    return sender


def _port(config: Mapping[str, Any], ssl: bool, starttls: bool) -> int:
    text = _text(config, "SMTP_PORT")
    if not text:
        return 465 if ssl else 587 if starttls else 25
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"SMTP_PORT must be a port number (1–65535), not {text!r}.")
    return int(text)


def _flag(config: Mapping[str, Any], key: str, default: bool) -> bool:
    value = config.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"{key} must be true or false, not {value!r}.")


def _text(config: Mapping[str, Any], key: str) -> str | None:
    value = config.get(key)
    text = str(value).strip() if value is not None else ""
    return text or None
