"""An account can be linked to a work account: the OpenID Connect issuer and subject

Issue 20: staff sign in with Entra ID, ID-porten or Feide. The first login links an invited
account by its verified e-mail address; from then on the account is found by the provider's
issuer and its subject for the person, which never change when the address does. Both
columns are added in place (no table is rebuilt, on SQLite either); the pair is unique by an
index, which SQLite also adds in place. Several accounts without a link hold NULLs, which a
unique index lets through on both databases. That both are set or neither is kept by the one
function that sets them (`surveys.oidc_accounts`): a CHECK constraint would need the table
rebuilt on SQLite.

Revision ID: a61fb9eb3e79
Revises: 9d4b6e1f2a73
Create Date: 2026-12-14 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'a61fb9eb3e79'
down_revision = '9d4b6e1f2a73'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('accounts', sa.Column('oidc_issuer', sa.String(length=300), nullable=True))
    op.add_column('accounts', sa.Column('oidc_subject', sa.String(length=255), nullable=True))
    op.create_index('ix_accounts_oidc_identity', 'accounts', ['oidc_issuer', 'oidc_subject'],
                    unique=True)


def downgrade() -> None:
    op.drop_index('ix_accounts_oidc_identity', table_name='accounts')
    op.drop_column('accounts', 'oidc_subject')
    op.drop_column('accounts', 'oidc_issuer')
