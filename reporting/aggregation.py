"""Reads for a survey's results: counts kept by the database, handed on as plain dataclasses.

Why tallies and not a GROUP BY over the answers at every page view: a survey can hold
100,000 responses and a network 400 units, and `surveys.tallies` keeps the counts up to
date as each response is stored, so a page reads a few hundred rows whatever the size.
Follow-up responses (`Response.is_follow_up`) are not in the tallies: they answer the
follow-up form of a baseline and are not responses of the survey. Only top-level items are
counted (group rows, 'group.child', are summarised on the change page).

A category score is a response's mean of its numeric answers in the category; the scores
of a survey come as a histogram {score: how many responses}, which is all a mean, a
confidence interval or a Welch difference needs (`analytics.stats.moments`).

Nothing here applies the small-group rule; `reporting.item_results` does, on these counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys.models import Answer, AnswerTally, Response, ScoreTally
from surveys.queries import released
from surveys.tallies import NUMBER, TEXT

Scores = dict[float, int]  # a category's scores: {score: how many responses}


@dataclass
class ItemCounts:
    """The answers to one item: how many per number and per text value, and how many
    responses answered it at all (a multiple-choice response gives several rows)."""

    numbers: dict[float, int] = field(default_factory=dict)
    texts: dict[str, int] = field(default_factory=dict)
    responses: int = 0


def item_counts_by_survey(db: Session, survey_ids: Collection[int], items: Collection[str]
                          ) -> dict[int, dict[str, ItemCounts]]:
    """survey id → item → its counts; every asked survey and item is there, empty if
    nobody answered it."""
    result = {survey_id: {item: ItemCounts() for item in items} for survey_id in survey_ids}
    if not survey_ids or not items:
        return result
    rows = db.execute(
        sa.select(AnswerTally.survey_id, AnswerTally.item, AnswerTally.kind,
                  AnswerTally.value, AnswerTally.count)
        .where(AnswerTally.survey_id.in_(list(survey_ids)), AnswerTally.item.in_(list(items))))
    for survey_id, item, kind, value, count in rows:
        add_count(result[survey_id][item], kind, value, count)
    return result


def add_count(counts: ItemCounts, kind: str, value: str, n: int) -> None:
    """One tally row (`surveys.tallies`: a text value, a number, or the responses answering
    the item) into an item's counts; also for counts made from answers (`by_language`)."""
    if kind == TEXT:
        counts.texts[value] = n
    elif kind == NUMBER:
        counts.numbers[float(value)] = n
    else:
        counts.responses = n


def item_counts(db: Session, survey_id: int, items: Collection[str]) -> dict[str, ItemCounts]:
    """Per item: answers per value (a text value before a number), and responses answering.

    A checklist answer carries both a number and its text; it is counted under the text.
    """
    return item_counts_by_survey(db, [survey_id], items)[survey_id]


def scores_by_survey(db: Session, survey_ids: Collection[int], categories: Collection[str]
                     ) -> dict[int, dict[str, Scores]]:
    """survey id → category → its responses' scores as {score: responses}; every asked
    survey and category is there, empty if no response has a number in it."""
    result: dict[int, dict[str, Scores]] = {
        survey_id: {category: {} for category in categories} for survey_id in survey_ids}
    if not survey_ids or not categories:
        return result
    rows = db.execute(
        sa.select(ScoreTally.survey_id, ScoreTally.category, ScoreTally.total,
                  ScoreTally.answered, ScoreTally.count)
        .where(ScoreTally.survey_id.in_(list(survey_ids)),
               ScoreTally.category.in_(list(categories))))
    for survey_id, category, total, answered, count in rows:
        add_score(result[survey_id][category], float(total), answered, count)
    return result


def add_score(scores: Scores, total: float, answered: int, n: int) -> None:
    """`n` responses whose numbers in a category summed to `total` over `answered` items:
    each scores total ÷ answered (a score tally row, or counts made from answers)."""
    score = total / answered
    scores[score] = scores.get(score, 0) + n


def score_means(db: Session, survey_ids: Collection[int], categories: Collection[str]
                ) -> dict[tuple[int, str], tuple[float, int]]:
    """(survey id, category) → (mean score over responses, responses), summed in the
    database: what the network overview needs of 400 surveys at once, without their
    histograms. Only pairs with at least one score are there."""
    if not survey_ids or not categories:
        return {}
    weighted = ScoreTally.total / ScoreTally.answered * ScoreTally.count
    rows = db.execute(
        sa.select(ScoreTally.survey_id, ScoreTally.category, sa.func.sum(weighted),
                  sa.func.sum(ScoreTally.count))
        .where(ScoreTally.survey_id.in_(list(survey_ids)),
               ScoreTally.category.in_(list(categories)))
        .group_by(ScoreTally.survey_id, ScoreTally.category))
    return {(survey_id, category): (float(total) / int(n), int(n))
            for survey_id, category, total, n in rows if n}


def scores(db: Session, survey_id: int, categories: Collection[str]) -> dict[str, Scores]:
    """`scores_by_survey` of one survey."""
    return scores_by_survey(db, [survey_id], categories)[survey_id]


def free_texts(db: Session, survey_id: int, items: Collection[str]) -> dict[str, list[str]]:
    """Per item, the non-empty texts written, in alphabetical order: an order by date
    would let a lead who knows the day one person answered tell which text is theirs. Read
    from the answers of released responses (free text is never tallied); follow-ups left
    out."""
    result: dict[str, list[str]] = defaultdict(list)
    if not items:
        return result
    rows = db.execute(
        sa.select(Answer.item, Answer.value_text)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.survey_id == survey_id, Answer.item.in_(list(items)),
               Response.is_follow_up.is_(False), released(), Answer.value_text.is_not(None),
               Answer.value_text != "")
        .order_by(Answer.value_text))
    for item, text in rows:
        if text is not None:  # always so (see the query); said again for the type
            result[item].append(text)
    return dict(result)
