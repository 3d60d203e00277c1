"""Every session of an account can be ended: the account's session epoch

A session cookie names the account and the epoch it was made in; logging out, changing or
setting the password, and deactivation raise the account's epoch, so every copy of an
older cookie stops working (issue 20: a copied cookie still worked after logout). Every
existing account starts at 0, and so do the cookies made before, which hold no epoch: they
end at the first request (signing in again makes a new one).

Revision ID: 7f3a9c2e5d18
Revises: 4b9e2f7a6c15
Create Date: 2026-12-12 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '7f3a9c2e5d18'
down_revision = '4b9e2f7a6c15'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('accounts', sa.Column('session_epoch', sa.Integer(), server_default='0',
                                        nullable=False))


def downgrade() -> None:
    op.drop_column('accounts', 'session_epoch')
