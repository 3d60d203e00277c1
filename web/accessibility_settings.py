"""The operator's part of the accessibility statement, read and checked once at start-up.

| setting (environment) | what | default |
|---|---|---|
| `SURVEY_ACCESSIBILITY_STATUS` | `fully`, `partly` or `not` compliant | `partly` |
| `SURVEY_ACCESSIBILITY_STATEMENT_URL` | the organisation's statement on uustatus.no | none |
| `SURVEY_ACCESSIBILITY_CONTACT` | e-mail or phone for feedback | none (a neutral text) |
| `SURVEY_ACCESSIBILITY_MADE_ON`, `…_REVIEWED_ON` | dates, `YYYY-MM-DD` | the code's own |
| `SURVEY_ACCESSIBILITY_LIMITATIONS` | further problems the operator knows of | none |

Why refuse some and only warn about others: a status or a date the page cannot say truthfully
stops the start, as a bad SURVEY_SMALL_GROUP_MIN does; a wrong statement address is left
out (the page is still true without it), and a missing contact shows a neutral text, each
with a WARNING in the log so the operator sees what to set. The status defaults to «partly»
because `web.accessibility_statement` lists deviations: the page never claims «none known»
unless someone decides so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from web import accessibility_statement as known

EXTENSION = "accessibility_statement"
STATUSES = ("fully", "partly", "not")
DEFAULT_STATUS = "partly"
UUSTATUS_HOSTS = ("uustatus.no", "www.uustatus.no")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")  # shown as a mailto: link; anything else as written


@dataclass(frozen=True)
class StatementSettings:
    status: str = DEFAULT_STATUS
    statement_url: str | None = None
    contact: str | None = None  # None: the placeholder, and the page says whom to ask
    made_on: dt.date = known.MADE_ON
    reviewed_on: dt.date = known.REVIEWED_ON
    limitations: str | None = None

    @property
    def contact_is_email(self) -> bool:
        return self.contact is not None and EMAIL.fullmatch(self.contact) is not None


def read(config: Mapping[str, Any]) -> tuple[StatementSettings, list[str]]:
    """The settings from the app's configuration, and the warnings to log about them.
    Raises ValueError, naming the variable, for a status or a date that cannot be used."""
    warnings: list[str] = []
    status = str(config.get("ACCESSIBILITY_STATUS") or DEFAULT_STATUS).strip().lower()
    if status not in STATUSES:
        raise ValueError(f"SURVEY_ACCESSIBILITY_STATUS must be fully, partly or not, "
                         f"not {config.get('ACCESSIBILITY_STATUS')!r}")
    made_on = _date(config, "ACCESSIBILITY_MADE_ON", known.MADE_ON)
    reviewed_on = _date(config, "ACCESSIBILITY_REVIEWED_ON", max(known.REVIEWED_ON, made_on))
    if reviewed_on < made_on:
        raise ValueError(f"SURVEY_ACCESSIBILITY_REVIEWED_ON ({reviewed_on}) is before "
                         f"SURVEY_ACCESSIBILITY_MADE_ON ({made_on})")
    url = _text(config, "ACCESSIBILITY_STATEMENT_URL")
    if url is not None and not is_uustatus_url(url):
        warnings.append(f"SURVEY_ACCESSIBILITY_STATEMENT_URL {url!r} is not an https address "
                        "on uustatus.no; the page leaves the link out. Set it to the address "
                        "of your statement there, e.g. https://uustatus.no/nb/erklaringer/…")
        url = None
    if status == "fully" and known.DEVIATIONS:
        warnings.append(f"SURVEY_ACCESSIBILITY_STATUS is fully, but {len(known.DEVIATIONS)} "
                        "known deviations are listed in web/accessibility_statement.py and "
                        "shown on the page")
    settings = StatementSettings(status, url, _text(config, "ACCESSIBILITY_CONTACT"), made_on,
                                 reviewed_on, _text(config, "ACCESSIBILITY_LIMITATIONS"))
    return settings, warnings


def is_uustatus_url(url: str) -> bool:
    """An https address on uustatus.no (Digdir's register of statements), nothing else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return (parts.scheme == "https" and parts.hostname in UUSTATUS_HOSTS and port is None
            and not parts.username and not parts.password)


def init_app(app: Flask) -> None:
    """Check the settings (a bad status or date stops the start), log what the operator
    should set, and keep them for the page."""
    settings, warnings = read(app.config)
    if settings.contact is None and not (app.debug or app.testing):
        warnings.append("SURVEY_ACCESSIBILITY_CONTACT is not set: the accessibility statement "
                        "(/tilgjengelighet) has no contact for feedback, which the law "
                        "requires. Set it to an e-mail address or phone number that is answered")
    for warning in warnings:
        app.logger.warning(warning)
    app.extensions[EXTENSION] = settings


def _text(config: Mapping[str, Any], key: str) -> str | None:
    """A text setting, None when unset or blank (`from_prefixed_env` reads a phone number
    written as digits as a number: it is a text all the same)."""
    value = config.get(key)
    if value is None:
        return None
    return str(value).strip() or None


def _date(config: Mapping[str, Any], key: str, default: dt.date) -> dt.date:
    value = config.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"SURVEY_{key} must be a date written YYYY-MM-DD, "
                         f"not {value!r}") from None
