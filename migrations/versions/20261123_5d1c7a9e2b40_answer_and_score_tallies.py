"""answer and score tallies

Revision ID: 5d1c7a9e2b40
Revises: 9a5505e7fe25
Create Date: 2026-11-23 09:30:00

The tables are filled for existing responses by `upgrade_database` (`flask migrate`), which
recounts every survey that has responses but no tallies (`analytics.tallies.recount_missing`).
"""

from alembic import op
import sqlalchemy as sa


revision = '5d1c7a9e2b40'
down_revision = '9a5505e7fe25'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answer_tallies',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=81), nullable=False),
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_answer_tallies_survey_id_surveys')),
    sa.PrimaryKeyConstraint('survey_id', 'item', 'kind', 'value', name=op.f('pk_answer_tallies'))
    )
    op.create_table('score_tallies',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_score_tallies_survey_id_surveys')),
    sa.PrimaryKeyConstraint('survey_id', 'category', 'total', 'answered', name=op.f('pk_score_tallies'))
    )


def downgrade() -> None:
    op.drop_table('score_tallies')
    op.drop_table('answer_tallies')
