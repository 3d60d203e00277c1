"""Reads for the organisation pages: the tree a person may see, what lies under an object
that is about to be deleted, accounts, and the audit log."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from analytics.small_groups import SmallGroups
from surveys import access, batches
from surveys.account_models import Account, AuditEntry
from surveys.counts import response_counts
from surveys.membership_models import NetworkMembership
from surveys.models import Gathering, Network, Organisation, Response, Survey, Unit

AUDIT_PAGE_SIZE = 50


def may_manage(account: Account, obj: Network | Gathering | Organisation | Unit) -> bool:
    """Whether the account may change this object: administrators anything; a network's
    leads its gatherings and members, and the organisations of its members with their
    units; an organisation administrator their organisations' units (and the organisation
    itself, but not its memberships)."""
    if account.is_admin:
        return True
    if isinstance(obj, Network):
        return obj.id in access.network_ids(account)
    if isinstance(obj, Gathering):
        return obj.network_id in access.network_ids(account)
    organisation = obj.organisation if isinstance(obj, Unit) else obj
    return (organisation.id in access.organisation_ids(account)
            or access.in_led_network(account, organisation))


# --- The organisation page -------------------------------------------------------------


@dataclass
class OrganisationNode:
    organisation: Organisation
    units: list[Unit]
    archived_units: list[Unit]


@dataclass
class NetworkNode:
    network: Network
    gatherings: list[Gathering]
    organisations: list[OrganisationNode]
    archived_organisations: list[OrganisationNode]
    may_manage: bool


@dataclass
class OrganisationTree:
    """What the organisation page shows. `own_units` are units seen through a unit lead's
    own scope, outside any network the account sees as a whole."""

    networks: list[NetworkNode] = field(default_factory=list)
    archived_networks: list[NetworkNode] = field(default_factory=list)
    own_units: list[Unit] = field(default_factory=list)
    # Organisations seen whole but in no network shown above: an organisation
    # administrator's own, and for administrators those in no network at all.
    organisations: list[OrganisationNode] = field(default_factory=list)
    may_manage_organisations: set[int] = field(default_factory=set)


def _by_name(items):
    return sorted(items, key=lambda item: item.name.casefold())


def _organisation_node(organisation: Organisation) -> OrganisationNode:
    units = _by_name(organisation.units)
    return OrganisationNode(organisation, [u for u in units if not u.archived],
                            [u for u in units if u.archived])


def _network_node(account: Account, network: Network) -> NetworkNode:
    nodes = [_organisation_node(o) for o in _by_name(network.organisations)]
    return NetworkNode(network, list(network.gatherings),
                       [n for n in nodes if not n.organisation.archived],
                       [n for n in nodes if n.organisation.archived],
                       may_manage(account, network))


def organisation_tree(db: Session, account: Account) -> OrganisationTree:
    """The networks, gatherings, organisations and units this account may see, archived
    ones apart."""
    networks = access.visible_networks(db, account)
    if networks:  # load the whole tree in three queries instead of one per object
        db.scalars(sa.select(Network).where(Network.id.in_([n.id for n in networks])).options(
            selectinload(Network.gatherings),
            selectinload(Network.organisations).selectinload(Organisation.units))).all()
    tree = OrganisationTree()
    for network in networks:
        node = _network_node(account, network)
        (tree.archived_networks if network.archived else tree.networks).append(node)
    seen = {n.id for n in networks}
    outside = _organisations_outside(db, account, seen)
    tree.organisations = [_organisation_node(o) for o in outside]
    tree.may_manage_organisations = {o.id for o in outside if may_manage(account, o)}
    shown = {o.id for o in outside}
    tree.own_units = [u for u in access.visible_units(db, account)
                      if u.organisation_id not in shown
                      and not {n.id for n in u.organisation.networks} & seen]
    return tree


def _organisations_outside(db: Session, account: Account, seen: set[int]) -> list[Organisation]:
    """The organisations the account sees whole that no network in `seen` lists."""
    query = sa.select(Organisation).options(selectinload(Organisation.units))
    if account.is_admin:  # every network is in `seen`
        query = query.where(~Organisation.id.in_(sa.select(NetworkMembership.organisation_id)))
    else:
        query = query.where(Organisation.id.in_(access.organisation_ids(account)),
                            ~Organisation.id.in_(access.member_ids(seen)))
    return _by_name(db.scalars(query))


# --- Names and numbers already taken ------------------------------------------------------


def _name_taken(db: Session, column, name: str, scope=None, except_id=None, id_column=None):
    query = sa.select(sa.func.count()).where(sa.func.lower(column) == name.lower())
    if scope is not None:
        query = query.where(scope)
    if except_id is not None:
        query = query.where(id_column != except_id)
    return bool(db.scalar(query))


def network_name_taken(db: Session, name: str, except_id: int | None = None) -> bool:
    return _name_taken(db, Network.name, name, None, except_id, Network.id)


def organisation_name_taken(db: Session, name: str, except_id: int | None = None) -> bool:
    """An organisation takes part in many networks: two with one name could not be told
    apart anywhere."""
    return _name_taken(db, Organisation.name, name, None, except_id, Organisation.id)


def unit_name_taken(db: Session, organisation_id: int, name: str,
                    except_id: int | None = None) -> bool:
    return _name_taken(db, Unit.name, name, Unit.organisation_id == organisation_id,
                       except_id, Unit.id)


def other_gatherings(db: Session, network_id: int,
                     except_id: int | None = None) -> dict[int, dt.date | None]:
    """The network's other gatherings: number → date (for uniqueness and date order)."""
    query = sa.select(Gathering.number, Gathering.held_on).where(
        Gathering.network_id == network_id)
    if except_id is not None:
        query = query.where(Gathering.id != except_id)
    return {number: held_on for number, held_on in db.execute(query)}


# --- What a deletion takes with it ----------------------------------------------------------


@dataclass(frozen=True)
class Contents:
    """What lies under an object: deleting it deletes all of this."""

    organisations: int = 0
    units: int = 0
    gatherings: int = 0
    surveys: int = 0
    responses: int = 0  # every stored response, follow-ups too: for the audit entry
    survey_responses: tuple[int, ...] = ()  # each survey's count (`surveys.counts`)
    waiting: bool = False  # responses not yet released (`surveys.batches`) go too

    def as_shown(self, rule: SmallGroups) -> ShownContents:
        """What a page may say of it: the responses pooled as every pooled figure is, leaving
        out each survey of 1 to `minimum` − 1 responses, which is only counted as a survey;
        otherwise «9 responses» less a survey's own «6» would give the other's 3."""
        return ShownContents(
            self.organisations, self.units, self.gatherings, self.surveys,
            responses=sum(n for n in self.survey_responses if rule.shows(n)),
            small_surveys=sum(1 for n in self.survey_responses if rule.too_few(n)),
            waiting=self.waiting)


@dataclass(frozen=True)
class ShownContents:
    """`Contents` as the delete page shows it (see `Contents.as_shown`)."""

    organisations: int
    units: int
    gatherings: int
    surveys: int
    responses: int  # in the surveys of `minimum` responses or more
    small_surveys: int  # surveys of 1 to `minimum` − 1 responses
    waiting: bool  # whether any response waits to be released: said, never counted

    @property
    def has_data(self) -> bool:
        """Surveys (and so perhaps responses) would be lost: ask for a real confirmation."""
        return self.surveys > 0

    @property
    def fingerprint(self) -> str:
        """The numbers as shown, to check they are still true when the deletion is posted
        (only those: the form carries it, so it must tell no more than the page)."""
        return (f"{self.organisations}-{self.units}-{self.gatherings}-{self.surveys}-"
                f"{self.responses}-{self.small_surveys}-{int(self.waiting)}")


def unit_ids_under(obj: Network | Organisation | Unit) -> sa.Select:
    if isinstance(obj, Unit):
        return sa.select(Unit.id).where(Unit.id == obj.id)
    if isinstance(obj, Organisation):
        return sa.select(Unit.id).where(Unit.organisation_id == obj.id)
    return sa.select(Unit.id).where(sa.false())  # a network's members outlive it


def survey_ids_under(obj: Network | Gathering | Organisation | Unit) -> sa.Select:
    """The ids of every survey of the object or of anything under it."""
    if isinstance(obj, Gathering):
        return sa.select(Survey.id).where(Survey.gathering_id == obj.id)
    by_unit = Survey.unit_id.in_(unit_ids_under(obj))
    if isinstance(obj, Network):
        gatherings = sa.select(Gathering.id).where(Gathering.network_id == obj.id)
        return sa.select(Survey.id).where(sa.or_(by_unit, Survey.gathering_id.in_(gatherings)))
    return sa.select(Survey.id).where(by_unit)


def _count(db: Session, model, *conditions) -> int:
    return db.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions)) or 0


def contents_of(db: Session, obj: Network | Gathering | Organisation | Unit) -> Contents:
    """Count what deleting `obj` would delete, in a handful of queries."""
    surveys = survey_ids_under(obj)
    survey_ids = list(db.scalars(surveys))
    counts: dict[str, Any] = {
        "surveys": len(survey_ids),
        "responses": _count(db, Response, Response.survey_id.in_(surveys)),
        "survey_responses": tuple(sorted(response_counts(db, survey_ids).values())),
        "waiting": any(w.responses or w.follow_ups
                       for w in batches.waiting(db, survey_ids).values())}
    if isinstance(obj, Network):
        counts["gatherings"] = _count(db, Gathering, Gathering.network_id == obj.id)
    if isinstance(obj, Network | Organisation):
        counts["units"] = _count(db, Unit, Unit.id.in_(unit_ids_under(obj)))
    return Contents(**counts)


# --- Accounts ---------------------------------------------------------------------------------


def all_accounts(db: Session) -> list[Account]:
    return list(db.scalars(sa.select(Account).order_by(Account.name, Account.email).options(
        selectinload(Account.networks), selectinload(Account.organisations),
        selectinload(Account.units).selectinload(Unit.organisation))))


def email_taken(db: Session, email: str) -> bool:
    return bool(_count(db, Account, Account.email == email))


def network_choices(db: Session) -> list[tuple[int, str]]:
    """Networks a new network lead can be given: those not archived."""
    return [(n.id, n.name) for n in db.scalars(
        sa.select(Network).where(Network.archived.is_(False)).order_by(Network.name))]


def organisation_choices(db: Session) -> list[tuple[int, str]]:
    """Organisations a new organisation administrator can be given: those not archived."""
    return [(o.id, o.name) for o in db.scalars(
        sa.select(Organisation).where(Organisation.archived.is_(False))
        .order_by(Organisation.name, Organisation.id))]


def unit_choices(db: Session) -> list[tuple[int, str]]:
    """Units a new unit lead can be given, labelled with their organisation."""
    rows = db.execute(
        sa.select(Unit.id, Unit.name, Organisation.name)
        .join(Organisation, Unit.organisation_id == Organisation.id)
        .where(Unit.archived.is_(False), Organisation.archived.is_(False))
        .order_by(Organisation.name, Unit.name))
    return [(unit_id, f"{unit} ({organisation})") for unit_id, unit, organisation in rows]


# --- The audit log ------------------------------------------------------------------------------

ACTION_LABELS = {
    "create": _l("Added"), "rename": _l("Renamed"), "edit": _l("Changed"),
    "archive": _l("Archived"), "unarchive": _l("Brought back"), "delete": _l("Deleted"),
    "password_link": _l("New set-password link"), "deactivate": _l("Deactivated"),
    "reactivate": _l("Reactivated"), "change": _l("Changed"), "set": _l("Set"),
}
SUBJECT_LABELS = {
    "network": _l("network"), "gathering": _l("gathering"), "organisation": _l("organisation"),
    "unit": _l("unit"), "account": _l("account"), "password": _l("password"),
    "membership": _l("membership of a network"),
}


# The other actions, each said whole (tests/test_audit_words.py finds every action written).
WHOLE_ACTIONS = {
    "account.create_admin": _l("Added an administrator from the command line"),
    "api_token.create": _l("Made an API token"), "api_token.revoke": _l("Revoked an API token"),
    "links.issue": _l("Issued single-use links"),
    "questionnaire.copy": _l("Copied a questionnaire"),
    "questionnaire.create": _l("Started a new questionnaire"),
    "questionnaire.discard": _l("Threw away a questionnaire's draft"),
    "questionnaire.publish": _l("Published a questionnaire's new version"),
    "questionnaire.import": _l("Imported a questionnaire from FHIR"),
    "questionnaire.upload": _l("Uploaded a questionnaire"),
    "responses.delete": _l("Deleted the responses of a survey"),
    "responses.export": _l("Downloaded responses"),
    "responses.retention": _l("Deleted responses after the retention time"),
    "evaluations.export": _l("Downloaded the gathering evaluations"),
    "survey.create": _l("Made a survey"), "survey.edit": _l("Changed a survey"),
    "survey.archive": _l("Archived a survey"), "survey.unarchive": _l("Brought back a survey"),
    "survey.delete": _l("Deleted a survey"), "survey.close": _l("Closed a survey"),
    "survey.reopen": _l("Reopened a survey"),
    "survey.follow_up_settings": _l("Changed the follow-up settings of a survey"),
    "survey.include_early": _l("Chose whether early follow-ups count"),
    "survey.change": _l("Marked the day of a change to a pathway"),
    "digest.settings": _l("Changed the settings of the weekly digest"),
    "digest.unsubscribe": _l("Stopped the weekly digest from the link in it"),
    "oidc.link": _l("Linked a work account for logging in"),
    "oidc.login": _l("Logged in with a work account"),
}


def action_label(action: str) -> str:
    """An audited action in the reader's language: «Deleted: unit» for unit.delete, «Made a
    survey» for survey.create; an action with no words yet is shown as stored."""
    if action in WHOLE_ACTIONS:
        return str(WHOLE_ACTIONS[action])
    subject, _dot, verb = action.partition(".")
    if subject in SUBJECT_LABELS and verb in ACTION_LABELS:
        return _("%(verb)s: %(subject)s", verb=ACTION_LABELS[verb],
                 subject=SUBJECT_LABELS[subject])
    return action


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    page: int
    pages: int
    total: int


def audit_page(db: Session, page: int) -> AuditPage | None:
    """One page of the audit log, newest first; None when the page does not exist."""
    total = _count(db, AuditEntry)
    pages = max(1, math.ceil(total / AUDIT_PAGE_SIZE))
    if not 1 <= page <= pages:
        return None
    entries = db.scalars(
        sa.select(AuditEntry).options(selectinload(AuditEntry.account))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(AUDIT_PAGE_SIZE).offset((page - 1) * AUDIT_PAGE_SIZE))
    return AuditPage(list(entries), page, pages, total)
