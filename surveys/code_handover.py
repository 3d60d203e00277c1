"""Handing a follow-up code to the one page that shows it, never through an address.

A tablet in a care home is shared: whatever stays in its history (an address with the
code, a page the Back button brings back) shows the code, and with it the person's
activities, to whoever holds the tablet next. So the code never travels in an address.

After a baseline is stored, the code rides in Flask's session cookie (signed, so nobody
can plant a code, though not encrypted) from the POST to the page that shows it, and that
page takes it out: the response that shows the code sends a session without it, so Back,
a reload or the next person finds nothing. No server-side record is kept, so nothing
links the code to the response later and any app instance serves the page.

A page that shows the code may offer one more showing (its printable slip, or the page in
another language) through a form that posts the code back. Such a post counts only with
the session's ticket: a random value with no code in it, used up by the showing it buys,
so a post sent again from the history shows nothing. Being random and held by the
session, the ticket also does the work of a CSRF token.
"""

from __future__ import annotations

import hmac
import secrets

from flask import session

CODE_KEY = "follow_up_code"
TICKET_KEY = "follow_up_ticket"


def hand_over(survey_id: int, code: str) -> None:
    """Keep `code` for the next showing of the survey's code page, and for that only."""
    session[CODE_KEY] = {"survey": survey_id, "code": code}


def take_code(survey_id: int) -> str | None:
    """The code handed over for this survey, removed from the session; None if none is."""
    held = session.pop(CODE_KEY, None)
    if isinstance(held, dict) and held.get("survey") == survey_id and isinstance(
            held.get("code"), str):
        return held["code"]
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
