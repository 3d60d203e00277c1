"""Responses carry the day their batch was released

A row-level download (the raw export, the FHIR bundle, the pairs) showed the day each
response was given. A unit lead who knows the day she handed the tablet to one person then
finds that person's row whenever nobody else answered that day, batches or not. A row now
shows the day its batch was released, which at least k rows share (`surveys.batches`).

The responses released before this revision were released together when the batches came
in (revision b7d2c9e4a1f3), so there is no batch day to give them: each gets the latest day
on which any released response of its survey and kind was given. That is one day per survey
and kind, which every such row shares, and never earlier than the row's own day.

The column is added in place (nullable, no default), never by rebuilding `responses`: on
SQLite a rebuild would cascade to the answers (see revision b7d2c9e4a1f3).

Revision ID: 5c1e9a7d3b24
Revises: b6d2f4a81c37
Create Date: 2026-12-07 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '5c1e9a7d3b24'
down_revision = 'b6d2f4a81c37'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('responses', sa.Column('released_on', sa.Date(), nullable=True))
    responses = sa.table('responses', sa.column('survey_id', sa.Integer()),
                         sa.column('is_follow_up', sa.Boolean()),
                         sa.column('released', sa.Boolean()),
                         sa.column('submitted_on', sa.Date()),
                         sa.column('released_on', sa.Date()))
    same = responses.alias('same')
    latest = (sa.select(sa.func.max(same.c.submitted_on))
              .where(same.c.survey_id == responses.c.survey_id,
                     same.c.is_follow_up == responses.c.is_follow_up,
                     same.c.released.is_(True))
              .scalar_subquery())
    op.execute(responses.update().where(responses.c.released.is_(True))
               .values(released_on=latest))


def downgrade() -> None:
    op.drop_column('responses', 'released_on')  # SQLite 3.35+ drops it in place
