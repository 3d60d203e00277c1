"""Reads for questionnaire versions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from questionnaires.models import QuestionnaireVersion


def latest_version(db: Session, slug: str) -> QuestionnaireVersion | None:
    """The highest stored version of a questionnaire."""
    return db.scalars(
        sa.select(QuestionnaireVersion)
        .filter_by(slug=slug)
        .order_by(QuestionnaireVersion.version.desc())
        .limit(1)
    ).first()


def all_versions(db: Session) -> list[QuestionnaireVersion]:
    """Every stored version, grouped by questionnaire id and oldest version first."""
    return list(db.scalars(
        sa.select(QuestionnaireVersion)
        .order_by(QuestionnaireVersion.slug, QuestionnaireVersion.version)
    ))


def find_version(db: Session, slug: str, version: int) -> QuestionnaireVersion | None:
    """One stored version, or None."""
    return db.scalars(
        sa.select(QuestionnaireVersion).filter_by(slug=slug, version=version)
    ).first()


def slug_in_use(db: Session, slug: str) -> bool:
    """Whether any version of a questionnaire with this id is stored."""
    return db.scalar(
        sa.select(sa.exists().where(QuestionnaireVersion.slug == slug))
    ) or False
