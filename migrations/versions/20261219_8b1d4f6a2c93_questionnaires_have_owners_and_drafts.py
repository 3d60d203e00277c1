"""Questionnaires belong to a network or an organisation, and are made as drafts (issue 19)

`questionnaire_owners` names the network or organisation a questionnaire (by id) belongs
to; a questionnaire with no row belongs to the installation (the built-ins, and what an
administrator uploaded before this revision), as every questionnaire did before. Should the
owner be deleted, the row stays with its id emptied: seen by administrators only.
`questionnaire_drafts` holds the one working copy of a questionnaire being made in the
browser. Two new tables: nothing else is rebuilt.

Revision ID: 8b1d4f6a2c93
Revises: 5b2d8f4c1e90
Create Date: 2026-12-19 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '8b1d4f6a2c93'
down_revision = '5b2d8f4c1e90'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'questionnaire_owners',
        sa.Column('slug', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=True),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('network', 'organisation')",
                           name=op.f('ck_questionnaire_owners_kind_known')),
        sa.CheckConstraint('network_id IS NULL OR organisation_id IS NULL',
                           name=op.f('ck_questionnaire_owners_one_owner')),
        sa.ForeignKeyConstraint(['network_id'], ['networks.id'],
                                name=op.f('fk_questionnaire_owners_network_id_networks'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_questionnaire_owners_organisation_id_organisations'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('slug', name=op.f('pk_questionnaire_owners')),
    )
    op.create_index(op.f('ix_questionnaire_owners_network_id'), 'questionnaire_owners',
                    ['network_id'])
    op.create_index(op.f('ix_questionnaire_owners_organisation_id'), 'questionnaire_owners',
                    ['organisation_id'])
    op.create_table(
        'questionnaire_drafts',
        sa.Column('slug', sa.String(length=40), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('base_version', sa.Integer(), nullable=True),
        sa.Column('changed_on', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('slug', name=op.f('pk_questionnaire_drafts')),
    )


def downgrade() -> None:
    op.drop_table('questionnaire_drafts')
    op.drop_index(op.f('ix_questionnaire_owners_organisation_id'),
                  table_name='questionnaire_owners')
    op.drop_index(op.f('ix_questionnaire_owners_network_id'), table_name='questionnaire_owners')
    op.drop_table('questionnaire_owners')
