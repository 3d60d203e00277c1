"""Staff pages comparing baseline and follow-up: two surveys of one unit, or two periods of
an organisation's units together, per category with the difference and its 95 % CI.

Why here and not on the results page: a comparison needs two groups chosen by the reader
(GET forms, so the page can be bookmarked and needs no CSRF token). The database gives each
response's category score (`reporting.aggregation`), `reporting.comparison` computes the
means, the Welch interval of the difference and the small-group rule, and these views only
check the choice, load, call and render.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, render_template, request
from flask_babel import gettext as _

import database
from analytics import charts
from questionnaires import schema as s
from questionnaires.scoring import to_0_100
from reporting import aggregation, comparison, item_results
from reporting.comparison import CategoryComparison
from staff.signin import bp
from surveys import access, auth
from surveys.models import Organisation, Survey, Unit
from web.i18n import current_language


def _minimum() -> int:
    return current_app.config["SMALL_GROUP_MIN"]


@dataclass(frozen=True)
class Comparison:
    """The rows of a comparison and what the page says about them."""

    definition: s.Definition
    rows: tuple[CategoryComparison, ...]
    left_out: dict[str, int]  # category id → surveys left out of a pool (small groups)


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


def compare_groups(first: Sequence[Survey], second: Sequence[Survey]) -> Comparison:
    """Compare the pooled category scores of two groups of surveys of one questionnaire."""
    definitions = [survey.questionnaire.definition for survey in (*first, *second)]
    categories, members = _categories(definitions)
    scores = aggregation.scores_by_survey(
        database.session(), [survey.id for survey in (*first, *second)], members)
    minimum = _minimum()
    first_pool, first_out = comparison.pool({i.id: scores[i.id] for i in first}, minimum)
    second_pool, second_out = comparison.pool({i.id: scores[i.id] for i in second}, minimum)
    left_out = {key: first_out.get(key, 0) + second_out.get(key, 0)
                for key in {*first_out, *second_out}}
    rows = comparison.compare(categories, first_pool, second_pool, minimum)
    return Comparison(definitions[-1], rows, left_out)


def chart_rows(rows: Sequence[CategoryComparison], lang: str) -> list[dict[str, Any]]:
    """The shown categories' means on 0–100 for `charts.difference_chart`."""
    labels = (_("Baseline"), _("Follow-up"))
    result = []
    for row in rows:
        if row.suppressed or row.first_100 is None:
            continue
        for label, ci in zip(labels, (row.first, row.second), strict=True):
            low, high = ((ci.low, ci.high) if ci.low is not None else (ci.mean, ci.mean))
            ends = sorted(to_0_100(value, row.scale) for value in (low, high))
            result.append({"category": row.category.text.get(lang), "group": label,
                           "mean": to_0_100(ci.mean, row.scale),
                           "low": ends[0], "high": ends[1]})
    return result


def difference_chart(rows: Sequence[CategoryComparison], lang: str) -> Any:
    return charts.difference_chart(
        chart_rows(rows, lang), title=_("Baseline and follow-up per category, 0–100"),
        first_label=_("Baseline"), second_label=_("Follow-up"),
        axis_title=_("Mean on 0–100 (100 = best)"), legend_title=_("Period"),
        locale=lang)


# --- Two surveys of one unit ----------------------------------------------------------------

def _visible_survey(survey_id: int) -> Survey:
    return access.get_visible(database.session(), auth.current_account(), Survey, survey_id)


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


def in_order(one: Survey, other: Survey) -> tuple[Survey, Survey]:
    """(baseline, follow-up): the earlier by opening date, then by id."""
    def key(survey: Survey) -> tuple[dt.date, int]:
        return (survey.opens_on or dt.date.min, survey.id)
    first, second = sorted((one, other), key=key)
    return first, second


def _mismatch(survey: Survey, other: Survey) -> str | None:
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


def _other_survey(survey: Survey) -> Survey | None:
    """The survey named by `?with=`; None when none was chosen; 404 out of scope."""
    value = request.args.get("with", "").strip()
    if not value:
        return None
    if not value.isdigit():
        abort(404)
    return _visible_survey(int(value))


@bp.get("/surveys/<int:survey_id>/compare")
@auth.login_required
def survey_compare(survey_id: int):
    """`?with=<survey id>`: this survey against another of the same unit and questionnaire;
    without it, the form to choose one."""
    survey = _visible_survey(survey_id)
    other = _other_survey(survey)
    context = {"survey": survey, "choices": candidates(survey), "minimum": _minimum(),
               "lang": current_language()}
    if other is None:
        return render_template("admin/comparison/survey.html", **context)
    problem = _mismatch(survey, other)
    if problem is not None:
        return render_template("admin/comparison/survey.html", problem=problem,
                               chosen=other, **context), 400
    first, second = in_order(survey, other)
    return render_template("admin/comparison/survey.html", chosen=other, first=first,
                           second=second, result=compare_groups([first], [second]),
                           **context)


@bp.get("/surveys/<int:survey_id>/compare/chart")
@auth.login_required
def survey_compare_chart(survey_id: int):
    """`?with=<survey id>&fmt=svg|png` (`&download=1` saves it): the two means per category
    on 0–100; a category below the small-group limit is not drawn."""
    fmt = request.args.get("fmt", "svg")
    if fmt not in charts.FORMATS:
        abort(404)
    survey = _visible_survey(survey_id)
    other = _other_survey(survey)
    if other is None or _mismatch(survey, other) is not None:
        abort(400)
    first, second = in_order(survey, other)
    chart = difference_chart(compare_groups([first], [second]).rows, current_language())
    return charts.chart_response(chart, fmt, f"survey-{first.id}-{second.id}-comparison",
                                 download=bool(request.args.get("download")))


# --- An organisation's units together -------------------------------------------------------

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


def period_choice(labels: dict[str, list[str]]) -> PeriodChoice:
    slug, first, second = (request.args.get(name, "").strip()
                           for name in ("questionnaire", "first", "second"))
    choice = PeriodChoice(slug, first, second, None)
    if not choice.complete:
        return choice
    return PeriodChoice(slug, first, second, _organisation_problem(labels, slug, first, second))


def period_groups(surveys: Sequence[Survey],
                  choice: PeriodChoice) -> tuple[list[Survey], list[Survey]]:
    chosen = [survey for survey in surveys if _slug(survey) == choice.slug]
    return ([survey for survey in chosen if survey.period_label == choice.first],
            [survey for survey in chosen if survey.period_label == choice.second])


@bp.get("/organisations/<int:organisation_id>/compare")
@auth.login_required
def organisation_compare(organisation_id: int):
    """`?questionnaire=<slug>&first=<period>&second=<period>`: all the organisation's units
    together, the surveys of one period against those of another."""
    db, account = database.session(), auth.current_account()
    organisation = access.get_visible(db, account, Organisation, organisation_id)
    surveys = organisation_surveys(organisation)
    labels = period_labels(surveys)
    choice = period_choice(labels)
    titles = {i.questionnaire.slug: i.questionnaire.definition.title for i in surveys}
    context = {"organisation": organisation, "labels": labels, "titles": titles,
               "choice": choice, "minimum": _minimum(), "lang": current_language()}
    if not choice.complete:
        return render_template("admin/comparison/organisation.html", **context)
    if choice.problem is not None:
        return render_template("admin/comparison/organisation.html", **context), 400
    first_group, second_group = period_groups(surveys, choice)
    return render_template("admin/comparison/organisation.html",
                           first_group=first_group, second_group=second_group,
                           result=compare_groups(first_group, second_group), **context)


@bp.get("/organisations/<int:organisation_id>/compare/chart")
@auth.login_required
def organisation_compare_chart(organisation_id: int):
    """The chart of the organisation comparison: the page's query and `&fmt=svg|png`."""
    fmt = request.args.get("fmt", "svg")
    if fmt not in charts.FORMATS:
        abort(404)
    db, account = database.session(), auth.current_account()
    organisation = access.get_visible(db, account, Organisation, organisation_id)
    surveys = organisation_surveys(organisation)
    choice = period_choice(period_labels(surveys))
    if not choice.complete or choice.problem is not None:
        abort(400)
    chart = difference_chart(compare_groups(*period_groups(surveys, choice)).rows,
                             current_language())
    return charts.chart_response(chart, fmt, f"organisation-{organisation.id}-comparison",
                                 download=bool(request.args.get("download")))
