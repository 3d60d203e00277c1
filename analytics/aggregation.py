"""Reads for a survey's results: counts made by the database, handed on as plain dataclasses.

Why GROUP BY and not Python loops: a survey can hold thousands of answers, and the
`answers` table has an index on (survey_id, item), so the database counts each value of
each item in one pass and only the counts travel. Everything here leaves follow-up
responses (`Response.is_follow_up`) out: they answer the follow-up form of a baseline and
are not responses of the survey. Only top-level items are read (group rows, 'group.child',
are summarised on the change page).

Nothing here applies the small-group rule; `analytics.item_results` does, on these counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys.models import Answer, Response


@dataclass
class ItemCounts:
    """The answers to one item: how many per number and per text value, and how many
    responses answered it at all (a multiple-choice response gives several rows)."""

    numbers: dict[float, int] = field(default_factory=dict)
    texts: dict[str, int] = field(default_factory=dict)
    responses: int = 0


def response_total(db: Session, survey_id: int) -> int:
    """Responses of the survey, follow-ups not counted."""
    return db.scalar(sa.select(sa.func.count()).select_from(Response).where(
        Response.survey_id == survey_id, Response.is_follow_up.is_(False))) or 0


def _survey_answers(survey_id: int, items: Collection[str]) -> list[sa.ColumnElement[bool]]:
    """The WHERE clause of a survey's answers to `items`, follow-ups left out."""
    return [Answer.survey_id == survey_id, Answer.item.in_(list(items)),
            Response.is_follow_up.is_(False)]


def item_counts(db: Session, survey_id: int, items: Collection[str]) -> dict[str, ItemCounts]:
    """Per item: answers per value (value_num, else value_text), and responses answering.

    A checklist answer carries both a number and its text; it is counted under the text.
    Every asked item is in the result, empty if nobody answered it.
    """
    result = {item: ItemCounts() for item in items}
    if not items:
        return result
    rows = db.execute(
        sa.select(Answer.item, Answer.value_num, Answer.value_text, sa.func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(*_survey_answers(survey_id, items))
        .group_by(Answer.item, Answer.value_num, Answer.value_text))
    for item, number, text, count in rows:
        if text is not None:
            result[item].texts[text] = result[item].texts.get(text, 0) + count
        elif number is not None:
            result[item].numbers[float(number)] = count
    answering = db.execute(
        sa.select(Answer.item, sa.func.count(sa.distinct(Answer.response_id)))
        .join(Response, Response.id == Answer.response_id)
        .where(*_survey_answers(survey_id, items))
        .group_by(Answer.item))
    for item, count in answering:
        result[item].responses = count
    return result


def response_means(db: Session, survey_id: int,
                   categories: dict[str, Collection[str]]) -> dict[str, list[float]]:
    """Per category: each response's mean of its numeric answers to the category's items.

    One value per (category, response) with at least one number; "don't know" (no number)
    does not count. `categories` maps a category id to its item ids.
    """
    return response_means_by_survey(db, [survey_id], categories)[survey_id]


def per_response_means(survey_ids: Collection[int],
                       categories: Mapping[str, Collection[str]]) -> sa.Subquery | None:
    """A subquery of (survey_id, category, response_id, mean): each response's mean of its
    numeric answers to each category's items, follow-ups left out; None when there are no
    items or surveys to ask about.

    The CASE that names the category sits in an inner subquery so that GROUP BY names a
    column: PostgreSQL with server-side parameters would not see two CASEs with their own
    parameters as equal.
    """
    owner = {item: category for category, items in categories.items() for item in items}
    if not owner or not survey_ids:
        return None
    numbers = (
        sa.select(Answer.survey_id, Answer.response_id, Answer.value_num,
                  sa.case(owner, value=Answer.item).label("category"))
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.survey_id.in_(list(survey_ids)), Answer.item.in_(list(owner)),
               Response.is_follow_up.is_(False), Answer.value_num.is_not(None))
        .subquery())
    return (sa.select(numbers.c.survey_id, numbers.c.category, numbers.c.response_id,
                      sa.func.avg(numbers.c.value_num).label("mean"))
            .group_by(numbers.c.survey_id, numbers.c.category, numbers.c.response_id)
            .subquery())


def free_texts(db: Session, survey_id: int, items: Collection[str]) -> dict[str, list[str]]:
    """Per item, the non-empty texts written: by date, then alphabetically within a day, so
    the order does not tell in which order people answered."""
    result: dict[str, list[str]] = defaultdict(list)
    if not items:
        return result
    rows = db.execute(
        sa.select(Answer.item, Answer.value_text)
        .join(Response, Response.id == Answer.response_id)
        .where(*_survey_answers(survey_id, items), Answer.value_text.is_not(None),
               Answer.value_text != "")
        .order_by(Response.submitted_on, Answer.value_text))
    for item, text in rows:
        result[item].append(text)
    return dict(result)


def response_means_by_survey(db: Session, survey_ids: Collection[int],
                             categories: dict[str, Collection[str]]
                             ) -> dict[int, dict[str, list[float]]]:
    """`response_means` for several surveys in one query: survey id → category → each
    response's mean of its numeric answers to the category's items (follow-ups left out).

    Used when surveys are compared or pooled (an organisation's units together); every
    asked survey and category is in the result, empty if nobody answered.
    """
    result: dict[int, dict[str, list[float]]] = {
        survey_id: {category: [] for category in categories} for survey_id in survey_ids}
    means = per_response_means(survey_ids, categories)
    if means is None:
        return result
    for survey_id, category_id, mean in db.execute(
            sa.select(means.c.survey_id, means.c.category, means.c.mean)):
        result[survey_id][category_id].append(float(mean))
    return result
