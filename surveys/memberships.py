"""Reads and writes of a network's members (`NetworkMembership`): who took part when.

Who may call what is decided by the views (administrators and the network's leads change
memberships); the writes are audited and committed with their audit entry, as in
`surveys.org_operations`.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from surveys import access
from surveys.account_models import Account
from surveys.membership_models import NetworkMembership
from surveys.models import Network, Organisation


def of_network(db: Session, network: Network) -> list[NetworkMembership]:
    """The network's memberships, by organisation, then period."""
    return list(db.scalars(
        sa.select(NetworkMembership).join(Organisation)
        .where(NetworkMembership.network_id == network.id)
        .options(selectinload(NetworkMembership.organisation))
        .order_by(Organisation.name, NetworkMembership.joined_on, NetworkMembership.id)))


def of_organisation(db: Session, organisation: Organisation) -> list[NetworkMembership]:
    """The organisation's memberships, newest first (undated ones last)."""
    return list(db.scalars(
        sa.select(NetworkMembership).join(Network)
        .where(NetworkMembership.organisation_id == organisation.id)
        .options(selectinload(NetworkMembership.network))
        .order_by(NetworkMembership.joined_on.desc(), Network.name)))


def current_member_ids(db: Session, network: Network) -> set[int]:
    """Organisations that are members now: a membership not left and not withdrawn."""
    return set(db.scalars(sa.select(NetworkMembership.organisation_id).where(
        NetworkMembership.network_id == network.id, NetworkMembership.left_on.is_(None),
        NetworkMembership.withdrawn.is_(False))))


def _describe(membership: NetworkMembership) -> str:
    joined = membership.joined_on.isoformat() if membership.joined_on else "—"
    left = membership.left_on.isoformat() if membership.left_on else "—"
    withdrawn = ", withdrawn" if membership.withdrawn else ""
    return (f"organisation «{membership.organisation.name}» (#{membership.organisation_id}) "
            f"in network «{membership.network.name}» (#{membership.network_id}): "
            f"{joined} to {left}{withdrawn}")


def add(db: Session, account: Account, network: Network, organisation: Organisation,
        joined_on: dt.date | None) -> NetworkMembership:
    """Take an existing organisation into the network from `joined_on` (may be unknown)."""
    membership = NetworkMembership(network=network, organisation=organisation,
                                   joined_on=joined_on)
    db.add(membership)
    db.flush()
    access.audit(db, account, "membership.create", _describe(membership))
    db.commit()
    return membership


def change(db: Session, account: Account, membership: NetworkMembership,
           joined_on: dt.date | None, left_on: dt.date | None, withdrawn: bool) -> None:
    """Set a membership's period and whether the organisation withdrew."""
    membership.joined_on, membership.left_on = joined_on, left_on
    membership.withdrawn = withdrawn
    access.audit(db, account, "membership.edit", _describe(membership))
    db.commit()
