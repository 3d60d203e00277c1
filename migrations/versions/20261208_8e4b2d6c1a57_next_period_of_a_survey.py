"""A survey remembers the survey of the period before it

«Ny periode» makes a survey for the next period from an earlier one; `previous_id` keeps
which, so the survey's page offers the comparison of the two in one click. Both surveys
are the same unit's and are deleted together. No ON DELETE clause: SQLite does not reflect
one written on a column, and `alembic check` would then see a difference that is not there.

The column is added in place on both databases, never by rebuilding `surveys` (on SQLite a
rebuild would cascade to the responses, see revision b7d2c9e4a1f3). SQLite cannot add a
constraint to a table, but it can add a column with its REFERENCES clause when its default
is NULL, which is what is written here; PostgreSQL adds the column, then the constraint.

Revision ID: 8e4b2d6c1a57
Revises: 5c1e9a7d3b24
Create Date: 2026-12-08 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '8e4b2d6c1a57'
down_revision = '5c1e9a7d3b24'
branch_labels = None
depends_on = None

NAME = 'fk_surveys_previous_id_surveys'


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # after a downgrade the column is still there (see `downgrade`)
        if "previous_id" not in {c["name"] for c in sa.inspect(bind).get_columns("surveys")}:
            op.execute(f"ALTER TABLE surveys ADD COLUMN previous_id INTEGER CONSTRAINT {NAME} "
                       "REFERENCES surveys (id)")
        return
    op.add_column('surveys', sa.Column('previous_id', sa.Integer(), nullable=True))
    op.create_foreign_key(NAME, 'surveys', 'surveys', ['previous_id'], ['id'])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column in place (3.35+) only when no foreign key names it, and
        # rebuilding `surveys` would cascade: the column stays, emptied, unread by the
        # schema before this revision.
        op.execute("UPDATE surveys SET previous_id = NULL")
        return
    op.drop_constraint(NAME, 'surveys', type_='foreignkey')
    op.drop_column('surveys', 'previous_id')
