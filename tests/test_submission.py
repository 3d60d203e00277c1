"""A response is stored exactly once, even when the same post arrives twice at once."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

import database
from questionnaires.item_types import AnswerValue
from surveys.follow_up_queries import baseline_code
from surveys.models import Answer, LinkMode, Response, SingleUseLink, Survey, link_digest
from surveys.operations import FollowUpPlan, Outcome, submit_follow_up, submit_response
from tests.conftest import response_count, statements_during

pytestmark = pytest.mark.both_backends  # stored once: unique keys, concurrent transactions

ANSWERS = [AnswerValue("activities.activity", 0, None, "Gå"),
           AnswerValue("activities.score", 0, 4.0, None)]
TODAY = dt.date(2026, 11, 23)


def _submit(app, survey_id: int, key: str, link_id: str | None = None,
            plan: FollowUpPlan | None = None) -> Outcome:
    with app.app_context():
        db = database.session()
        survey = db.get(Survey, survey_id)
        # as `find_link` found it when the page was opened, before any racer used it
        link = SingleUseLink(token_digest=link_id, survey_id=survey_id) if link_id else None
        return submit_response(db, survey, link, key, "nb", ANSWERS, TODAY, follow_up=plan)


@contextmanager
def database_errors(app) -> Iterator[list[str]]:
    """The errors the database raises meanwhile. PostgreSQL writes each one to its server
    log with the time to the millisecond and a DETAIL quoting the key that clashed (a
    submission key or a pair id, which the stored response holds): by default
    (`log_min_error_statement = error`), so whoever reads that log would learn when a
    response was sent, to the second, where the tables hold only its day."""
    raised: list[str] = []
    engine = app.extensions["db_engine"]

    def seen(context) -> None:
        raised.append(repr(context.original_exception)[:200])

    sa.event.listen(engine, "handle_error", seen)
    try:
        yield raised
    finally:
        sa.event.remove(engine, "handle_error", seen)


def _race(app, survey_id: int, keys: list[str], link_id: str | None = None) -> list[Outcome]:
    outcomes: list[Outcome] = []
    barrier = threading.Barrier(len(keys))

    def run(key: str) -> None:
        barrier.wait()
        outcomes.append(_submit(app, survey_id, key, link_id))

    threads = [threading.Thread(target=run, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_same_submission_twice_is_stored_once(app, make_survey):
    survey = make_survey("psfs")
    assert _submit(app, survey.id, "key-1") is Outcome.STORED
    assert _submit(app, survey.id, "key-1") is Outcome.ALREADY_STORED
    assert response_count(app, survey.id) == 1


def test_simultaneous_double_tap_is_stored_once(app, make_survey):
    survey = make_survey("psfs")
    outcomes = _race(app, survey.id, ["same-key"] * 4)
    assert sorted(o.value for o in outcomes) == ["already_stored"] * 3 + ["stored"]
    assert response_count(app, survey.id) == 1


def test_a_repeated_submission_raises_no_database_error(app, make_survey):
    """Nothing for the server's log: the repeat is skipped, without an error."""
    survey = make_survey("psfs")
    with database_errors(app) as raised:
        assert _submit(app, survey.id, "key-1") is Outcome.STORED
        assert _submit(app, survey.id, "key-1") is Outcome.ALREADY_STORED
        outcomes = _race(app, survey.id, ["same-key"] * 4)
    assert sorted(o.value for o in outcomes) == ["already_stored"] * 3 + ["stored"]
    assert raised == []


def test_a_follow_up_code_used_again_raises_no_database_error(app, make_survey):
    survey = make_survey("psfs")
    assert _submit(app, survey.id, "baseline", plan=FollowUpPlan(app.secret_key, TODAY)) \
        is Outcome.STORED
    scores = [AnswerValue("activities.score", 0, 8.0, None)]
    with app.app_context(), database_errors(app) as raised:
        db = database.session()
        _code, row = baseline_code(db, app.secret_key, survey.id, "baseline")
        outcomes = [submit_follow_up(db, db.get(Survey, survey.id), row, key, "nb", scores,
                                     TODAY) for key in ("first", "second", "first")]
    assert outcomes == [Outcome.STORED, Outcome.CODE_USED, Outcome.ALREADY_STORED]
    assert raised == []


def test_single_use_link_cannot_be_used_by_two_racing_posts(app, make_survey):
    survey = make_survey("psfs", link_mode=LinkMode.SINGLE_USE)
    with app.app_context():
        db = database.session()
        link_id = link_digest(app.secret_key, "a-token-of-twenty-characters")
        db.add(SingleUseLink(token_digest=link_id, survey_id=survey.id))
        db.commit()
    outcomes = _race(app, survey.id, ["a", "b", "c"], link_id)
    assert sorted(o.value for o in outcomes) == ["link_used", "link_used", "stored"]
    assert response_count(app, survey.id) == 1


def test_answers_are_rows_that_sql_can_aggregate(app, make_survey):
    survey = make_survey("psfs")
    for key in ("a", "b"):
        _submit(app, survey.id, key)
    with app.app_context():
        mean = database.session().scalar(
            sa.select(sa.func.avg(Answer.value_num)).where(
                Answer.survey_id == survey.id, Answer.item == "activities.score"))
    assert mean == 4.0


def test_every_answer_is_stored_whole_also_past_one_statements_worth(app, make_survey):
    """On PostgreSQL the answers go in INSERTs of at most 1,000 rows each
    (`database.make_engine`): 2,345 answers are three statements, and each row keeps its
    own position, number and text (an integer number comes back a float; a text that
    looks like a placeholder or SQL is only text)."""
    texts = ["50 %s og 'sitat'", "%(name)s", "); DROP TABLE answers; --", None]
    answers = [AnswerValue("activities.activity", position, position % 7 or None,
                           texts[position % 4]) for position in range(2345)]
    survey = make_survey("psfs")

    def submit() -> Outcome:
        with app.app_context():
            db = database.session()
            return submit_response(db, db.get(Survey, survey.id), None, "many", "nb",
                                   answers, TODAY)

    outcome, sent = statements_during(app, submit)
    with app.app_context():
        db = database.session()
        stored = db.execute(sa.select(Answer.position, Answer.value_num, Answer.value_text,
                                      Answer.response_id, Answer.item)
                            .where(Answer.survey_id == survey.id)
                            .order_by(Answer.position)).all()
        response_id = db.scalar(sa.select(Response.id).where(Response.survey_id == survey.id))
    assert outcome is Outcome.STORED
    assert [(row.position, row.value_num, row.value_text) for row in stored] == [
        (a.position, None if a.value_num is None else float(a.value_num), a.value_text)
        for a in answers]
    assert {(row.response_id, row.item) for row in stored} == {
        (response_id, "activities.activity")}
    if app.extensions["db_engine"].dialect.name == "postgresql":  # not a parameter set per row
        assert [sets for sql, sets in sent if sql.startswith("INSERT INTO answers")] == [1, 1, 1]
