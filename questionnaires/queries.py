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
