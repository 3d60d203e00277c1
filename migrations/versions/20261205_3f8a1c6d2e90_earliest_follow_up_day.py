"""earliest follow-up day, early paper follow-ups

A PSFS follow-up typed the same day as its baseline was accepted and counted. A survey now
says from which day after the baseline a follow-up is taken (`follow_up_earliest_days`,
14 by default); earlier ones are refused online, and on paper stored only when confirmed,
marked `responses.early`, and left out of the change unless the survey includes them
(`include_early_follow_ups`). A survey whose suggested follow-up comes sooner than two
weeks gets its suggested day as the earliest, so its slips do not name a refused date.

Revision ID: 3f8a1c6d2e90
Revises: b7d2c9e4a1f3
Create Date: 2026-12-05 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '3f8a1c6d2e90'
down_revision = 'b7d2c9e4a1f3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('surveys') as batch:
        batch.add_column(sa.Column('follow_up_earliest_days', sa.Integer(), server_default='14',
                                   nullable=False))
        batch.add_column(sa.Column('include_early_follow_ups', sa.Boolean(),
                                   server_default=sa.false(), nullable=False))
        batch.create_check_constraint(op.f('ck_surveys_follow_up_earliest_days_range'),
                                      'follow_up_earliest_days BETWEEN 0 AND 182')
    op.execute("UPDATE surveys SET follow_up_earliest_days = follow_up_weeks * 7 "
               "WHERE follow_up_weeks * 7 < 14")
    with op.batch_alter_table('responses') as batch:
        batch.add_column(sa.Column('early', sa.Boolean(), server_default=sa.false(),
                                   nullable=False))
        batch.create_check_constraint(op.f('ck_responses_early_only_follow_up'),
                                      'is_follow_up OR NOT early')


def downgrade() -> None:
    with op.batch_alter_table('responses') as batch:
        batch.drop_constraint(op.f('ck_responses_early_only_follow_up'), type_='check')
        batch.drop_column('early')
    with op.batch_alter_table('surveys') as batch:
        batch.drop_constraint(op.f('ck_surveys_follow_up_earliest_days_range'), type_='check')
        batch.drop_column('include_early_follow_ups')
        batch.drop_column('follow_up_earliest_days')
