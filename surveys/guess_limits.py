"""Slowing down anyone who tries follow-up codes at random.

A code has 40 random bits, so guessing one is hopeless at the pace these limits allow:
a client may try `CLIENT_LIMIT` wrong codes per window, and a survey takes at most
`SURVEY_LIMIT` wrong codes per window from everybody together (which stops a guesser
who changes address). Counts live in the database so every app instance shares them.
The client is a keyed digest of its address, kept only as long as its window lasts,
and never beside answers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys.models import GuessFailure

WINDOW = dt.timedelta(minutes=15)
CLIENT_LIMIT = 20
SURVEY_LIMIT = 200


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def scopes(secret: str, survey_id: int, client_address: str | None) -> dict[str, int]:
    """The counters a wrong code at this survey from this client adds to, with their limits."""
    client = hmac.new(secret.encode(), f"guess-client:{client_address}".encode(),
                      hashlib.sha256).hexdigest()[:40]
    return {f"survey:{survey_id}": SURVEY_LIMIT, f"client:{client}": CLIENT_LIMIT}


def too_many(db: Session, limits: dict[str, int], now: dt.datetime | None = None) -> bool:
    """Whether any of these counters has reached its limit within the window."""
    since = (now or utcnow()) - WINDOW
    rows = db.execute(
        sa.select(GuessFailure.scope, sa.func.count())
        .where(GuessFailure.scope.in_(list(limits)), GuessFailure.failed_at > since)
        .group_by(GuessFailure.scope)
    )
    return any(count >= limits[scope] for scope, count in rows)


def record_failure(db: Session, limits: dict[str, int], now: dt.datetime | None = None) -> None:
    """Count one wrong code in every counter, and forget every expired row (the table stays
    as small as the last window's failures)."""
    now = now or utcnow()
    db.execute(sa.delete(GuessFailure).where(GuessFailure.failed_at <= now - WINDOW))
    db.add_all(GuessFailure(scope=scope, failed_at=now) for scope in limits)
    db.commit()
