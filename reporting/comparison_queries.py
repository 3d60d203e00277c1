"""Which surveys a comparison of baseline and follow-up takes, and the comparison itself:
two surveys of one unit, or two periods of an organisation's units pooled. The database
gives each response's category score (`reporting.aggregation`), `reporting.comparison`
computes the means, the Welch interval of the difference and the small-group rule.

Shared by the comparison pages, their downloads and the API, so all three compare the same
surveys the same way. Which survey is the baseline is the surveys' own phase (`Survey.phase`),
never their dates: a follow-up without an opening date once became the baseline, and every
category read «worse». Two surveys (or periods) not marked one baseline and one follow-up
are compared as A and B, in the order the reader named them, with no better or worse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

import database
from questionnaires import schema as s
from reporting import aggregation, comparison, item_results
from reporting.comparison import CategoryComparison
from reporting.rule import current_rule
from surveys.models import Organisation, Survey, Unit

BASELINE, FOLLOW_UP = "baseline", "follow_up"  # `Survey.phase`


@dataclass(frozen=True)
class Comparison:
    """The rows of a comparison and what the page says about them: `first` is the baseline
    and `second` the follow-up when `before_after`, else they are A and B."""

    definition: s.Definition
    rows: tuple[CategoryComparison, ...]
    left_out: dict[str, int]  # category id → surveys left out of a pool (small groups)
    first: tuple[Survey, ...] = ()
    second: tuple[Survey, ...] = ()
    before_after: bool = True


def _categories(definitions: Sequence[s.Definition]) -> tuple[list[tuple[Any, Any]],
                                                              dict[str, list[str]]]:
    """The categories present in every definition (text and scale from the last), and per
    category the union of its items' ids over the definitions."""
    last = definitions[-1]
    common = [c for c in last.categories
              if all(c.id in {o.id for o in d.categories} for d in definitions)]
    members: dict[str, list[str]] = {c.id: [] for c in common}
    for definition in definitions:
        for category_id, items in item_results.category_items(definition).items():
            if category_id in members:
                members[category_id] += [i for i in items if i not in members[category_id]]
    last_members = item_results.category_items(last)
    listed = [(c, item_results.category_scale(last, last_members[c.id]))
              for c in common if members[c.id] and last_members[c.id]]
    return listed, members


def compare_groups(first: Sequence[Survey], second: Sequence[Survey],
                   before_after: bool) -> Comparison:
    """Compare the pooled category scores of two groups of surveys of one questionnaire:
    as baseline and follow-up when `before_after`, else as A and B."""
    definitions = [survey.questionnaire.definition for survey in (*first, *second)]
    categories, members = _categories(definitions)
    scores = aggregation.scores_by_survey(
        database.session(), [survey.id for survey in (*first, *second)], members)
    rule = current_rule()
    first_pool, first_out = comparison.pool({i.id: scores[i.id] for i in first}, rule)
    second_pool, second_out = comparison.pool({i.id: scores[i.id] for i in second}, rule)
    left_out = {key: first_out.get(key, 0) + second_out.get(key, 0)
                for key in {*first_out, *second_out}}
    rows = comparison.compare(categories, first_pool, second_pool, rule, before_after)
    return Comparison(definitions[-1], rows, left_out, tuple(first), tuple(second),
                      before_after)


def _slug(survey: Survey) -> str:
    return survey.questionnaire.slug


def candidates(survey: Survey) -> list[Survey]:
    """The other surveys of the same questionnaire and unit (visible with the unit)."""
    if survey.unit_id is None:
        return []
    found = database.session().scalars(
        sa.select(Survey).where(Survey.unit_id == survey.unit_id, Survey.id != survey.id)
        .order_by(Survey.id.desc()))
    return [other for other in found if _slug(other) == _slug(survey)]


def in_order(first: Sequence[Survey], second: Sequence[Survey]
             ) -> tuple[Sequence[Survey], Sequence[Survey], bool]:
    """(baseline, follow-up, True) when every survey of one group is marked baseline and
    every survey of the other follow-up, whichever the reader named first; otherwise the
    groups as named and False: they are then A and B, neither before the other."""
    def all_marked(group: Sequence[Survey], phase: str) -> bool:
        return bool(group) and all(survey.phase == phase for survey in group)
    if all_marked(first, BASELINE) and all_marked(second, FOLLOW_UP):
        return first, second, True
    if all_marked(first, FOLLOW_UP) and all_marked(second, BASELINE):
        return second, first, True
    return first, second, False


def compare_surveys(survey: Survey, other: Survey) -> Comparison:
    """`survey` (A) against `other` (B), or baseline against follow-up when so marked."""
    return compare_groups(*in_order([survey], [other]))


def compare_periods(surveys: Sequence[Survey], choice: PeriodChoice) -> Comparison:
    """The chosen periods' surveys, ordered by their phases as `in_order` says."""
    return compare_groups(*in_order(*period_groups(surveys, choice)))


def mismatch(survey: Survey, other: Survey) -> str | None:
    """Why two surveys cannot be compared, in the reader's language; None if they can."""
    if survey.unit_id is None or other.unit_id is None:
        return _("Only surveys of a unit can be compared.")
    if other.id == survey.id:
        return _("Choose a different survey to compare with.")
    if _slug(other) != _slug(survey):
        return _("The two surveys must use the same questionnaire.")
    if other.unit_id != survey.unit_id:
        return _("The two surveys must belong to the same unit.")
    return None


def organisation_surveys(organisation: Organisation) -> list[Survey]:
    """The surveys of the organisation's units that carry a period label."""
    return list(database.session().scalars(
        sa.select(Survey).join(Unit, Unit.id == Survey.unit_id)
        .where(Unit.organisation_id == organisation.id, Survey.period_label.is_not(None),
               Survey.period_label != "")
        .order_by(Survey.id)))


def period_labels(surveys: Sequence[Survey]) -> dict[str, list[str]]:
    """Questionnaire slug → the period labels its surveys carry, sorted."""
    labels: dict[str, set[str]] = {}
    for survey in surveys:
        labels.setdefault(_slug(survey), set()).add(survey.period_label or "")
    return {slug: sorted(found) for slug, found in sorted(labels.items())}


def _organisation_problem(labels: dict[str, list[str]], slug: str, first: str,
                          second: str) -> str | None:
    if slug not in labels:
        return _("Choose a questionnaire that the organisation's units have used.")
    if first not in labels[slug] or second not in labels[slug]:
        return _("Choose two periods that exist for this questionnaire.")
    if first == second:
        return _("Choose two different periods.")
    return None


@dataclass(frozen=True)
class PeriodChoice:
    """What the organisation form asked for, and the problem with it (None: none)."""

    slug: str
    first: str
    second: str
    problem: str | None

    @property
    def complete(self) -> bool:
        return bool(self.slug and self.first and self.second)


def period_choice(labels: dict[str, list[str]], slug: str, first: str,
                  second: str) -> PeriodChoice:
    """The reader's choice of questionnaire and two periods, checked against `labels`."""
    choice = PeriodChoice(slug, first, second, None)
    if not choice.complete:
        return choice
    return PeriodChoice(slug, first, second, _organisation_problem(labels, slug, first, second))


def period_groups(surveys: Sequence[Survey],
                  choice: PeriodChoice) -> tuple[list[Survey], list[Survey]]:
    chosen = [survey for survey in surveys if _slug(survey) == choice.slug]
    return ([survey for survey in chosen if survey.period_label == choice.first],
            [survey for survey in chosen if survey.period_label == choice.second])
