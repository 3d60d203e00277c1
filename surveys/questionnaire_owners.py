"""Who owns a questionnaire, and so who sees it and who may change it (issue 19).

A questionnaire (all versions of one id) belongs to the installation, a network or an
organisation. The built-ins and what an administrator uploads for everyone have no row
here: they belong to the installation and every account sees them. A row names the network
or the organisation that made it:

- a network's questionnaires are seen by its leads and by the staff of the organisations
  that are or were its members (they answer its gatherings and run its surveys), and
  changed by its leads;
- an organisation's are seen by its administrators, its unit leads and the leads of the
  networks it is or was a member of (they read its results), and changed by its
  administrators;
- administrators see and change everything but the built-ins (their versions come from
  the files shipped with the app).

Should the owner be deleted, the row stays with its id emptied (ON DELETE SET NULL): the
questionnaire is then seen by administrators only, never by everyone.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from database import Base
from questionnaires.loader import builtin_definitions
from surveys import access
from surveys.account_models import Account
from surveys.membership_models import NetworkMembership
from surveys.models import Network, Organisation

INSTALLATION = "installation"


class OwnerKind(enum.StrEnum):
    NETWORK = "network"
    ORGANISATION = "organisation"


class QuestionnaireOwner(Base):
    """The network or organisation a questionnaire (by its id, `slug`) belongs to."""

    __tablename__ = "questionnaire_owners"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('network', 'organisation')", name="kind_known"),
        sa.CheckConstraint("network_id IS NULL OR organisation_id IS NULL", name="one_owner"),
    )

    slug: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    network_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("networks.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True)

    network: Mapped[Network | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def name(self) -> str | None:
        """The owner's name, as a copy's title carries it; None once the owner is gone."""
        owner = self.network if self.kind == OwnerKind.NETWORK else self.organisation
        return owner.name if owner is not None else None


@dataclass(frozen=True)
class OwnerChoice:
    """An owner an account may make a questionnaire for: `key` as a form posts it
    (`installation`, `network:<id>`, `organisation:<id>`), `name` as it is shown."""

    key: str
    name: str
    kind: str


def owner_of(db: Session, slug: str) -> QuestionnaireOwner | None:
    """The owner row of a questionnaire; None: it belongs to the installation."""
    return db.get(QuestionnaireOwner, slug)


def owners_by_slug(db: Session) -> dict[str, QuestionnaireOwner]:
    """Every owner row by questionnaire id, so a list can group its questionnaires by owner
    with one read; an id not in it belongs to the installation."""
    return {row.slug: row for row in db.scalars(sa.select(QuestionnaireOwner))}


def _own_organisations(account: Account) -> set[int]:
    """The organisations the account administers, and those of its units."""
    return access.organisation_ids(account) | {u.organisation_id for u in account.units}


def _organisations_seen(db: Session, account: Account) -> set[int]:
    """The organisations whose questionnaires the account sees: its own, and those that are
    or were members of the networks it leads."""
    return _own_organisations(account) | set(
        db.scalars(access.member_ids(access.network_ids(account))))


def _networks_seen(db: Session, account: Account) -> set[int]:
    """The networks whose questionnaires the account sees: those it leads, and those its
    organisations (administered, or of its units) are or were members of."""
    members = set(db.scalars(sa.select(NetworkMembership.network_id).where(
        NetworkMembership.organisation_id.in_(_own_organisations(account)))))
    return access.network_ids(account) | members


def hidden_slugs(db: Session, account: Account) -> set[str]:
    """The ids of the questionnaires the account may not see (none for an administrator)."""
    if account.is_admin:
        return set()
    networks, organisations = _networks_seen(db, account), _organisations_seen(db, account)
    rows = db.scalars(sa.select(QuestionnaireOwner))
    return {row.slug for row in rows if not _sees(row, networks, organisations)}


def _sees(row: QuestionnaireOwner, networks: set[int], organisations: set[int]) -> bool:
    if row.kind == OwnerKind.NETWORK:
        return row.network_id is not None and row.network_id in networks
    return row.organisation_id is not None and row.organisation_id in organisations


def may_see(db: Session, account: Account, slug: str) -> bool:
    """Whether the account sees this questionnaire (to read, print or use it in a survey)."""
    row = owner_of(db, slug)
    if row is None or account.is_admin:
        return True
    return _sees(row, _networks_seen(db, account), _organisations_seen(db, account))


def may_edit(db: Session, account: Account, slug: str) -> bool:
    """Whether the account may make new versions of this questionnaire: never a built-in;
    administrators any other; network leads their network's; organisation administrators
    their organisation's."""
    if slug in builtin_definitions():
        return False
    if account.is_admin:
        return True
    row = owner_of(db, slug)
    if row is None:
        return False
    if row.kind == OwnerKind.NETWORK:
        return row.network_id in access.network_ids(account)
    return row.organisation_id in access.organisation_ids(account)


def owner_choices(db: Session, account: Account) -> list[OwnerChoice]:
    """Whom the account may make a questionnaire for; empty: it may make none (unit leads)."""
    if account.is_admin:
        networks = list(db.scalars(sa.select(Network).order_by(Network.name)))
        organisations = list(db.scalars(sa.select(Organisation).order_by(Organisation.name)))
    else:
        networks = sorted(account.networks, key=lambda n: n.name)
        organisations = sorted(account.organisations, key=lambda o: o.name)
    choices = [OwnerChoice(INSTALLATION, "", INSTALLATION)] if account.is_admin else []
    choices += [OwnerChoice(f"network:{n.id}", n.name, OwnerKind.NETWORK) for n in networks]
    choices += [OwnerChoice(f"organisation:{o.id}", o.name, OwnerKind.ORGANISATION)
                for o in organisations]
    return choices


def set_owner(db: Session, slug: str, choice: OwnerChoice) -> QuestionnaireOwner | None:
    """Record the owner of a new questionnaire (nothing for the installation)."""
    if choice.kind == INSTALLATION:
        return None
    kind, _, number = choice.key.partition(":")
    row = QuestionnaireOwner(slug=slug, kind=kind, **{f"{kind}_id": int(number)})
    db.add(row)
    db.flush()
    return row

