"""Gathering evaluations declare their purpose

The network's gathering table used to read only surveys of the questionnaire with the id
«samling», so a copy of it under another id vanished from the table. A definition now says
`purpose: gathering_evaluation`, and the table reads every questionnaire that does. This
revision adds that declaration to the versions stored before the field existed that were
gathering evaluations by the old rule: every stored «samling» version, and every copy made
of one on the questionnaire page (origin 'copy', the same content but for id and version).
Nothing else in a stored version changes, so every answer keeps its meaning.

Downgrade removes the key from every version, since the schema before this revision refuses
keys it does not know.

Revision ID: b6d2f4a81c37
Revises: 3f8a1c6d2e90
Create Date: 2026-12-06 09:00:00.000000
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = 'b6d2f4a81c37'
down_revision = '3f8a1c6d2e90'
branch_labels = None
depends_on = None

PURPOSE = "gathering_evaluation"
BUILT_IN = "samling"

versions = sa.table(
    "questionnaire_versions",
    sa.column("id", sa.Integer),
    sa.column("slug", sa.String),
    sa.column("origin", sa.String),
    sa.column("content", sa.JSON),
)


def _body(content: dict[str, Any]) -> dict[str, Any]:
    """A definition without what a copy changes (its id and version) or this adds."""
    return {k: v for k, v in content.items() if k not in ("id", "version", "purpose")}


def _rows() -> list[tuple[int, str, str, dict[str, Any]]]:
    found = op.get_bind().execute(
        sa.select(versions.c.id, versions.c.slug, versions.c.origin, versions.c.content))
    return [(row_id, slug, origin, dict(content)) for row_id, slug, origin, content in found]


def _store(row_id: int, content: dict[str, Any]) -> None:
    op.get_bind().execute(versions.update().where(versions.c.id == row_id)
                          .values(content=content))


def upgrade() -> None:
    rows = _rows()
    built_in = [_body(content) for _id, slug, _origin, content in rows if slug == BUILT_IN]
    for row_id, slug, origin, content in rows:
        copied = origin == "copy" and _body(content) in built_in
        if (slug == BUILT_IN or copied) and content.get("purpose") != PURPOSE:
            _store(row_id, {**content, "purpose": PURPOSE})


def downgrade() -> None:
    for row_id, _slug, _origin, content in _rows():
        if "purpose" in content:
            _store(row_id, {k: v for k, v in content.items() if k != "purpose"})
