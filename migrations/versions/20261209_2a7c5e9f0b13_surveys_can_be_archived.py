"""Surveys can be archived out of the survey list

A unit's list grows by a few surveys a year; `archived` keeps the old ones out of it until
asked for («Vis arkiverte»), without changing anything else about them.

Added in place with a default on both databases (SQLite adds a NOT NULL column that has a
default without rebuilding `surveys`, whose rebuild would cascade: revision b7d2c9e4a1f3).

Revision ID: 2a7c5e9f0b13
Revises: 8e4b2d6c1a57
Create Date: 2026-12-09 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '2a7c5e9f0b13'
down_revision = '8e4b2d6c1a57'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('surveys', sa.Column('archived', sa.Boolean(), server_default=sa.false(),
                                       nullable=False))


def downgrade() -> None:
    op.drop_column('surveys', 'archived')  # SQLite 3.35+ drops it in place
