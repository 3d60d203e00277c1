"""Alembic environment: runs on the app's connection, or on DATABASE_URL from the shell."""

import os
from pathlib import Path

from alembic import context

import questionnaires.drafts  # noqa: F401  (registers the tables)
import questionnaires.models  # noqa: F401
import surveys.account_models  # noqa: F401
import surveys.answer_drafts  # noqa: F401
import surveys.membership_models  # noqa: F401
import surveys.models  # noqa: F401
import surveys.questionnaire_owners  # noqa: F401
from database import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _default_url() -> str:
    instance = Path(__file__).resolve().parent.parent / "instance"
    instance.mkdir(exist_ok=True)
    return os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'survey.sqlite'}"


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with make_engine(_default_url()).connect() as connection:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
