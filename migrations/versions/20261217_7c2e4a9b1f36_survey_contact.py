"""Whom respondents may ask, shown on their pages (issue 18)

`surveys.contact`, optional text of up to 200 characters such as «Spør sykepleier på
avdelingen, tlf. 12 34 56 78», so a respondent knows the survey is real and whom to ask.
Added in place (a nullable column), without rebuilding `surveys` on SQLite.

Revision ID: 7c2e4a9b1f36
Revises: 3f7a9c2e5d81
Create Date: 2026-12-13 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '7c2e4a9b1f36'
down_revision = '3f7a9c2e5d81'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('surveys', sa.Column('contact', sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column('surveys', 'contact')
