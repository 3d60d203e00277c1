"""A network's members: which organisation took part in which learning network, and when.

An organisation (a municipality, a hospital trust) exists on its own, with its units and
surveys; it may take part in several networks over the years, or in none. A membership has
a period (`joined_on`, `left_on`, either unknown) and may end in withdrawal. The network's
gatherings belong to the network, not to its members.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from database import Base

if TYPE_CHECKING:
    from surveys.models import Network, Organisation


class NetworkMembership(Base):
    """An organisation's part in a network for a period; rejoining is a new membership."""

    __tablename__ = "network_memberships"
    __table_args__ = (
        sa.UniqueConstraint("network_id", "organisation_id", "joined_on",
                            name="uq_network_memberships_period"),
        sa.CheckConstraint("left_on IS NULL OR joined_on IS NULL OR left_on >= joined_on",
                           name="left_after_joined"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        sa.ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    joined_on: Mapped[dt.date | None]
    left_on: Mapped[dt.date | None]
    withdrawn: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    network: Mapped[Network] = relationship("Network", back_populates="memberships")
    organisation: Mapped[Organisation] = relationship("Organisation",
                                                      back_populates="memberships")
