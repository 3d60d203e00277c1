"""Accounts ask for the weekly digest by e-mail, in their language

`digest` is opt-in (false for every existing account), `language` the language of what is
mailed to the account (nb, nn or en; bokmål for every existing account, as the pages'
default), and `digest_sent_at` when the last digest was sent, so the next one reports only
results released since then. Added in place on both databases: SQLite adds a NOT NULL column
that has a default, and a column's own CHECK, without rebuilding `accounts`.

Revision ID: 4b9e2f7a6c15
Revises: 6d3f8b1e4c92
Create Date: 2026-12-11 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '4b9e2f7a6c15'
down_revision = '6d3f8b1e4c92'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('accounts', sa.Column('digest', sa.Boolean(), server_default=sa.false(),
                                        nullable=False))
    op.add_column('accounts', sa.Column(
        'language', sa.String(length=5), sa.CheckConstraint(
            "language IN ('nb', 'nn', 'en')", name=op.f('ck_accounts_language_known')),
        server_default='nb', nullable=False))
    op.add_column('accounts', sa.Column('digest_sent_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ drops them in place (a column with a CHECK of its own included).
    op.drop_column('accounts', 'digest_sent_at')
    op.drop_column('accounts', 'language')
    op.drop_column('accounts', 'digest')
