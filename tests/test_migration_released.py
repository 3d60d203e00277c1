"""The migration that brought results released in batches (issue 15), run on a database
that holds answers: every response stored before it is released, and keeps its answers.

Why a test of its own: SQLite cannot change a column's default in place, and Alembic's
batch mode rebuilds the table to do it; rebuilding `responses` drops it, and with foreign
keys on SQLite then deletes every answer (`answers.response_id` cascades). The tests that
migrate an empty database cannot see that.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

import database
from tests.conftest import worker_database

ROOT = Path(__file__).resolve().parent.parent
BEFORE, RELEASED = "e1f0a7b3c9d2", "b7d2c9e4a1f3"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path) -> str:
    """An empty database of its own: a file, or a PostgreSQL database beside the tests'."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'm.sqlite'}"
    base = sa.make_url(database.normalise_url(os.environ["TEST_DATABASE_URL"]))
    found = worker_database(base.set(database=f"{base.database}_migration")
                            .render_as_string(hide_password=False))
    engine = database.make_engine(found)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return found


def migrate(url: str, revision: str, down: bool = False) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    engine = database.make_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
    engine.dispose()


def _table(name: str, *columns: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(column) for column in columns))


def store_one_answered_response(url: str) -> None:
    """A survey with one response and its answer, as the schema before the batches holds."""
    rows = [
        (_table("networks", "id", "name", "archived"), {"id": 1, "name": "N", "archived": False}),
        (_table("organisations", "id", "network_id", "name", "kind", "archived"),
         {"id": 1, "network_id": 1, "name": "O", "kind": "kommune", "archived": False}),
        (_table("units", "id", "organisation_id", "name", "archived"),
         {"id": 1, "organisation_id": 1, "name": "U", "archived": False}),
        (_table("questionnaire_versions", "id", "slug", "version", "origin", "content",
                "created_on"),
         {"id": 1, "slug": "x", "version": 1, "origin": "upload", "content": "{}",
          "created_on": dt.date(2026, 1, 5)}),
        (_table("surveys", "id", "title", "questionnaire_version_id", "unit_id", "is_closed",
                "layout", "link_mode", "public_token"),
         {"id": 1, "title": "S", "questionnaire_version_id": 1, "unit_id": 1,
          "is_closed": False, "layout": "one_page", "link_mode": "open", "public_token": "t"}),
    ]
    engine = database.make_engine(url)
    with engine.begin() as connection:
        for table, values in rows:
            connection.execute(table.insert().values(**values))
        response = sa.table("responses", sa.column("id", sa.Uuid), sa.column("survey_id"),
                            sa.column("questionnaire_version_id"), sa.column("language"),
                            sa.column("submitted_on"), sa.column("source"),
                            sa.column("submission_key"), sa.column("is_follow_up"))
        answer = sa.table("answers", sa.column("id", sa.Uuid), sa.column("response_id", sa.Uuid),
                          sa.column("survey_id"), sa.column("item"), sa.column("position"),
                          sa.column("value_num"))
        response_id = uuid.uuid4()
        connection.execute(response.insert().values(
            id=response_id, survey_id=1, questionnaire_version_id=1, language="nb",
            submitted_on=dt.date(2026, 1, 5), source="web", submission_key="k",
            is_follow_up=False))
        connection.execute(answer.insert().values(
            id=uuid.uuid4(), response_id=response_id, survey_id=1, item="x", position=0,
            value_num=3.0))
    engine.dispose()


def counted(url: str) -> tuple[list[bool], int]:
    """The responses' released marks, and how many answers are left."""
    engine = database.make_engine(url)
    with engine.connect() as connection:
        marks = [bool(v) for v in connection.scalars(sa.text("SELECT released FROM responses"))]
        answers = connection.scalar(sa.text("SELECT count(*) FROM answers"))
    engine.dispose()
    return marks, answers


def test_responses_from_before_are_released_and_keep_their_answers(url):
    migrate(url, BEFORE)
    store_one_answered_response(url)
    migrate(url, RELEASED)
    assert counted(url) == ([True], 1)
    engine = database.make_engine(url)
    with engine.begin() as connection:  # a row written without saying waits: default false
        connection.execute(sa.text(
            "INSERT INTO responses (id, survey_id, questionnaire_version_id, language, "
            "submitted_on, source, submission_key, is_follow_up) VALUES "
            "(:id, 1, 1, 'nb', :day, 'web', 'k2', :no)"),
            {"id": "b" * 32, "day": dt.date(2026, 1, 6), "no": False})
    engine.dispose()
    assert sorted(counted(url)[0]) == [False, True]
    migrate(url, BEFORE, down=True)
    engine = database.make_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM answers")) == 1
    engine.dispose()


def test_every_later_migration_keeps_the_answers_and_goes_back_down(url):
    """Up to the newest revision and back, on a database that holds an answer: no later
    migration may rebuild `responses` or `surveys` on SQLite (a rebuild cascades), and each
    must run with rows in the tables."""
    migrate(url, BEFORE)
    store_one_answered_response(url)
    migrate(url, "head")
    assert counted(url) == ([True], 1)
    engine = database.make_engine(url)
    with engine.connect() as connection:
        earliest = connection.scalar(sa.text("SELECT follow_up_earliest_days FROM surveys"))
        early = connection.scalar(sa.text("SELECT early FROM responses"))
    engine.dispose()
    assert (earliest, bool(early)) == (14, False)
    migrate(url, BEFORE, down=True)
    engine = database.make_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM answers")) == 1
    engine.dispose()


def test_responses_released_before_get_their_surveys_last_day(url):
    """Revision 5c1e9a7d3b24: the responses released before it get one day per survey and
    kind, the latest any of them was given, so no row's own day survives in an export; a
    waiting row gets none until its batch is released."""
    migrate(url, BEFORE)
    store_one_answered_response(url)  # given 2026-01-05
    migrate(url, "b6d2f4a81c37")
    engine = database.make_engine(url)
    with engine.begin() as connection:
        for key, day, released in (("k2", dt.date(2026, 1, 9), True),
                                   ("k3", dt.date(2026, 1, 20), False)):
            connection.execute(sa.text(
                "INSERT INTO responses (id, survey_id, questionnaire_version_id, language, "
                "submitted_on, source, submission_key, is_follow_up, released) VALUES "
                "(:id, 1, 1, 'nb', :day, 'web', :key, :no, :released)"),
                {"id": uuid.uuid4().hex, "day": day, "key": key, "no": False,
                 "released": released})
    engine.dispose()
    migrate(url, "5c1e9a7d3b24")
    engine = database.make_engine(url)
    with engine.connect() as connection:
        days = sorted(connection.execute(sa.text(
            "SELECT submission_key, released_on FROM responses")).all())
    engine.dispose()
    as_text = [(key, str(day) if day is not None else None) for key, day in days]
    assert as_text == [("k", "2026-01-09"), ("k2", "2026-01-09"), ("k3", None)]
    migrate(url, "b6d2f4a81c37", down=True)
    marks, answers = counted(url)
    assert (sorted(marks), answers) == ([False, True, True], 1)
