"""Logging staff in and out: argon2 password hashes, throttled failures, one-time links.

The session cookie holds only the account id (signed by Flask). Failed attempts are
counted in the database per hashed e-mail address, so every app instance shares the
count and no IP address is kept.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, has_app_context, session
from sqlalchemy.orm import Session

from surveys.account_models import Account, LoginFailure, PasswordLink, utcnow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
MAX_FAILURES = 5  # wrong passwords from one client to one address before it slows down
FAILURE_WINDOW = dt.timedelta(minutes=15)
FIRST_WAIT = dt.timedelta(seconds=30)  # then doubled with each further failure, up to the window
PASSWORD_LINK_LIFETIME = dt.timedelta(days=3)

_PRODUCTION = PasswordHasher()  # RFC 9106's low-memory profile
# An app with TESTING set hashes at the lowest cost: the tests make and check hundreds of
# hashes, and the cost is the production hasher's purpose, not something they test.
_TESTING = PasswordHasher.from_parameters(profiles.CHEAPEST)


def _hasher() -> PasswordHasher:
    testing = has_app_context() and current_app.config.get("TESTING")
    return _TESTING if testing else _PRODUCTION


# Verifying against a real hash when the account is unknown takes as long as for a known
# one, so the response time does not tell which e-mail addresses have accounts. Made on the
# first login, not at import: a hash costs each worker about 0.35 s of CPU.
@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_hex(16))


class TooManyAttempts(Exception):
    """Too many failed logins for this address from this client recently: try again after
    `wait` (the caller says so)."""

    def __init__(self, wait: dt.timedelta) -> None:
        super().__init__(wait)
        self.wait = wait


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(db: Session, email: str, password: str, client: str) -> Account | None:
    """The account for these credentials, or None; raises TooManyAttempts while this client
    must wait before trying this address again (`client` is a keyed digest of its network).

    Throttled per address *and* client: five failures, then a wait that doubles with each
    further failure (30 s, 1 min, 2 min … up to 15 min). Failures from another client slow
    down that client only, so nobody can keep a colleague out by typing wrong passwords for
    her address; guessing from many clients is held back by the per-client limit on login
    posts (`web.rate_limits`) and by the cost of each password check."""
    email = normalise_email(email)
    key = _digest(email)
    _check_wait(db, key, client)
    account = None
    if "\x00" not in email:  # PostgreSQL refuses NUL in text; no address holds one
        account = db.scalars(sa.select(Account).filter_by(email=email, is_active=True)).first()
    hasher = _hasher()
    try:
        hasher.verify(account.password_hash if account and account.password_hash
                      else _dummy_hash(hasher), password)
    except (VerificationError, InvalidHashError):
        account = None
    if account is None:
        db.add(LoginFailure(email_hash=key, client_hash=client))
        db.commit()
        return None
    db.execute(sa.delete(LoginFailure).where(LoginFailure.email_hash == key,
                                             LoginFailure.client_hash == client))
    db.commit()
    return account


def _check_wait(db: Session, key: str, client: str) -> None:
    """Raise TooManyAttempts while this client's recent failures for this address say wait."""
    now = utcnow()
    failures, last = db.execute(
        sa.select(sa.func.count(), sa.func.max(LoginFailure.failed_at))
        .where(LoginFailure.email_hash == key, LoginFailure.client_hash == client,
               LoginFailure.failed_at >= now - FAILURE_WINDOW)).one()
    if not failures or failures < MAX_FAILURES:
        return
    wait = min(FIRST_WAIT * 2 ** (failures - MAX_FAILURES), FAILURE_WINDOW)
    if last + wait > now:
        raise TooManyAttempts(last + wait - now)


def password_problem(password: str) -> str | None:
    """Why a new password is refused (a translatable message), or None."""
    from flask_babel import gettext as _

    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(count)d characters.", count=MAX_PASSWORD_LENGTH)
    return None


def check_password(account: Account, password: str) -> bool:
    if not account.password_hash:
        return False
    try:
        return _hasher().verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_password_link(db: Session, account: Account) -> str:
    """A one-time token to set a password; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    db.add(PasswordLink(account_id=account.id, token_hash=_digest(token),
                        expires_at=utcnow() + PASSWORD_LINK_LIFETIME))
    db.flush()
    return token


def find_password_link(db: Session, token: str) -> PasswordLink | None:
    """An unused, unexpired link for this token, or None."""
    if not 20 <= len(token) <= 100:
        return None
    link = db.scalars(sa.select(PasswordLink).filter_by(token_hash=_digest(token))).first()
    if link is None or link.used or link.expires_at < utcnow():
        return None
    return link


def log_in(account: Account) -> None:
    """Start a session of `account` in this browser: its cookie holds the account's id and
    current epoch, nothing else."""
    session.clear()
    session["account_id"] = account.id
    session["epoch"] = account.session_epoch


def end_sessions(account: Account) -> None:
    """End every session of `account`, in every browser and every copy of its cookie (the
    caller commits): a cookie is honoured only while it holds the current epoch."""
    account.session_epoch += 1


def log_out() -> None:
    """Log out, and end the account's sessions everywhere: a copy of the cookie (taken from
    a shared computer, say) must not outlive the logout."""
    account = current_account()
    if account is not None:
        import database

        end_sessions(account)
        database.session().commit()
    session.clear()


def current_account() -> Account | None:
    """The logged-in account of this request (cached on `g`)."""
    if "account" not in g:
        import database

        account_id = session.get("account_id")
        account = database.session().get(Account, account_id) if account_id else None
        g.account = (account if account is not None and account.is_active
                     and session.get("epoch") == account.session_epoch else None)
    return g.account


def signed_in_account() -> Account:
    """The logged-in account of a request that must have one: a staff view, which runs only
    after `staff.blueprint._admit` has sent anonymous visitors to the login page."""
    account = current_account()
    if account is None:
        raise RuntimeError("signed_in_account() in a request with no signed-in account")
    return account
