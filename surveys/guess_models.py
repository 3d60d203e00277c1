"""Wrong follow-up codes, counted to slow guessing down (`surveys.guess_limits`)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from database import Base


class GuessFailure(Base):
    """A wrong follow-up code, counted per survey and per client so guessing is slowed down.

    Kept in the database so every app instance shares the count. The client is a keyed
    digest of its address, never the address, and the rows are deleted once they are older
    than the window they count in; nothing here joins to a response.
    """

    __tablename__ = "guess_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(80), index=True)
    failed_at: Mapped[dt.datetime]
