"""survey change date

Revision ID: 7b3e4f1a9c20
Revises: 5d1c7a9e2b40
Create Date: 2026-11-23 10:00:00

A checklist survey's run chart is split at the day the unit marked a change as introduced.
"""

from alembic import op
import sqlalchemy as sa


revision = '7b3e4f1a9c20'
down_revision = '5d1c7a9e2b40'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('surveys') as batch:
        batch.add_column(sa.Column('change_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('change_note', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('surveys') as batch:
        batch.drop_column('change_note')
        batch.drop_column('change_on')
