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


# On SQLite each column is added in place with its CHECK written on the column: a batch
# would rebuild `surveys` and `responses`, and with foreign keys on, dropping `surveys` fails
# and dropping `responses` deletes every answer (tests/test_migration_released.py).
SQLITE_UP = (
    "ALTER TABLE surveys ADD COLUMN follow_up_earliest_days INTEGER DEFAULT '14' NOT NULL "
    "CONSTRAINT ck_surveys_follow_up_earliest_days_range "
    "CHECK (follow_up_earliest_days BETWEEN 0 AND 182)",
    "ALTER TABLE surveys ADD COLUMN include_early_follow_ups BOOLEAN DEFAULT 0 NOT NULL",
    "ALTER TABLE responses ADD COLUMN early BOOLEAN DEFAULT 0 NOT NULL "
    "CONSTRAINT ck_responses_early_only_follow_up CHECK (is_follow_up OR NOT early)",
)
# SQLite 3.35+ drops a column in place, its own CHECK with it.
SQLITE_DOWN = (("responses", "early"), ("surveys", "include_early_follow_ups"),
               ("surveys", "follow_up_earliest_days"))


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _sqlite():
        for statement in SQLITE_UP:
            op.execute(statement)
    else:
        _upgrade_in_batches()
    op.execute("UPDATE surveys SET follow_up_earliest_days = follow_up_weeks * 7 "
               "WHERE follow_up_weeks * 7 < 14")


def _upgrade_in_batches() -> None:
    """PostgreSQL: plain ALTER TABLE statements, no table is rebuilt."""
    with op.batch_alter_table('surveys') as batch:
        batch.add_column(sa.Column('follow_up_earliest_days', sa.Integer(), server_default='14',
                                   nullable=False))
        batch.add_column(sa.Column('include_early_follow_ups', sa.Boolean(),
                                   server_default=sa.false(), nullable=False))
        batch.create_check_constraint(op.f('ck_surveys_follow_up_earliest_days_range'),
                                      'follow_up_earliest_days BETWEEN 0 AND 182')
    with op.batch_alter_table('responses') as batch:
        batch.add_column(sa.Column('early', sa.Boolean(), server_default=sa.false(),
                                   nullable=False))
        batch.create_check_constraint(op.f('ck_responses_early_only_follow_up'),
                                      'is_follow_up OR NOT early')


def downgrade() -> None:
    if _sqlite():
        for table, column in SQLITE_DOWN:
            op.drop_column(table, column)
        return
    with op.batch_alter_table('responses') as batch:
        batch.drop_constraint(op.f('ck_responses_early_only_follow_up'), type_='check')
        batch.drop_column('early')
    with op.batch_alter_table('surveys') as batch:
        batch.drop_constraint(op.f('ck_surveys_follow_up_earliest_days_range'), type_='check')
        batch.drop_column('include_early_follow_ups')
        batch.drop_column('follow_up_earliest_days')
