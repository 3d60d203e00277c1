"""The migration that lets a response be in any offered language (issue 18): the CHECK that
listed nb, nn and en goes, on SQLite without rebuilding `responses` (the answers stay), and
comes back on the way down."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

import database
from tests.test_migration_released import migrate, store_one_answered_response
from tests.test_migration_released import url as url  # the fixture: a database of its own

BEFORE, AFTER = "9d4b6e1f2a73", "3c8e1a5b7f20"


def insert_response(url: str, language: str, key: str) -> None:
    engine = database.make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO responses (id, survey_id, questionnaire_version_id, language, "
                "submitted_on, source, submission_key, is_follow_up) VALUES "
                "(:id, 1, 1, :language, :day, 'web', :key, :no)"),
                {"id": key * 32, "language": language, "day": dt.date(2026, 1, 6),
                 "key": key, "no": False})
    finally:
        engine.dispose()


def answers_left(url: str) -> int:
    engine = database.make_engine(url)
    with engine.connect() as connection:
        found = connection.scalar(sa.text("SELECT count(*) FROM answers"))
    engine.dispose()
    return found


def test_a_response_in_another_language_is_taken_after_the_migration(url):
    migrate(url, BEFORE)
    store_one_answered_response(url)
    with pytest.raises(IntegrityError):
        insert_response(url, "se", "a")
    migrate(url, AFTER)
    insert_response(url, "se", "b")  # Northern Sami, once offered
    assert answers_left(url) == 1  # nothing rebuilt: the answer of the first response stays
    engine = database.make_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM responses WHERE language = 'se'"))
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    engine.dispose()
    migrate(url, BEFORE, down=True)
    with pytest.raises(IntegrityError):
        insert_response(url, "se", "c")
    assert answers_left(url) == 1
