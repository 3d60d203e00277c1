"""Who gets the weekly digest by e-mail, in which language, and stopping it from the link in
every digest (issue 17).

The digest is opt-in: an account asks for it on its notifications page and may stop it there
or from the link in any digest, without logging in, since a lead reading mail on the phone
is rarely logged in. That link carries a signed token of the account's id (itsdangerous,
with the app's secret key and a salt of its own, so no other signed value of the app can
stand in for it); it never expires, as a link in an old mail should still stop the mail.
Changes are audited and committed here, like the other account writes.

What a digest says is read in `reporting.digest`; the mail is made and sent in
`notifications`.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from surveys.access import MAX_ID, audit
from surveys.account_models import Account, utcnow

UNSUBSCRIBE_SALT = "digest-unsubscribe"


def save_settings(db: Session, account: Account, digest: bool, language: str) -> bool:
    """Store what the account chose, audited and committed; False when nothing changed (then
    nothing is written, not even the audit line). Turned on again, the digest starts afresh:
    its first tells the last week's results, not all since a digest of long ago."""
    if (account.digest, account.language) == (digest, language):
        return False
    if digest and not account.digest:
        account.digest_sent_at = None
    account.digest, account.language = digest, language
    audit(db, account, "digest.settings",
          f"{account.email}: {'on' if digest else 'off'}, {language}")
    db.commit()
    return True


def unsubscribe(db: Session, account: Account) -> None:
    """Stop the account's digest, from the link in a digest: audited when it was on."""
    if account.digest:
        account.digest = False
        audit(db, account, "digest.unsubscribe", account.email)
        db.commit()


def unsubscribe_token(secret_key: str, account: Account) -> str:
    """The token of the account's unsubscribe link."""
    return _serializer(secret_key).dumps(account.id)


def account_of_token(db: Session, secret_key: str, token: str) -> Account | None:
    """The account a token was made for; raises `BadSignature` for a token this app did not
    sign (mistyped, cut short, forged), None for an account no longer stored."""
    account_id = _serializer(secret_key).loads(token)
    if not isinstance(account_id, int) or isinstance(account_id, bool) \
            or not 0 < account_id <= MAX_ID:
        raise BadSignature("not an account id")
    return db.get(Account, account_id)


def recipients(db: Session) -> list[Account]:
    """The active accounts that asked for the digest, by id, so every run goes in one order."""
    return list(db.scalars(sa.select(Account).where(Account.digest.is_(True),
                                                    Account.is_active.is_(True))
                           .order_by(Account.id)))


def mark_sent(db: Session, account: Account, moment: dt.datetime | None = None) -> None:
    """Remember that the account's digest reached the mail server (committed at once, so a
    run that stops half-way does not send the first ones their news again)."""
    account.digest_sent_at = moment or utcnow()
    db.commit()


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT)
