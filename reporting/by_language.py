"""A survey's results read by the language its answers were given in (issue 18: a unit that
asks in Polish and Ukrainian wants to know how those users fare).

The tallies count a survey's answers all together, so the figures of one language are
counted here from its released answers, by the same rules as the tallies
(`surveys.tallies.answer_keys` and `score_keys`), and put through the same
`reporting.item_results` as the whole survey's. Two pages must not give away a small group
by subtraction: a language is offered only when every language of the survey has 0 or at
least k responses (`surveys.queries.language_counts`), and an item or category whose
answers from the other languages would be 1 to k − 1 is held back in the language's view,
as «fewer than k». Free text is not shown by language: its language already tells whose it
may be.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session

import database
from analytics.small_groups import SmallGroups
from questionnaires import schema as s
from questionnaires.item_types import AnswerValue
from reporting import aggregation, item_results
from reporting.aggregation import ItemCounts, Scores, add_count, add_score
from reporting.item_results import SurveyResults
from reporting.rule import current_rule
from surveys.models import Answer, Response, Survey
from surveys.queries import language_counts, released
from surveys.tallies import answer_keys, score_keys


def languages_of(survey: Survey) -> dict[str, int] | None:
    """The languages the survey's results may be read by, with their responses; None when
    they may not (a language with 1 to k − 1 responses), and one entry for one language."""
    return language_counts(database.session(), survey.id, current_rule())


def results_in(survey: Survey, language: str) -> SurveyResults | None:
    """The results of the answers given in `language`; None when the survey's results may
    not be read by language or none were given in it."""
    db, definition, rule = database.session(), survey.questionnaire.definition, current_rule()
    counts = language_counts(db, survey.id, rule)
    if counts is None or not counts.get(language):
        return None
    answers, scores = _counted(db, survey.id, definition, language)
    items = [item.id for item in item_results.shown_items(definition)]
    members = item_results.category_items(definition)
    return item_results.survey_results(
        definition, counts[language], None,
        _held_back(_item_counts(answers, items), aggregation.item_counts(db, survey.id, items),
                   rule),
        _scores_held_back(_scores(scores), aggregation.scores(db, survey.id, members), rule),
        None, rule)


def _counted(db: Session, survey_id: int, definition: s.Definition, language: str
             ) -> tuple[Counter, Counter]:
    """The answer and score keys of the language's released responses, as the tallies
    count them."""
    by_response: dict[object, list[AnswerValue]] = defaultdict(list)
    for response_id, item, position, number, text in db.execute(
            sa.select(Answer.response_id, Answer.item, Answer.position, Answer.value_num,
                      Answer.value_text)
            .join(Response, Response.id == Answer.response_id)
            .where(Answer.survey_id == survey_id, Response.language == language,
                   Response.is_follow_up.is_(False), released())):
        by_response[response_id].append(AnswerValue(item, position, number, text))
    answers: Counter = Counter()
    scores: Counter = Counter()
    for given in by_response.values():
        answers.update(answer_keys(definition, given))
        scores.update(score_keys(definition, given))
    return answers, scores


def _item_counts(keys: Counter, items: list[str]) -> dict[str, ItemCounts]:
    found = {item: ItemCounts() for item in items}
    for (item, kind, value), n in keys.items():
        if item in found:  # not the survey's own row (`SURVEY`), nor an item not shown
            add_count(found[item], kind, value, n)
    return found


def _scores(keys: Counter) -> dict[str, Scores]:
    found: dict[str, Scores] = defaultdict(dict)
    for (category, total, answered), n in keys.items():
        add_score(found[category], total, answered, n)
    return found


def _held_back(part: dict[str, ItemCounts], whole: dict[str, ItemCounts],
               rule: SmallGroups) -> dict[str, ItemCounts]:
    """The language's counts, each item held back when the rest would be 1 to k − 1."""
    return {item: (ItemCounts(responses=1)  # what the rule reads as «fewer than k»
                   if rule.too_few(whole[item].responses - counts.responses) else counts)
            for item, counts in part.items()}


def _scores_held_back(part: dict[str, Scores], whole: dict[str, Scores],
                      rule: SmallGroups) -> dict[str, Scores]:
    """The language's category scores, each held back when the rest would be 1 to k − 1."""
    return {category: ({} if rule.too_few(sum(whole.get(category, {}).values())
                                          - sum(scores.values())) else scores)
            for category, scores in part.items()}
