"""Who a person signed in with a work account (OpenID Connect) is here, if anyone.

The provider has already been asked and its ID token checked (`web.oidc_client`); what is
left is the rule for accounts:

1. An account linked before is found by the provider's issuer and its subject for the
   person, and by nothing else: a changed e-mail address at the provider changes nothing.
2. Otherwise the first login links an invited account (one an administrator made) by the
   e-mail address the provider vouches for (`email_verified`, or `xms_edov` from Entra ID;
   never `preferred_username`, which Entra lets change and does not verify), and stores the
   issuer and subject. An account linked to another work account is not linked again.
3. Either way the account must be active, and the provider allowed for it: one for the
   whole installation, or one for an organisation that one of the account's units belongs
   to. Asked at every login, so an account moved to another organisation's units stops
   signing in with the old one's provider.

Nobody unknown gets an account: an administrator invites people, as before. Each link and
each login is in the audit log.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys import access
from surveys.account_models import Account
from surveys.auth import normalise_email


@dataclass(frozen=True)
class WorkIdentity:
    """What a provider has vouched for, from a checked ID token (and its userinfo)."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool


@dataclass(frozen=True)
class Gate:
    """The provider signed in through: its name, and the organisation (an id or a name)
    whose staff may use it; None for the whole installation."""

    name: str
    organisation: str | None = None


class Refusal(enum.Enum):
    UNVERIFIED = "the provider did not vouch for an e-mail address"
    UNKNOWN = "no invited account has the address"
    LINKED_ELSEWHERE = "the account is linked to another work account"
    DEACTIVATED = "the account is deactivated"
    OTHER_ORGANISATION = "the provider is not for the account's organisation"


class NoAccess(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


def sign_in(db: Session, identity: WorkIdentity, gate: Gate) -> Account:
    """The account this person signs in to, linked on the first login; commits the link
    and the audit entries. Raises NoAccess, having changed nothing, when there is none."""
    account = linked_account(db, identity)
    first = account is None
    if account is None:
        account = _invited(db, identity)
    if not account.is_active:
        raise NoAccess(Refusal.DEACTIVATED)
    if not may_use(account, gate):
        raise NoAccess(Refusal.OTHER_ORGANISATION)
    if first:
        account.oidc_issuer, account.oidc_subject = identity.issuer, identity.subject
        access.audit(db, account, "oidc.link", f"{account.email}: {gate.name}")
    access.audit(db, account, "oidc.login", f"{account.email}: {gate.name}")
    db.commit()
    return account


def linked_account(db: Session, identity: WorkIdentity) -> Account | None:
    return db.scalars(sa.select(Account).where(
        Account.oidc_issuer == identity.issuer,
        Account.oidc_subject == identity.subject)).first()


def _invited(db: Session, identity: WorkIdentity) -> Account:
    """The account made for the verified address, not yet linked to a work account."""
    if not identity.email_verified or not identity.email:
        raise NoAccess(Refusal.UNVERIFIED)
    email = normalise_email(identity.email)
    account = db.scalars(sa.select(Account).where(Account.email == email)).first()
    if account is None:
        raise NoAccess(Refusal.UNKNOWN)
    if account.oidc_subject is not None:
        raise NoAccess(Refusal.LINKED_ELSEWHERE)
    return account


def may_use(account: Account, gate: Gate) -> bool:
    """Whether `account` may sign in through `gate`: yes for a provider of the whole
    installation; for an organisation's, when one of the account's units belongs to it
    (named by its id or its name, in any case)."""
    if gate.organisation is None:
        return True
    wanted = gate.organisation.strip()
    return any(str(unit.organisation.id) == wanted
               or unit.organisation.name.casefold() == wanted.casefold()
               for unit in account.units)
