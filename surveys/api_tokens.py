"""API tokens: making, finding, listing and revoking them.

A token is `hev_` followed by 43 URL-safe characters (32 random bytes, 256 bits). The prefix
lets a secret scanner or a reader recognise a leaked token for what it is. Only the SHA-256
digest of the whole token is stored: 256 random bits need no slow password hash, since
nobody can guess a token from its digest, and a fast digest lets every API request find its
token with one indexed lookup. The token itself is handed to the caller once and never kept.

A token reads with the rights of its account at the moment of the request (`surveys.access`),
so narrowing an account's scope narrows its tokens at once, and a deactivated account's
tokens stop working.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from surveys.access import MAX_ID, audit
from surveys.account_models import Account, ApiToken

PREFIX = "hev_"
TOKEN_BYTES = 32
TOKEN_LENGTH = len(PREFIX) + 43  # token_urlsafe(32) gives 43 characters
MAX_ACTIVE_TOKENS = 20


class TooManyTokens(Exception):
    """The account already has MAX_ACTIVE_TOKENS tokens that are not revoked."""


@dataclass(frozen=True)
class NewToken:
    """A token just made: the stored row and the secret, which exists only in this object."""

    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def active_count(db: Session, account: Account) -> int:
    return db.scalar(sa.select(sa.func.count()).select_from(ApiToken).where(
        ApiToken.account_id == account.id, ApiToken.revoked.is_(False))) or 0


def create_token(db: Session, account: Account, name: str, today: dt.date) -> NewToken:
    """Make a token for `account`, audited and committed; raises TooManyTokens."""
    if active_count(db, account) >= MAX_ACTIVE_TOKENS:
        raise TooManyTokens
    secret = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken(account_id=account.id, name=name, token_hash=digest(secret),
                     created_on=today)
    db.add(token)
    audit(db, account, "api_token.create", name)
    db.commit()
    return NewToken(token, secret)


def find_account(db: Session, secret: str, today: dt.date) -> tuple[ApiToken, Account] | None:
    """The token and its account for a secret presented by a client, or None when the
    secret is malformed, unknown, revoked or its account deactivated. Records the day of use
    (one write a day at most)."""
    if len(secret) != TOKEN_LENGTH or not secret.startswith(PREFIX) or not secret.isascii():
        return None
    token = db.scalars(sa.select(ApiToken).options(selectinload(ApiToken.account))
                       .filter_by(token_hash=digest(secret))).first()
    if token is None or token.revoked or not token.account.is_active:
        return None
    if token.last_used_on != today:
        token.last_used_on = today
        db.commit()
    return token, token.account


def tokens_of(db: Session, account: Account) -> list[ApiToken]:
    """The account's own tokens, those in use first, newest first."""
    return list(db.scalars(sa.select(ApiToken).where(ApiToken.account_id == account.id)
                           .order_by(ApiToken.revoked, ApiToken.id.desc())))


def others_active(db: Session, account: Account) -> list[ApiToken]:
    """Every other account's tokens in use: what an administrator may revoke."""
    return list(db.scalars(
        sa.select(ApiToken).options(selectinload(ApiToken.account))
        .where(ApiToken.account_id != account.id, ApiToken.revoked.is_(False))
        .order_by(ApiToken.id.desc())))


def revocable(db: Session, account: Account, token_id: int) -> ApiToken | None:
    """The token if `account` may revoke it: its own, or any for an administrator."""
    token = db.get(ApiToken, token_id) if 0 < token_id <= MAX_ID else None
    if token is None or not (account.is_admin or token.account_id == account.id):
        return None
    return token


def revoke(db: Session, account: Account, token: ApiToken) -> None:
    """Revoke for good (a revoked token is kept, so the list shows what existed)."""
    if not token.revoked:
        token.revoked = True
        audit(db, account, "api_token.revoke", f"{token.name} ({token.account.email})")
    db.commit()
