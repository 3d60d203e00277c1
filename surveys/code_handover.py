"""Handing a follow-up code to the one page that shows it, and to the follow-up form,
never through an address.

A tablet in a care home is shared: whatever stays in its history (an address with the
code, a page the Back button brings back) shows the code, and with it the person's
activities, to whoever holds the tablet next. So the code never travels in an address.

After a baseline is stored, the code rides in Flask's session cookie (signed, so nobody
can plant a code) from the POST to the page that shows it, and that page takes it out:
the response that shows the code sends a session without it, so Back, a reload or the
next person finds nothing. No server-side record is kept, so nothing links the code to the
response later and any app instance serves the page.

A page that shows the code may offer one more showing (its printable slip, or the page in
another language) through a form that posts the code back. Such a post counts only with
the session's ticket: a random value with no code in it, used up by the showing it buys,
so a post sent again from the history shows nothing. Being random and held by the
session, the ticket also does the work of a CSRF token.

The follow-up is opened the same way: the link on the slip (or a typed code) puts the
code in the session (`open_follow_up`) and redirects to the form's own address, which holds
no code. The form stays open in this browser until the follow-up is sent
(`close_follow_up`) or for `OPEN_FOR` without use, so the tablet's next user meets a page
that says the follow-up is no longer open, not the person's activities.

The session cookie is signed but not encrypted: whoever reads a tablet's cookies could read
what is in it. So the code is kept there sealed (`_seal`): XORed with a keystream drawn
from the app's secret key and a random nonce (HMAC-SHA256 as the pseudo-random function,
as in counter mode), which the signature of the cookie keeps from being altered.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time

from flask import session

from surveys import follow_up_codes
from util.secret import app_secret

CODE_KEY = "follow_up_code"
TICKET_KEY = "follow_up_ticket"
OPEN_KEY = "follow_up_open"
OPEN_FOR = 60 * 60  # seconds without use after which an open follow-up closes
_NONCE_BYTES = 16


def now() -> float:
    """The time, in seconds (a function of its own, so a test can move the clock)."""
    return time.time()


def _keystream(nonce: bytes, length: int) -> bytes:
    return hmac.new(app_secret().encode(), b"follow-up-seal:" + nonce,
                    hashlib.sha256).digest()[:length]


def _seal(code: str) -> str:
    """The code as the session keeps it: unreadable without the app's secret key."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    plain = code.encode("ascii")
    sealed = bytes(a ^ b for a, b in zip(plain, _keystream(nonce, len(plain)), strict=True))
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def _unseal(held: object) -> str | None:
    """The code `_seal` sealed, or None for anything else."""
    if not isinstance(held, str) or not held.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(held)
    except (binascii.Error, ValueError):
        return None
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    if len(nonce) != _NONCE_BYTES or len(sealed) != follow_up_codes.LENGTH:
        return None
    plain = bytes(a ^ b for a, b in zip(sealed, _keystream(nonce, len(sealed)), strict=True))
    return follow_up_codes.normalise(plain.decode("latin-1"))


def hand_over(survey_id: int, code: str) -> None:
    """Keep `code` for the next showing of the survey's code page, and for that only."""
    session[CODE_KEY] = {"survey": survey_id, "code": _seal(code)}


def take_code(survey_id: int) -> str | None:
    """The code handed over for this survey, removed from the session; None if none is."""
    held = session.pop(CODE_KEY, None)
    if isinstance(held, dict) and held.get("survey") == survey_id:
        return _unseal(held.get("code"))
    return None


def issue_ticket() -> str:
    """A new single-use ticket for one more showing; any earlier ticket stops counting."""
    ticket = secrets.token_urlsafe(16)
    session[TICKET_KEY] = ticket
    return ticket


def take_ticket(posted: object) -> bool:
    """Whether `posted` is the session's ticket, which it then uses up. A wrong ticket (an
    old post sent again) leaves the current one to the page that holds it."""
    held = session.get(TICKET_KEY)
    if not (isinstance(held, str) and isinstance(posted, str) and posted.isascii()
            and hmac.compare_digest(held, posted)):
        return False
    del session[TICKET_KEY]
    return True


def open_follow_up(survey_id: int, code: str) -> None:
    """Open the follow-up of `code` in this browser, for the form's address without it; a
    follow-up opened earlier (of any survey) is closed."""
    session[OPEN_KEY] = {"survey": survey_id, "code": _seal(code),
                         "until": int(now()) + OPEN_FOR}


def open_code(survey_id: int) -> str | None:
    """The code of the follow-up open in this browser for the survey, its time renewed;
    None (and closed) if it was opened too long ago, None if none is open for it."""
    held = session.get(OPEN_KEY)
    if not isinstance(held, dict) or held.get("survey") != survey_id:
        return None
    until, code = held.get("until"), _unseal(held.get("code"))
    if code is None or not isinstance(until, int) or until < now():
        close_follow_up()
        return None
    session[OPEN_KEY] = {**held, "until": int(now()) + OPEN_FOR}
    return code


def close_follow_up() -> None:
    """Close the follow-up open in this browser, if any (once it is sent)."""
    session.pop(OPEN_KEY, None)
