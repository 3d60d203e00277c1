"""A survey's target share of users followed up

The unit's goal for the share of PSFS users who answer the follow-up, in percent, shown
beside the share reached. Nullable (no target set); the form keeps it within 0–100. Added in
place on both databases.

Revision ID: 6d3f8b1e4c92
Revises: 2a7c5e9f0b13
Create Date: 2026-12-10 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '6d3f8b1e4c92'
down_revision = '2a7c5e9f0b13'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('surveys', sa.Column('follow_up_target', sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column('surveys', 'follow_up_target')  # SQLite 3.35+ drops it in place
