"""Staff accounts, their scopes, one-time password links, login throttling and the audit log.

Respondents never have accounts; these tables are for administrators, network leads,
organisation administrators and unit leads only.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from database import Base
from surveys.models import Network, Organisation, Unit


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


account_networks = sa.Table(
    "account_networks", Base.metadata,
    sa.Column("account_id", sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("network_id", sa.ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True),
)
account_units = sa.Table(
    "account_units", Base.metadata,
    sa.Column("account_id", sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)

# The organisations an organisation administrator manages: their units, surveys and leads.
account_organisations = sa.Table(
    "account_organisations", Base.metadata,
    sa.Column("account_id", sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"),
              primary_key=True),
)


class Account(Base):
    """A member of staff. Administrators see everything; others only their scope.

    `digest`: whether the account asked for the weekly digest by e-mail (opt-in: nobody gets
    mail they did not ask for), in `language`, the one setting that decides the language of
    what is sent to it, since a mail has no browser to ask. `digest_sent_at` (UTC) is when
    the last digest reached the mail server: the next one reports results released since
    that day (`reporting.digest`)."""

    __tablename__ = "accounts"
    __table_args__ = (
        sa.CheckConstraint("language IN ('nb', 'nn', 'en')", name="language_known"),
        # One account per person at a provider. A unique index rather than a constraint:
        # SQLite adds an index to a table in place, a constraint only by rebuilding it.
        sa.Index("ix_accounts_oidc_identity", "oidc_issuer", "oidc_subject", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Raised to end every session of the account (logout, new password, deactivation): a
    # session cookie is honoured only while it holds the account's current epoch.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    digest: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    language: Mapped[str] = mapped_column(sa.String(5), default="nb", server_default="nb")
    digest_sent_at: Mapped[dt.datetime | None]
    # The work account (OpenID Connect) this account signs in with: the provider's issuer and
    # its subject for the person, both set or neither (`surveys.oidc_accounts` sets them
    # together). Linked the first time by a verified e-mail address, matched on these alone
    # after that, so a changed address at the provider changes nothing here.
    oidc_issuer: Mapped[str | None] = mapped_column(sa.String(300))
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(255))
    networks: Mapped[list[Network]] = relationship(secondary=account_networks)
    units: Mapped[list[Unit]] = relationship(secondary=account_units)
    organisations: Mapped[list[Organisation]] = relationship(secondary=account_organisations)


class PasswordLink(Base):
    """A one-time, expiring link to set a password; only a hash of its token is stored."""

    __tablename__ = "password_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[dt.datetime]
    used: Mapped[bool] = mapped_column(default=False)
    account: Mapped[Account] = relationship()


class LoginFailure(Base):
    """Failed logins per hashed e-mail address and client (a keyed digest of its network,
    `web.rate_limits.client_key`), kept in the database so every app instance shares one
    count; no IP address is stored. Counted per address *and* client, so that failures from
    elsewhere slow down only that elsewhere, never the person at their own desk."""

    __tablename__ = "login_failures"
    __table_args__ = (sa.Index("ix_login_failures_email_client", "email_hash", "client_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    email_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    client_hash: Mapped[str | None] = mapped_column(sa.String(64))
    failed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Who did what, when: administrative actions only, never respondents."""

    __tablename__ = "audit_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id",
                                                                  ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(60))
    target: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    account: Mapped[Account | None] = relationship()


class ApiToken(Base):
    """A token with which a program (Power BI, Excel, a script) reads the JSON API with the
    rights of the account that made it. Only a SHA-256 digest of the token is stored: the
    token itself is shown once, when it is made, and cannot be shown again. Dates, not
    times, are enough to tell a forgotten token from one in use."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_on: Mapped[dt.date]
    last_used_on: Mapped[dt.date | None]
    revoked: Mapped[bool] = mapped_column(default=False)
    account: Mapped[Account] = relationship()
