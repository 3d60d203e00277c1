"""The accounts an organisation administrator manages: the unit leads of their
organisations' units, and no one else.

An account is theirs when it leads only units of organisations they administer: never an
administrator, a network lead, another organisation administrator, or a lead who also holds
a unit elsewhere (that lead's other organisation would lose a say over its own lead).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from surveys import access, org_operations
from surveys.account_models import Account, account_units
from surveys.models import Organisation, Unit


def is_theirs(manager: Account, account: Account) -> bool:
    """Whether `manager` may manage `account` as one of its organisations' unit leads
    (administrators may manage any account, on the accounts page and here)."""
    if manager.is_admin:
        return True
    if account.is_admin or account.networks or account.organisations or not account.units:
        return False
    return {u.organisation_id for u in account.units} <= access.organisation_ids(manager)


def accounts_of(db: Session, manager: Account, organisation: Organisation) -> list[Account]:
    """The leads of `organisation`'s units that `manager` may manage, by name."""
    found = db.scalars(
        sa.select(Account).join(account_units).join(Unit, Unit.id == account_units.c.unit_id)
        .where(Unit.organisation_id == organisation.id).distinct()
        .options(selectinload(Account.units), selectinload(Account.networks),
                 selectinload(Account.organisations))
        .order_by(Account.name, Account.email))
    return [a for a in found if is_theirs(manager, a)]


def unit_choices(organisation: Organisation) -> list[tuple[int, str]]:
    """The organisation's units a new lead can be given: those not archived."""
    return [(u.id, u.name) for u in sorted(organisation.units, key=lambda u: u.name.casefold())
            if not u.archived]


def invite_unit_lead(db: Session, manager: Account, organisation: Organisation, name: str,
                     email: str, unit_ids: Sequence[int]) -> tuple[Account, str]:
    """A new unit lead of some of the organisation's units (others are ignored), and the
    token of its one-time set-password link (see `org_operations.create_account`)."""
    own = {u.id for u in organisation.units}
    return org_operations.create_account(db, manager, name, email, False, [],
                                         [i for i in unit_ids if i in own])
