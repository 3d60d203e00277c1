"""Running counts of a survey's answers, kept up to date as responses arrive.

Why: a results page must answer well under a second for a survey of 100,000 responses, and
the network overview for 400 units at once (`bench/dashboard.py`). Counting the `answers`
table at every page view reads millions of rows; the tallies (`surveys.models.AnswerTally`,
`ScoreTally`) are added to when the responses they count are released (`surveys.batches`:
in a batch of at least k, in the transaction that stores the response completing it), so a
page reads a few hundred rows instead, every app instance sees the same counts, and the
tallies hold released responses only: an unreleased response is in no figure.

What is counted, per survey: its responses; per top-level item of a counted type (scale,
choice, checklist, whole number) how many responses answered it and how many gave each
value (a text value, such as an option or «vet ikke», before a number: a checklist answer
carries both and counts under its text); per category the responses' scores as exact
(sum, how many) pairs. Free text and the items of a repeating group are never counted:
they are read from the answers where a page needs them. Follow-up responses are not
counted, as nowhere in the results.

Concurrency: each batch adds to its rows with one INSERT … ON CONFLICT DO UPDATE per
table, its rows sorted, so two transactions lock shared rows in the same order and cannot
deadlock (and a survey's batches are released under its row lock, one at a time). `rebuild`
recounts a survey from its released responses' answers (after a bulk load, or to repair).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from questionnaires import schema as s
from questionnaires.item_types import AnswerValue
from surveys.models import Answer, AnswerTally, Response, ScoreTally, Survey

NUMBER, TEXT, RESPONSES = "n", "t", "r"
SURVEY = ""  # the item of the row that counts the survey's responses
COUNTED_TYPES = ("scale", "single_choice", "multiple_choice", "checklist", "integer")

AnswerKey = tuple[str, str, str]  # (item, kind, value)
ScoreKey = tuple[str, float, int]  # (category, sum, how many)


def number_value(number: float) -> str:
    """A number as the tally stores it; `float()` of it gives the number back exactly."""
    return repr(float(number))


def counted_items(definition: s.Definition) -> set[str]:
    return {item.id for item in definition.items() if item.type in COUNTED_TYPES}


def category_members(definition: s.Definition) -> dict[str, str]:
    """Item id → category id, for the top-level scale items that belong to a category."""
    return {item.id: item.category for item in definition.items()
            if isinstance(item, s.ScaleItem) and item.category}


# --- What one response adds ------------------------------------------------------------------

def answer_keys(definition: s.Definition, answers: Iterable[AnswerValue]) -> Counter[AnswerKey]:
    """The answer-tally rows one response adds to, with how much."""
    counted = counted_items(definition)
    keys: Counter[AnswerKey] = Counter({(SURVEY, RESPONSES, ""): 1})
    answering: set[str] = set()
    for answer in answers:
        if answer.item not in counted:
            continue
        if answer.value_text is not None:
            keys[(answer.item, TEXT, answer.value_text)] += 1
        elif answer.value_num is not None:
            keys[(answer.item, NUMBER, number_value(answer.value_num))] += 1
        else:
            continue
        answering.add(answer.item)
    for item in answering:
        keys[(item, RESPONSES, "")] += 1
    return keys


def score_keys(definition: s.Definition, answers: Iterable[AnswerValue]) -> list[ScoreKey]:
    """The response's (category, sum, how many) for each category it has a number in."""
    members = category_members(definition)
    sums: dict[str, list[float]] = {}
    for answer in answers:
        category = members.get(answer.item)
        if category is not None and answer.value_num is not None and answer.value_text is None:
            sums.setdefault(category, []).append(answer.value_num)
    return [(category, float(sum(values)), len(values)) for category, values in sums.items()]


def count_responses(db: Session, survey_id: int, definition: s.Definition,
                    responses: Iterable[Sequence[AnswerValue]]) -> None:
    """Add a batch of just released responses (`surveys.batches`), each given by its
    answers, to their survey's tallies in the caller's transaction: one statement per
    table for the whole batch."""
    answers: Counter[AnswerKey] = Counter()
    scores: Counter[ScoreKey] = Counter()
    for response in responses:
        answers.update(answer_keys(definition, response))
        scores.update(score_keys(definition, response))
    _add(db, AnswerTally, ["survey_id", "item", "kind", "value"],
         [{"survey_id": survey_id, "item": item, "kind": kind, "value": value, "count": n}
          for (item, kind, value), n in sorted(answers.items())])
    _add(db, ScoreTally, ["survey_id", "category", "total", "answered"],
         [{"survey_id": survey_id, "category": category, "total": total, "answered": answered,
           "count": n} for (category, total, answered), n in sorted(scores.items())])


def _add(db: Session, model: Any, keys: list[str], rows: list[dict[str, Any]]) -> None:
    """INSERT the rows, or add their counts to the rows already there.

    One statement with a parameter set per row, in the rows' order: SQLAlchemy compiles it
    once per process, where a VALUES list of the rows themselves cannot be cached and took
    about 2.5 ms of CPU to compile for every response stored (`bench/load.py`)."""
    if rows:
        db.connection().execute(_upsert(db.get_bind().dialect.name, model, tuple(keys)), rows)


@functools.cache
def _upsert(dialect: str, model: Any, keys: tuple[str, ...]) -> sa.Insert:
    """The statement `_add` runs, built once per table (building it is not free either)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = model.__table__
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={"count": table.c.count + statement.excluded["count"]})


def forget(db: Session, survey_ids: Collection[int]) -> None:
    """Remove the tallies of surveys whose responses are being deleted."""
    for model in (AnswerTally, ScoreTally):
        db.execute(sa.delete(model).where(model.survey_id.in_(list(survey_ids))),
                   execution_options={"synchronize_session": False})


# --- Recounting from the answers -------------------------------------------------------------

def rebuild(db: Session, survey_id: int, definition: s.Definition) -> None:
    """Recount a survey's tallies from its released responses' answers (GROUP BY in the
    database), in the caller's transaction. Used after a bulk load (`recount_missing`)."""
    forget(db, [survey_id])
    answers = _counted_answers(survey_id)
    responses = db.scalar(sa.select(sa.func.count()).select_from(Response).where(
        Response.survey_id == survey_id, Response.is_follow_up.is_(False),
        Response.released)) or 0
    if not responses:
        return
    keys: Counter[AnswerKey] = Counter({(SURVEY, RESPONSES, ""): responses})
    items = list(counted_items(definition))
    if items:
        for item, number, text, n in db.execute(
                sa.select(Answer.item, Answer.value_num, Answer.value_text, sa.func.count())
                .where(*answers, Answer.item.in_(items))
                .group_by(Answer.item, Answer.value_num, Answer.value_text)):
            if text is not None:
                keys[(item, TEXT, text)] += n
            elif number is not None:
                keys[(item, NUMBER, number_value(number))] += n
        for item, n in db.execute(
                sa.select(Answer.item, sa.func.count(sa.distinct(Answer.response_id)))
                .where(*answers, Answer.item.in_(items),
                       sa.or_(Answer.value_text.is_not(None), Answer.value_num.is_not(None)))
                .group_by(Answer.item)):
            keys[(item, RESPONSES, "")] = n
    _add(db, AnswerTally, ["survey_id", "item", "kind", "value"],
         [{"survey_id": survey_id, "item": item, "kind": kind, "value": value, "count": n}
          for (item, kind, value), n in sorted(keys.items())])
    _add(db, ScoreTally, ["survey_id", "category", "total", "answered"],
         [{"survey_id": survey_id, "category": category, "total": float(total),
           "answered": answered, "count": n}
          for category, total, answered, n in _recounted_scores(db, survey_id, definition)])


def _counted_answers(survey_id: int) -> list[sa.ColumnElement[bool]]:
    """The WHERE clause of a survey's answers that belong to released responses, follow-ups
    left out: the few rows left out are named, not the many counted."""
    left_out = sa.select(Response.id).where(
        Response.survey_id == survey_id,
        sa.or_(Response.is_follow_up.is_(True), ~Response.released))
    return [Answer.survey_id == survey_id, Answer.response_id.not_in(left_out)]


def _recounted_scores(db: Session, survey_id: int, definition: s.Definition
                      ) -> list[tuple[str, float, int, int]]:
    """(category, sum, how many, responses) recounted from the answers.

    The CASE that names the category sits in an inner subquery so that GROUP BY names a
    column: PostgreSQL with server-side parameters would not see two CASEs with their own
    parameters as equal.
    """
    members = category_members(definition)
    if not members:
        return []
    numbers = (
        sa.select(Answer.response_id, Answer.value_num,
                  sa.case(members, value=Answer.item).label("category"))
        .where(*_counted_answers(survey_id), Answer.item.in_(list(members)),
               Answer.value_num.is_not(None), Answer.value_text.is_(None))
        .subquery())
    scores = (sa.select(numbers.c.category, sa.func.sum(numbers.c.value_num).label("total"),
                        sa.func.count().label("answered"))
              .group_by(numbers.c.response_id, numbers.c.category).subquery())
    category: sa.ColumnElement[str] = scores.c.category
    total: sa.ColumnElement[float] = scores.c.total
    answered: sa.ColumnElement[int] = scores.c.answered
    rows = db.execute(sa.select(category, total, answered, sa.func.count())
                      .group_by(scores.c.category, scores.c.total, scores.c.answered)
                      .order_by(scores.c.category, scores.c.total, scores.c.answered))
    return [(name, float(sum_), int(count), int(n)) for name, sum_, count, n in rows]


def recount_missing(db: Session) -> int:
    """Rebuild the tallies of every survey that has responses but no tallies (a database
    from before the tallies, or a bulk load); returns how many surveys were recounted.
    Run by `upgrade_database`, so `flask migrate` brings an older database up to date."""
    counted = sa.exists().where(AnswerTally.survey_id == Survey.id, AnswerTally.item == SURVEY,
                                AnswerTally.kind == RESPONSES)
    answered = sa.exists().where(Response.survey_id == Survey.id,
                                 Response.is_follow_up.is_(False), Response.released)
    missing = list(db.scalars(sa.select(Survey).where(answered, ~counted).order_by(Survey.id)))
    for survey in missing:
        rebuild(db, survey.id, survey.questionnaire.definition)
    return len(missing)
