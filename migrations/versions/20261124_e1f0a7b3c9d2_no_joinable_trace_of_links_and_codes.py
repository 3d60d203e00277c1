"""No joinable trace of single-use links and follow-up codes; random answer ids

A database administrator could join a used single-use link to its response by the
transaction id (xmin) both rows carried, a follow-up code row to its baseline and
follow-up the same way or by its foreign keys, and order submissions by the serial ids
of answers and codes. After this revision:

- `single_use_links` keeps only unused links, as keyed digests of their tokens (HMAC with
  the app's SECRET_KEY, so this migration needs it when unused links exist); used links
  are counted in `surveys.links_used` and their rows removed.
- `follow_up_codes` is gone: a baseline and its follow-up carry the same `pair_id`, the
  first 128 bits of the code's keyed digest already stored, so codes handed out before
  keep working; the baseline also carries the suggested follow-up date `due_on`.
- `answers.id` is a random UUID instead of a serial number; existing answers get one.

One way only: the tokens in clear cannot be recovered from their digests.

Revision ID: e1f0a7b3c9d2
Revises: c4a8e2d61f07
Create Date: 2026-11-24 10:00:00.000000
"""

import hashlib
import hmac
import os
import uuid

import sqlalchemy as sa
from alembic import op

revision = 'e1f0a7b3c9d2'
down_revision = 'c4a8e2d61f07'
branch_labels = None
depends_on = None


def _secret() -> str | None:
    """The app's SECRET_KEY: from the running app (`flask migrate`), else the shell."""
    try:
        from flask import current_app
        return current_app.secret_key
    except RuntimeError:  # no app context: alembic from the shell
        return os.environ.get("SECRET_KEY")


def upgrade() -> None:
    _links()
    _codes()
    _answers()


def _links() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('links_used', sa.Integer(), server_default='0',
                                      nullable=False))
    op.execute("UPDATE surveys SET links_used = (SELECT count(*) FROM single_use_links l "
               "WHERE l.survey_id = surveys.id AND l.used)")
    unused = bind.execute(sa.text(
        "SELECT token, survey_id FROM single_use_links WHERE NOT used")).all()
    secret = _secret()
    if unused and not secret:
        raise RuntimeError("unused single-use links exist: set SECRET_KEY to migrate them")
    with op.batch_alter_table('single_use_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_single_use_links_survey_id'))
    op.drop_table('single_use_links')
    links = op.create_table('single_use_links',
        sa.Column('token_digest', sa.String(length=64), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'],
                                name=op.f('fk_single_use_links_survey_id_surveys')),
        sa.PrimaryKeyConstraint('token_digest', name=op.f('pk_single_use_links')))
    with op.batch_alter_table('single_use_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_single_use_links_survey_id'), ['survey_id'],
                              unique=False)
    if unused:
        op.bulk_insert(links, [
            {"token_digest": hmac.new(secret.encode(), f"single-use-link:{token}".encode(),
                                      hashlib.sha256).hexdigest(), "survey_id": survey_id}
            for token, survey_id in unused])


def _codes() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pair_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_responses_pair'),
                                          ['survey_id', 'pair_id', 'is_follow_up'])
    responses = sa.table('responses', sa.column('id', sa.Uuid()),
                         sa.column('pair_id', sa.Uuid()), sa.column('due_on', sa.Date()))
    codes = sa.table('follow_up_codes', sa.column('code_digest', sa.String()),
                     sa.column('baseline_id', sa.Uuid()), sa.column('follow_up_id', sa.Uuid()),
                     sa.column('due_on', sa.Date()))
    for digest, baseline_id, follow_up_id, due_on in bind.execute(sa.select(codes)).all():
        pair = uuid.UUID(hex=digest[:32])  # `surveys.follow_up_codes.pair_id`
        bind.execute(sa.update(responses).where(responses.c.id == baseline_id)
                     .values(pair_id=pair, due_on=due_on))
        if follow_up_id is not None:
            bind.execute(sa.update(responses).where(responses.c.id == follow_up_id)
                         .values(pair_id=pair))
    with op.batch_alter_table('follow_up_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_codes_survey_id'))
    op.drop_table('follow_up_codes')


def _answers() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uid', sa.Uuid(), nullable=True))
    # sa.Uuid is CHAR(32) of hex on SQLite, the native uuid type on PostgreSQL
    op.execute("UPDATE answers SET uid = lower(hex(randomblob(16)))" if sqlite
               else "UPDATE answers SET uid = gen_random_uuid()")
    if sqlite:
        with op.batch_alter_table('answers', recreate='always') as batch_op:
            batch_op.drop_column('id')
            batch_op.alter_column('uid', new_column_name='id', nullable=False)
            batch_op.create_primary_key('pk_answers', ['id'])
    else:
        op.drop_constraint('pk_answers', 'answers', type_='primary')
        op.drop_column('answers', 'id')
        op.alter_column('answers', 'uid', new_column_name='id', nullable=False)
        op.create_primary_key('pk_answers', 'answers', ['id'])


def downgrade() -> None:
    raise NotImplementedError("one way: single-use tokens cannot be recovered from digests")
