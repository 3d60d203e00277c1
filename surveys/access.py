"""Who may see what: administrators everything; network leads their networks, with the
gatherings and every organisation that is or was a member (withdrawn and departed members
included: their data stays visible to the network's leads, as it was while they were
members); organisation administrators their organisations, with every unit and survey of
them, as a unit lead of all its units would, but not the networks; unit leads their units.
Free text is read only by a unit's own leads (`may_read_free_text`): an organisation
administrator is not one, since free text can identify people. Objects outside a person's
scope answer 404, so their existence is not told."""

from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import Session

from surveys.account_models import Account
from surveys.membership_models import NetworkMembership
from surveys.models import Gathering, Network, Organisation, Survey, Unit

T = TypeVar("T")
MAX_ID = 2**31 - 1


def network_ids(account: Account) -> set[int]:
    return {n.id for n in account.networks}


def organisation_ids(account: Account) -> set[int]:
    """The organisations the account administers (not those of its networks)."""
    return {o.id for o in account.organisations}


def member_ids(networks: set[int]) -> sa.Select:
    """The ids of the organisations that are or were members of these networks."""
    return sa.select(NetworkMembership.organisation_id).where(
        NetworkMembership.network_id.in_(networks))


def in_led_network(account: Account, organisation: Organisation) -> bool:
    """Whether the organisation is or was a member of a network the account leads."""
    return bool({n.id for n in organisation.networks} & network_ids(account))


def can_see_network(account: Account, network: Network) -> bool:
    return account.is_admin or network.id in network_ids(account)


def can_see_organisation(account: Account, organisation: Organisation) -> bool:
    return (account.is_admin or organisation.id in organisation_ids(account)
            or in_led_network(account, organisation))


def can_see_unit(account: Account, unit: Unit) -> bool:
    return (account.is_admin or unit.id in {u.id for u in account.units}
            or can_see_organisation(account, unit.organisation))


def can_see_gathering(account: Account, gathering: Gathering) -> bool:
    return account.is_admin or gathering.network_id in network_ids(account)


def can_see_survey(account: Account, survey: Survey) -> bool:
    target = survey.target()
    if isinstance(target, Unit):
        return can_see_unit(account, target)
    return can_see_gathering(account, target)


def may_read_free_text(account: Account, survey: Survey) -> bool:
    """Free text can identify someone: only the unit's own leads (for a gathering, the
    network's leads) read it, not network leads of a unit nor administrators."""
    if survey.unit_id is not None:
        return survey.unit_id in {u.id for u in account.units}
    gathering = survey.target()
    return isinstance(gathering, Gathering) and may_read_gathering_text(account, gathering)


def may_read_gathering_text(account: Account, gathering: Gathering) -> bool:
    """What participants wrote at a gathering is read by the network's own leads only."""
    return gathering.network_id in network_ids(account)


def can_see(account: Account, obj: object) -> bool:
    """Whether `obj`, a network, organisation, unit, gathering, survey or membership, is in
    scope."""
    if isinstance(obj, Network):
        return can_see_network(account, obj)
    if isinstance(obj, Organisation):
        return can_see_organisation(account, obj)
    if isinstance(obj, Unit):
        return can_see_unit(account, obj)
    if isinstance(obj, Gathering):
        return can_see_gathering(account, obj)
    if isinstance(obj, Survey):
        return can_see_survey(account, obj)
    if isinstance(obj, NetworkMembership):  # seen, and so changed, from the network's side
        return can_see_network(account, obj.network)
    raise TypeError(f"no access rule for {type(obj).__name__}")


def get_visible(db: Session, account: Account, model: type[T], object_id: int) -> T:
    """The object if it exists and is in the account's scope; otherwise 404."""
    if not 0 < object_id <= MAX_ID:  # beyond INTEGER: the databases would raise, not miss
        abort(404)
    obj = db.get(model, object_id)
    if obj is None or not can_see(account, obj):
        abort(404)
    return obj


def visible_units(db: Session, account: Account) -> list[Unit]:
    query = sa.select(Unit).join(Organisation).order_by(Organisation.name, Unit.name)
    if not account.is_admin:
        query = query.where(sa.or_(
            Unit.id.in_([u.id for u in account.units]),
            Unit.organisation_id.in_(organisation_ids(account)),
            Unit.organisation_id.in_(member_ids(network_ids(account)))))
    return list(db.scalars(query))


def visible_networks(db: Session, account: Account) -> list[Network]:
    query = sa.select(Network).order_by(Network.name)
    if not account.is_admin:
        query = query.where(Network.id.in_(network_ids(account)))
    return list(db.scalars(query))


def visible_surveys(db: Session, account: Account) -> list[Survey]:
    query = sa.select(Survey).order_by(Survey.id.desc())
    if not account.is_admin:
        unit_ids = [u.id for u in visible_units(db, account)]
        query = query.outerjoin(Gathering).where(sa.or_(
            Survey.unit_id.in_(unit_ids), Gathering.network_id.in_(network_ids(account))))
    return list(db.scalars(query))


def led_surveys(db: Session, account: Account) -> list[Survey]:
    """The surveys of the units, organisations and networks the account leads itself,
    administrator or not, archived ones left out: what its weekly digest is about (an
    administrator sees every survey, but is told only of its own)."""
    unit_ids, networks = [u.id for u in account.units], network_ids(account)
    organisations = organisation_ids(account)
    query = (sa.select(Survey).outerjoin(Unit).outerjoin(Gathering)
             .where(Survey.archived.is_(False),
                    sa.or_(Survey.unit_id.in_(unit_ids),
                           Unit.organisation_id.in_(organisations),
                           Unit.organisation_id.in_(member_ids(networks)),
                           Gathering.network_id.in_(networks)))
             .order_by(Survey.title, Survey.id))
    return list(db.scalars(query))


def audit(db: Session, account: Account | None, action: str, target: str) -> None:
    """Record an administrative action (committed with the change it describes)."""
    from surveys.account_models import AuditEntry

    db.add(AuditEntry(account_id=account.id if account else None, action=action,
                      target=target[:300]))
