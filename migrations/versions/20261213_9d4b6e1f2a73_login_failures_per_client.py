"""Failed logins are counted per address and client, to slow down, not lock out

Issue 20: anyone who knew a staff address could keep it locked with five wrong passwords
every 15 minutes from anywhere. A failure now records the client too (a keyed digest of its
network, never the address), and the login slows down that address from that client only.
Failures recorded before have no client and still count against no one's client; they
expire with the window.

Revision ID: 9d4b6e1f2a73
Revises: 7f3a9c2e5d18
Create Date: 2026-12-13 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '9d4b6e1f2a73'
down_revision = '7f3a9c2e5d18'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('login_failures', sa.Column('client_hash', sa.String(length=64),
                                              nullable=True))
    op.create_index('ix_login_failures_email_client', 'login_failures',
                    ['email_hash', 'client_hash'])


def downgrade() -> None:
    op.drop_index('ix_login_failures_email_client', table_name='login_failures')
    op.drop_column('login_failures', 'client_hash')
