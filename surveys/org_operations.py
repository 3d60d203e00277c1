"""Writes for the organisation pages and accounts. Each function does one change, records it
in the audit log and commits both together, so the log never misses a change nor lists one
that did not happen.

Who may call what is decided by the views (see `org_queries.may_manage`); these functions
trust their caller and keep the database consistent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from surveys import access, auth
from surveys.account_models import Account
from surveys.membership_models import NetworkMembership
from surveys.models import (
    Gathering,
    Network,
    Organisation,
    OrganisationKind,
    Unit,
)
from surveys.operations import erase_surveys
from surveys.org_queries import Contents, contents_of, survey_ids_under, unit_ids_under

Structure = Network | Gathering | Organisation | Unit


class Conflict(Exception):
    """Someone else saved the same name or number a moment earlier (the database's unique
    constraint caught it); `field` is where to show `message`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


KINDS = {Network: "network", Gathering: "gathering", Organisation: "organisation", Unit: "unit",
         Account: "account"}


def kind_of(obj: Structure | Account) -> str:
    """The word that starts this object's audit actions: network.create, unit.delete …"""
    return KINDS[type(obj)]


def describe(obj: Structure | Account) -> str:
    """A readable, stable description for the audit log (names change; ids do not)."""
    if isinstance(obj, Gathering):
        return f"gathering {obj.number} of network «{obj.network.name}» (#{obj.id})"
    if isinstance(obj, Account):
        return f"{obj.name} <{obj.email}> (#{obj.id})"
    return f"{kind_of(obj)} «{obj.name}» (#{obj.id})"


@contextmanager
def _unique(db: Session, field: str, message) -> Iterator[None]:
    """Turn a unique constraint that fired into a `Conflict` for the form's `field`."""
    try:
        yield
    except IntegrityError as exc:
        db.rollback()
        raise Conflict(field, str(message)) from exc


_NAME_TAKEN = _l("This name is already used. Choose another.")


# --- Networks, organisations, units ------------------------------------------------------------


def create_network(db: Session, account: Account, name: str) -> Network:
    network = Network(name=name)
    db.add(network)
    with _unique(db, "name", _NAME_TAKEN):
        db.flush()
        access.audit(db, account, "network.create", describe(network))
        db.commit()
    return network


def rename(db: Session, account: Account, obj: Network | Organisation | Unit, name: str) -> None:
    """Rename a network, organisation or unit; the old name stays in the audit log."""
    old = describe(obj)
    obj.name = name
    access.audit(db, account, f"{kind_of(obj)}.rename", f"{old} → «{name}»")
    with _unique(db, "name", _NAME_TAKEN):
        db.commit()


def set_archived(db: Session, account: Account, obj: Network | Organisation | Unit,
                 archived: bool) -> None:
    """Archive (hide from new surveys, keep all data) or bring back."""
    obj.archived = archived
    access.audit(db, account, f"{kind_of(obj)}.{'archive' if archived else 'unarchive'}",
                 describe(obj))
    db.commit()


def create_organisation(db: Session, account: Account, network: Network | None, name: str,
                        kind: str) -> Organisation:
    """A new organisation; with `network`, a member of it from now (no date said)."""
    organisation = Organisation(network=network, name=name, kind=OrganisationKind(kind))
    db.add(organisation)
    db.flush()
    where = f" in «{network.name}»" if network is not None else ""
    access.audit(db, account, "organisation.create", f"{describe(organisation)}{where}")
    db.commit()
    return organisation


def update_organisation(db: Session, account: Account, organisation: Organisation, name: str,
                        kind: str) -> None:
    """Change the name and kind of an organisation."""
    old = describe(organisation)
    organisation.name = name
    organisation.kind = OrganisationKind(kind)
    access.audit(db, account, "organisation.edit", f"{old} → «{name}», {kind}")
    db.commit()


def create_unit(db: Session, account: Account, organisation: Organisation, name: str) -> Unit:
    unit = Unit(organisation=organisation, name=name)
    db.add(unit)
    db.flush()
    access.audit(db, account, "unit.create", f"{describe(unit)} in «{organisation.name}»")
    db.commit()
    return unit


# --- Gatherings ------------------------------------------------------------------------------


def save_gathering(db: Session, account: Account, network: Network, gathering: Gathering | None,
                   number: int, held_on: dt.date | None, place: str | None) -> Gathering:
    """Add a gathering to a network, or change one (`gathering` given)."""
    is_new = gathering is None
    if gathering is None:
        gathering = Gathering(network=network)
        db.add(gathering)
    gathering.number = number
    gathering.held_on = held_on
    gathering.place = place or None
    with _unique(db, "number", _l("This network already has a gathering with this number.")):
        db.flush()
        audit_gathering(db, account, gathering, is_new)
        db.commit()
    return gathering


def audit_gathering(db: Session, account: Account, gathering: Gathering, is_new: bool) -> None:
    """The audit entry of a gathering added or changed (flushed, so it has its id)."""
    details = (f"{gathering.held_on.isoformat() if gathering.held_on else '—'}, "
               f"{gathering.place or '—'}")
    access.audit(db, account, "gathering.create" if is_new else "gathering.edit",
                 f"{describe(gathering)}: {details}")


# --- Deleting ----------------------------------------------------------------------------------


def delete(db: Session, account: Account, obj: Structure) -> Contents:
    """Delete an object with everything under it: answers, responses, single-use links,
    surveys, then units and gatherings, then the object. A network's members are not under
    it: their memberships go, the organisations stay. Account scopes that
    pointed at it go with it (ON DELETE CASCADE). Returns what was deleted."""
    contents = contents_of(db, obj)
    target = describe(obj)
    erase_surveys(db, list(db.scalars(survey_ids_under(obj))))
    if isinstance(obj, Network | Organisation):
        unit_ids = list(db.scalars(unit_ids_under(obj)))
        db.execute(sa.delete(Unit).where(Unit.id.in_(unit_ids)),
                   execution_options={"synchronize_session": False})
    if isinstance(obj, Network):  # its members stay, with their units and surveys
        for model in (NetworkMembership, Gathering):
            db.execute(sa.delete(model).where(model.network_id == obj.id),
                       execution_options={"synchronize_session": False})
        db.execute(sa.update(Organisation).where(Organisation.network_id == obj.id)
                   .values(network_id=None), execution_options={"synchronize_session": False})
    db.execute(sa.delete(type(obj)).where(type(obj).id == obj.id),
               execution_options={"synchronize_session": False})
    access.audit(db, account, f"{kind_of(obj)}.delete",
                 f"{target}: {contents.surveys} surveys, {contents.responses} responses")
    db.commit()
    return contents


# --- Accounts ------------------------------------------------------------------------------------


def create_account(db: Session, admin: Account, name: str, email: str, is_admin: bool,
                   network_ids: list[int], unit_ids: list[int],
                   organisation_ids: Sequence[int] = ()) -> tuple[Account, str]:
    """A new account without a password, and the token of its one-time set-password link
    (shown once to whoever made it, never stored: only its hash is)."""
    account = Account(name=name, email=auth.normalise_email(email), is_admin=is_admin)
    account.networks = list(db.scalars(sa.select(Network).where(Network.id.in_(network_ids))))
    account.units = list(db.scalars(sa.select(Unit).where(Unit.id.in_(unit_ids))))
    account.organisations = list(db.scalars(
        sa.select(Organisation).where(Organisation.id.in_(organisation_ids))))
    db.add(account)
    with _unique(db, "email", _l("An account with this e-mail address already exists.")):
        db.flush()
        token = auth.create_password_link(db, account)
        access.audit(db, admin, "account.create", f"{describe(account)}: {_role(account)}")
        db.commit()
    return account, token


def _role(account: Account) -> str:
    if account.is_admin:
        return "administrator"
    scope = [f"network «{n.name}»" for n in account.networks] + [
        f"organisation «{o.name}»" for o in account.organisations] + [
        f"unit «{u.name}»" for u in account.units]
    return "lead of " + ", ".join(scope) if scope else "no scope"


def new_password_link(db: Session, admin: Account, account: Account) -> str:
    """A fresh one-time link for an account (a forgotten password, an expired link)."""
    token = auth.create_password_link(db, account)
    access.audit(db, admin, "account.password_link", describe(account))
    db.commit()
    return token


def set_active(db: Session, admin: Account, account: Account, active: bool) -> None:
    """Deactivate (every session ended, cannot log in) or reactivate an account."""
    account.is_active = active
    if not active:
        auth.end_sessions(account)  # reactivation must not bring old cookies back
    access.audit(db, admin, "account.reactivate" if active else "account.deactivate",
                 describe(account))
    db.commit()
