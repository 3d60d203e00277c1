"""Organisations outlive a network: memberships with a period, organisation administrators

Issue 20. An organisation no longer belongs to exactly one network: `network_memberships`
says which organisation took part in which network, from when to when (either date may be
unknown), and whether it withdrew. Each organisation's network becomes a membership with no
dates, so nothing is lost. `organisations.network_id` stays, nullable and read by nothing
(an organisation may now be in no network); dropping it would mean rebuilding
`organisations` on SQLite, under which units, surveys and responses hang. SQLite cannot drop
a NOT NULL in place either; as in 3c8e1a5b7f20, the table's text in `sqlite_schema` is
edited with `writable_schema` (https://sqlite.org/lang_altertable.html, section 7): no row
is moved. `account_organisations` gives an organisation administrator their organisations.

Downgrading puts each organisation's one network back in `network_id`, and is refused, with
the organisations named, while any organisation is in no network or in several.

Revision ID: 5b2d8f4c1e90
Revises: 7c2e4a9b1f36
Create Date: 2026-12-16 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '5b2d8f4c1e90'
down_revision = '7c2e4a9b1f36'
branch_labels = None
depends_on = None

NOT_NULL, NULLABLE = "\tnetwork_id INTEGER NOT NULL, ", "\tnetwork_id INTEGER, "


def upgrade() -> None:
    op.create_table(
        'network_memberships',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('joined_on', sa.Date(), nullable=True),
        sa.Column('left_on', sa.Date(), nullable=True),
        sa.Column('withdrawn', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint('left_on IS NULL OR joined_on IS NULL OR left_on >= joined_on',
                           name=op.f('ck_network_memberships_left_after_joined')),
        sa.ForeignKeyConstraint(['network_id'], ['networks.id'], ondelete='CASCADE',
                                name=op.f('fk_network_memberships_network_id_networks')),
        sa.ForeignKeyConstraint(
            ['organisation_id'], ['organisations.id'], ondelete='CASCADE',
            name=op.f('fk_network_memberships_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_network_memberships')),
        sa.UniqueConstraint('network_id', 'organisation_id', 'joined_on',
                            name='uq_network_memberships_period'),
    )
    op.create_index(op.f('ix_network_memberships_network_id'), 'network_memberships',
                    ['network_id'])
    op.create_index(op.f('ix_network_memberships_organisation_id'), 'network_memberships',
                    ['organisation_id'])
    op.create_table(
        'account_organisations',
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE',
                                name=op.f('fk_account_organisations_account_id_accounts')),
        sa.ForeignKeyConstraint(
            ['organisation_id'], ['organisations.id'], ondelete='CASCADE',
            name=op.f('fk_account_organisations_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('account_id', 'organisation_id',
                                name=op.f('pk_account_organisations')),
    )
    op.execute("INSERT INTO network_memberships (network_id, organisation_id, withdrawn) "
               "SELECT network_id, id, false FROM organisations")
    if op.get_bind().dialect.name == "sqlite":
        _edit_sqlite_table(lambda sql: sql.replace(NOT_NULL, NULLABLE))
    else:
        op.alter_column('organisations', 'network_id', existing_type=sa.Integer(),
                        nullable=True)


def downgrade() -> None:
    bind = op.get_bind()
    unfit = bind.execute(sa.text(
        "SELECT o.name FROM organisations o LEFT JOIN network_memberships m "
        "ON m.organisation_id = o.id GROUP BY o.id, o.name "
        "HAVING count(DISTINCT m.network_id) != 1 ORDER BY o.name")).scalars().all()
    if unfit:
        raise RuntimeError(
            "Cannot downgrade: before memberships every organisation belonged to exactly one "
            "network, and these are in none or in several: " + ", ".join(unfit))
    op.execute("UPDATE organisations SET network_id = (SELECT min(m.network_id) FROM "
               "network_memberships m WHERE m.organisation_id = organisations.id)")
    if bind.dialect.name == "sqlite":
        _edit_sqlite_table(lambda sql: sql.replace(NULLABLE, NOT_NULL))
    else:
        op.alter_column('organisations', 'network_id', existing_type=sa.Integer(),
                        nullable=False)
    op.drop_table('account_organisations')
    op.drop_index(op.f('ix_network_memberships_organisation_id'),
                  table_name='network_memberships')
    op.drop_index(op.f('ix_network_memberships_network_id'), table_name='network_memberships')
    op.drop_table('network_memberships')


def _edit_sqlite_table(edit) -> None:
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'organisations'").scalar()
    changed = edit(sql)
    if changed == sql:
        return
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'organisations'",
        (changed,))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
