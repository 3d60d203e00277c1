"""The tallies that results pages read (`surveys.tallies`) always equal a count of the
released responses' answers: after the demo's hundreds of responses of every questionnaire
(some still waiting for their batch), after a repeated post, under concurrent submissions,
after deletions, and for a database from before the tallies (recounted by `flask migrate`)."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections import Counter

import pytest
import sqlalchemy as sa

import database
from questionnaires.item_types import AnswerValue
from reporting import aggregation
from surveys import counts as survey_counts
from surveys import tallies
from surveys.cli import upgrade_database
from surveys.demo import seed_demo
from surveys.models import Answer, AnswerTally, Response, ScoreTally, Survey, Unit
from surveys.operations import Outcome, submit_response

pytestmark = pytest.mark.both_backends  # counts kept in SQL, concurrent writers

DAY = dt.date(2026, 3, 2)
K = 5  # SURVEY_SMALL_GROUP_MIN: responses are counted when k of them are released together


def snapshot(db, survey_id: int) -> tuple[list, list]:
    """Every tally row of a survey, sorted."""
    answers = db.execute(sa.select(AnswerTally.item, AnswerTally.kind, AnswerTally.value,
                                   AnswerTally.count).where(AnswerTally.survey_id == survey_id)
                         .order_by(AnswerTally.item, AnswerTally.kind, AnswerTally.value)).all()
    scores = db.execute(sa.select(ScoreTally.category, ScoreTally.total, ScoreTally.answered,
                                  ScoreTally.count).where(ScoreTally.survey_id == survey_id)
                        .order_by(ScoreTally.category, ScoreTally.total,
                                  ScoreTally.answered)).all()
    return [tuple(row) for row in answers], [tuple(row) for row in scores]


def counted_in_python(db, survey: Survey) -> Counter:
    """The answer tallies of a survey counted row by row from its released responses'
    answers: a third way, independent of both the batch path and the SQL recount."""
    counted_items = tallies.counted_items(survey.questionnaire.definition)
    keys: Counter = Counter()
    answering: dict[str, set] = {}
    responses = db.scalars(sa.select(Response).where(Response.survey_id == survey.id,
                                                     Response.is_follow_up.is_(False),
                                                     Response.released.is_(True))).all()
    for response in responses:
        keys[("", "r", "")] += 1
        for answer in response.answers:
            if answer.item not in counted_items:
                continue
            if answer.value_text is not None:
                keys[(answer.item, "t", answer.value_text)] += 1
            else:
                keys[(answer.item, "n", repr(answer.value_num))] += 1
            answering.setdefault(answer.item, set()).add(response.id)
    for item, ids in answering.items():
        keys[(item, "r", "")] = len(ids)
    return keys


def test_demo_tallies_equal_a_recount_of_the_answers(app, db):
    seed_demo(db)
    surveys = db.scalars(sa.select(Survey).order_by(Survey.id)).all()
    slugs_counted = set()
    for survey in surveys:
        kept = snapshot(db, survey.id)
        assert Counter({row[:3]: row[3] for row in kept[0]}) == counted_in_python(db, survey)
        tallies.rebuild(db, survey.id, survey.questionnaire.definition)
        db.flush()
        assert snapshot(db, survey.id) == kept, survey.title
        if kept[0]:
            slugs_counted.add(survey.questionnaire.slug)
    db.rollback()
    # Every questionnaire's kinds of items took part: scales, choices, checklists, PSFS.
    assert {"brukerundersokelse", "samling", "oppfolging", "sjekkliste", "psfs"} <= slugs_counted


def test_free_text_and_follow_ups_are_never_tallied(app, db):
    seed_demo(db)
    demo_surveys = db.scalars(sa.select(Survey)).all()
    follow_ups = db.scalar(sa.select(sa.func.count()).select_from(Response)
                           .where(Response.is_follow_up.is_(True)))
    assert follow_ups > 0
    for survey in demo_surveys:
        definition = survey.questionnaire.definition
        texts = {item.id for item in definition.items() if item.type in ("text", "long_text")}
        items = set(db.scalars(sa.select(AnswerTally.item)
                               .where(AnswerTally.survey_id == survey.id)))
        assert not texts & items
        assert not any("." in item for item in items)  # group rows ('group.child') neither
        baselines = db.scalar(sa.select(sa.func.count()).select_from(Response).where(
            Response.survey_id == survey.id, Response.is_follow_up.is_(False),
            Response.released.is_(True)))
        assert survey_counts.response_count(db, survey.id) == baselines


def _store(app, survey_id: int, key: str, value: float) -> Outcome:
    with app.app_context():
        db = database.session()
        answers = [AnswerValue("nytte_totalt", 0, value, None),
                   AnswerValue("balanse", 0, None, "dont_know")]
        return submit_response(db, db.get(Survey, survey_id), None, key, "nb", answers, DAY)


def test_a_repeated_post_is_counted_once(app, make_survey):
    survey = make_survey("samling")
    for _ in range(K - 1):
        assert _store(app, survey.id, secrets.token_urlsafe(18), 3.0) == Outcome.STORED
    key = secrets.token_urlsafe(18)  # the k-th completes the batch: all k are counted
    assert _store(app, survey.id, key, 2.0) == Outcome.STORED
    assert _store(app, survey.id, key, 2.0) == Outcome.ALREADY_STORED
    with app.app_context():
        db = database.session()
        counts = aggregation.item_counts(db, survey.id, ["nytte_totalt", "balanse"])
        assert survey_counts.response_count(db, survey.id) == K
        assert counts["nytte_totalt"].numbers == {2.0: 1, 3.0: K - 1}
        assert counts["balanse"].texts == {"dont_know": K}
        assert aggregation.scores(db, survey.id, ["samlingen"])["samlingen"] == {
            2.0: 1, 3.0: K - 1}


def test_concurrent_submissions_all_counted(app, make_survey):
    survey = make_survey("samling")
    failures: list[BaseException] = []

    def submit(worker: int) -> None:
        try:
            for k in range(5):
                outcome = _store(app, survey.id, secrets.token_urlsafe(18), float(1 + k % 5))
                assert outcome == Outcome.STORED
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    with app.app_context():
        db = database.session()
        assert survey_counts.response_count(db, survey.id) == 30
        counts = aggregation.item_counts(db, survey.id, ["nytte_totalt"])["nytte_totalt"]
        assert counts.numbers == {1.0: 6, 2.0: 6, 3.0: 6, 4.0: 6, 5.0: 6}
        kept = snapshot(db, survey.id)
        tallies.rebuild(db, survey.id, db.get(Survey, survey.id).questionnaire.definition)
        assert snapshot(db, survey.id) == kept


def test_deleting_responses_or_a_unit_clears_the_tallies(app, client, make_survey,
                                                         make_account):
    from surveys import org_operations, survey_admin_operations

    first, second = make_survey("samling"), make_survey("samling")
    for survey in (first, second):
        for _ in range(K):  # a batch, so there are tallies to clear
            _store(app, survey.id, secrets.token_urlsafe(18), 3.0)
    admin = make_account(email="admin@x.no", is_admin=True)
    with app.app_context():
        db = database.session()
        account = db.get(type(admin), admin.id)
        survey_admin_operations.delete_responses(db, account, db.get(Survey, first.id))
        assert snapshot(db, first.id) == ([], [])
        assert survey_counts.response_count(db, first.id) == 0
        org_operations.delete(db, account, db.get(Unit, db.get(Survey, second.id).unit_id))
        assert db.scalar(sa.select(sa.func.count()).select_from(AnswerTally)) == 0
        assert db.scalar(sa.select(sa.func.count()).select_from(ScoreTally)) == 0


def test_migrate_recounts_a_database_from_before_the_tallies(app, make_survey):
    survey = make_survey("samling")
    for value in (1.0, 2.0, 2.0, 3.0, 4.0, 5.0):  # a batch of five released, one waiting
        _store(app, survey.id, secrets.token_urlsafe(18), value)
    with app.app_context():
        db = database.session()
        kept = snapshot(db, survey.id)
        assert kept[0] and survey_counts.response_count(db, survey.id) == K
        tallies.forget(db, [survey.id])
        db.commit()
        assert survey_counts.response_count(db, survey.id) == 0
        upgrade_database()
        assert snapshot(db, survey.id) == kept
        assert db.scalar(sa.select(sa.func.count()).select_from(Answer)) == 12
