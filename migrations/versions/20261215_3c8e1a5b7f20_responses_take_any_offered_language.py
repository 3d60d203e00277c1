"""A response may be in any language the installation offers, not only nb, nn and en

The languages are now a setting (`util.languages`, issue 18), so the CHECK that listed
three of them goes; the app stores only a language it offers. PostgreSQL drops the
constraint. SQLite cannot drop a constraint in place, and rebuilding `responses` is what
this project never does (its answers hang on it); SQLite documents a simpler procedure for
removing a CHECK constraint: edit the table's text in `sqlite_schema` with `writable_schema`
and bump `schema_version`, in one transaction (https://sqlite.org/lang_altertable.html,
section 7). No row changes, and no row can break a constraint that is gone.

Revision ID: 3c8e1a5b7f20
Revises: a61fb9eb3e79
Create Date: 2026-12-15 09:00:00.000000
"""

from alembic import op

revision = '3c8e1a5b7f20'
down_revision = 'a61fb9eb3e79'
branch_labels = None
depends_on = None

CONSTRAINT = "ck_responses_language_known"
CLAUSE = "CONSTRAINT ck_responses_language_known CHECK (language IN ('nb', 'nn', 'en'))"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(CONSTRAINT), "responses", type_="check")
        return
    _edit_sqlite_table(lambda sql: sql.replace(", \n\t" + CLAUSE, "").replace(CLAUSE, ""))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.create_check_constraint("language_known", "responses",
                                   "language IN ('nb', 'nn', 'en')")
        return
    _edit_sqlite_table(lambda sql: sql.rstrip().removesuffix(")") + ", \n\t" + CLAUSE + "\n)")


def _edit_sqlite_table(edit) -> None:
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'responses'").scalar()
    changed = edit(sql)
    if changed == sql:
        return
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'responses'",
        (changed,))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
