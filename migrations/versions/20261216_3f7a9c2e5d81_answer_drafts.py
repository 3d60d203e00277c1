"""What a person has answered so far between the pages of a survey, sealed (issue 18)

Each page post is now answered with a redirect to the page's own address, so the
browser's Back never leads to a post; the answers of the pages before live here between
requests, sealed with a key only the browser's session holds (`surveys.answer_drafts`).
A new table, so nothing else is rebuilt; a survey's drafts go with it (ON DELETE CASCADE).

Revision ID: 3f7a9c2e5d81
Revises: 3c8e1a5b7f20
Create Date: 2026-12-12 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '3f7a9c2e5d81'
down_revision = '3c8e1a5b7f20'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'answer_drafts',
        sa.Column('handle', sa.String(length=32), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('written_on', sa.Date(), nullable=False),
        sa.Column('sealed', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'],
                                name=op.f('fk_answer_drafts_survey_id_surveys'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('handle', name=op.f('pk_answer_drafts')),
    )
    op.create_index(op.f('ix_answer_drafts_survey_id'), 'answer_drafts', ['survey_id'])
    op.create_index(op.f('ix_answer_drafts_written_on'), 'answer_drafts', ['written_on'])


def downgrade() -> None:
    op.drop_index(op.f('ix_answer_drafts_written_on'), table_name='answer_drafts')
    op.drop_index(op.f('ix_answer_drafts_survey_id'), table_name='answer_drafts')
    op.drop_table('answer_drafts')
