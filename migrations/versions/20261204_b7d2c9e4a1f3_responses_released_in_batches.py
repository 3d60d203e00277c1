"""Responses released in batches

A response is now stored unreleased and released together with at least k − 1 others
(`surveys.batches`); staff read released responses only. Every response stored before this
revision was already visible, so it is marked released here: nothing shown before
disappears, and the tallies, which counted them, stay right.

The column is added in place on both databases, never by rebuilding `responses`: on SQLite
a rebuild drops the table, and with foreign keys on that deletes every answer
(`answers.response_id` cascades); tests/test_migration_released.py migrates a database that
holds answers.

The partial index holds the unreleased rows only (fewer than k per survey and kind), which
every submission counts under the survey's lock. Its WHERE is written as SQLAlchemy
renders `~Response.released` on each dialect, so that SQLite, which matches a partial
index's terms literally, uses it.

Revision ID: b7d2c9e4a1f3
Revises: e1f0a7b3c9d2
Create Date: 2026-12-04 10:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = 'b7d2c9e4a1f3'
down_revision = 'e1f0a7b3c9d2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # A plain ADD COLUMN, then an UPDATE: never a batch that rebuilds `responses`, whose
        # DROP TABLE would cascade (foreign keys on) and delete every answer.
        op.add_column('responses', sa.Column('released', sa.Boolean(),
                                             server_default=sa.false(), nullable=False))
        responses = sa.table('responses', sa.column('released', sa.Boolean()))
        op.execute(responses.update().values(released=True))
    else:
        # Both steps change only the catalogue on PostgreSQL 11+: no table rewrite.
        op.add_column('responses', sa.Column('released', sa.Boolean(),
                                             server_default=sa.true(), nullable=False))
        op.alter_column('responses', 'released', server_default=sa.false(),
                        existing_type=sa.Boolean(), existing_nullable=False)
    unreleased = sa.text("released = 0" if sqlite else "NOT released")
    op.create_index('ix_responses_unreleased', 'responses', ['survey_id', 'is_follow_up'],
                    unique=False, sqlite_where=unreleased, postgresql_where=unreleased)


def downgrade() -> None:
    op.drop_index('ix_responses_unreleased', table_name='responses')
    op.drop_column('responses', 'released')  # SQLite 3.35+ drops it in place, no rebuild
