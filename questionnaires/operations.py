"""Writes for questionnaire versions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from questionnaires.loader import builtin_definitions
from questionnaires.models import QuestionnaireVersion
from questionnaires.schema import Definition


class VersionConflict(ValueError):
    """A definition reuses an id and version already stored with other content."""


def store_version(db: Session, definition: Definition, origin: str) -> QuestionnaireVersion:
    """Store a definition version once; storing the same content again is a no-op.

    Different content under an existing (id, version) is refused: answers already given
    to that version must keep their meaning, so a change needs a new version number.
    """
    content = definition.model_dump(mode="json", exclude_none=True)
    existing = db.scalars(
        sa.select(QuestionnaireVersion).filter_by(slug=definition.id, version=definition.version)
    ).first()
    if existing is not None:
        if existing.content != content:
            raise VersionConflict(
                f"{definition.id} version {definition.version} is already stored with other "
                "content; give the changed definition a new version number"
            )
        return existing
    row = QuestionnaireVersion(
        slug=definition.id, version=definition.version, origin=origin, content=content
    )
    db.add(row)
    db.flush()
    return row


def sync_builtins(db: Session) -> list[QuestionnaireVersion]:
    """Make sure every built-in definition file is stored at its version."""
    return [store_version(db, d, "builtin") for d in builtin_definitions().values()]
