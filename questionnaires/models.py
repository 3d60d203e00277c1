"""Stored questionnaire versions: what a response answered, frozen for good."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from database import Base
from questionnaires.schema import STORED, Definition


class QuestionnaireVersion(Base):
    """One version of one questionnaire definition, stored as validated JSON.

    Responses point at a version, never at a file, so editing or replacing a definition
    can never change the meaning of answers already given.
    """

    __tablename__ = "questionnaire_versions"
    __table_args__ = (
        sa.UniqueConstraint("slug", "version", name="uq_questionnaire_versions_slug_version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40))
    version: Mapped[int]
    origin: Mapped[str] = mapped_column(sa.String(20), default="builtin")
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_on: Mapped[dt.date] = mapped_column(default=dt.date.today)

    @cached_property
    def definition(self) -> Definition:
        """The validated definition, parsed once per loaded row: a stored version never
        changes (see `questionnaires.operations.store_version`), and one request asks for
        it from several places. Validated as stored: a rule added since (one scale shape per
        category) must not make answers given to an older version unreadable."""
        return Definition.model_validate(self.content, context={STORED: True})
