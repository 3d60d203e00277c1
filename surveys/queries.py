"""Reads for surveys, links and responses."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys.models import Response, SingleUseLink, Survey


@dataclass(frozen=True)
class LinkTarget:
    """What a token in `/s/<token>` opens: a survey, through its open or a single-use link."""

    survey: Survey
    single_use: SingleUseLink | None


def find_link(db: Session, token: str) -> LinkTarget | None:
    """Resolve a public or single-use token; None when it is unknown."""
    if not 20 <= len(token) <= 64:
        return None
    survey = db.scalars(sa.select(Survey).filter_by(public_token=token)).first()
    if survey is not None:
        return LinkTarget(survey, None) if survey.link_mode == "open" else None
    link = db.scalars(sa.select(SingleUseLink).filter_by(token=token)).first()
    if link is None:
        return None
    return LinkTarget(db.get(Survey, link.survey_id), link)


def response_count(db: Session, survey_id: int) -> int:
    return db.scalar(sa.select(sa.func.count()).select_from(Response).filter_by(
        survey_id=survey_id)) or 0


def submission_exists(db: Session, survey_id: int, submission_key: str) -> bool:
    return db.scalar(
        sa.select(sa.func.count()).select_from(Response).filter_by(
            survey_id=survey_id, submission_key=submission_key)
    ) > 0
