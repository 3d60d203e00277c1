"""Writes for questionnaire versions."""

from __future__ import annotations

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from questionnaires.loader import builtin_definitions, definition_error
from questionnaires.models import QuestionnaireVersion
from questionnaires.queries import find_version, slug_in_use
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


class ReservedId(ValueError):
    """An upload uses the id of a built-in questionnaire.

    Built-in versions come from the files shipped with the app and are stored again at every
    `migrate`; an uploaded version under the same id could later collide with a newer
    built-in file. Staff make their own variant by copying it under a new id instead.
    """


class SlugTaken(ValueError):
    """A copy would get an id that some stored questionnaire already has."""


def upload_definition(db: Session, definition: Definition,
                      origin: str = "upload") -> tuple[QuestionnaireVersion, bool]:
    """Store an uploaded definition; return the row and whether it is new.

    Uploading exactly what is stored already changes nothing, so a second click or a
    re-upload of a downloaded file is harmless. Raises ReservedId or VersionConflict.
    `origin` says how it came: 'upload' (a definition file) or 'fhir' (an imported FHIR
    Questionnaire).
    """
    if definition.id in builtin_definitions():
        raise ReservedId(definition.id)
    existed = find_version(db, definition.id, definition.version) is not None
    try:
        row = store_version(db, definition, origin)
    except IntegrityError:
        # Someone stored the same id and version a moment ago: compare with theirs.
        db.rollback()
        return store_version(db, definition, origin), False
    return row, not existed


def copy_version(db: Session, original: QuestionnaireVersion, slug: str) -> QuestionnaireVersion:
    """Store `original` under a new id as version 1, the start of a questionnaire of one's own.

    Raises SlugTaken when the id is already used, by any version of any questionnaire, and
    DefinitionError when the original breaks a rule added after it was stored (a category
    that mixes scales): a copy is a new definition and must follow today's rules.
    """
    if slug_in_use(db, slug):
        raise SlugTaken(slug)
    try:
        definition = Definition.model_validate({**original.content, "id": slug, "version": 1})
    except ValidationError as exc:
        raise definition_error(f"{original.slug} version {original.version}", exc) from None
    try:
        return store_version(db, definition, "copy")
    except IntegrityError:
        db.rollback()
        raise SlugTaken(slug) from None
