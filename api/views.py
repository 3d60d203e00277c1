"""The JSON API (/api/v1): the figures of the staff pages for a municipality's own tools.

Why: units and networks read their figures into Excel or Power BI. Every route here loads
its object as the staff page does (`surveys.access`: administrators see everything, network
leads their networks, unit leads their units; anything else answers 404, as on the pages,
so a program learns nothing about what exists outside its scope), builds the page's own
objects with the page's own functions, and turns them into the models of `api.models`
with `api.figures` and `api.objects`, so the small-group rule is the page's and every answer
is exactly what the document describes. No free text is ever returned.

Access is by API token only (`api.auth`); the routes only read, so CSRF does not
apply (the blueprint is exempt) and no cookie is needed. `/api/openapi.json` describes it all
(`api.schema`, generated from the same models).
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Blueprint, Response, abort, jsonify, request
from flask_babel import gettext as _

import database
from api import figures as api_figures
from api import models as api_models
from api import objects as api_objects
from api import schema as api_schema
from api.auth import current_account, token_required
from api.errors import bad_request, json_error
from reporting.change import summary_of
from reporting.comparison_queries import compare_surveys, mismatch
from reporting.gatherings import table_of
from reporting.results import category_overview, results_of
from reporting.rule import current_rule
from surveys import access
from surveys.counts import response_count, response_counts
from surveys.models import Network, Survey, Unit
from util.dates import today
from web.i18n import current_language

bp = Blueprint("api", __name__, url_prefix="/api")
T = TypeVar("T")
MAX_ID_DIGITS = 10


def _visible(model: type[T], object_id: int) -> T:
    return access.get_visible(database.session(), current_account(), model, object_id)


def _answer(shape: type[api_models.Answer], **body: Any) -> Response:
    """Every answer states the small-group limit its figures were held back by, and goes
    out through its model: nothing the document does not describe can be sent."""
    answer = shape(small_group_minimum=current_rule().minimum, **body)
    return jsonify(answer.model_dump(mode="json"))


def _survey_json(survey: Survey, responses: int | None = None) -> api_models.Survey:
    if responses is None:
        responses = response_count(database.session(), survey.id)
    return api_objects.survey(survey, responses, current_rule(), today(),
                              current_language())


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of the API (no token needed: it holds no data)."""
    return jsonify(api_schema.document())


# --- Surveys ------------------------------------------------------------------------------

@bp.get("/v1/surveys")
@token_required
def surveys():
    db = database.session()
    found = access.visible_surveys(db, current_account())
    totals = response_counts(db, [s.id for s in found])
    return _answer(api_models.SurveysAnswer, surveys=api_objects.surveys(
        found, totals, current_rule(), today(), current_language()))


@bp.get("/v1/surveys/<int:survey_id>/results")
@token_required
def survey_results(survey_id: int):
    survey = _visible(Survey, survey_id)
    found = results_of(survey, free_text=False)  # the API never returns free text
    definition, lang = survey.questionnaire.definition, current_language()
    return _answer(api_models.ResultsAnswer, survey=_survey_json(survey, found.responses),
                   **dict(api_figures.overview(found, lang)),
                   sections=api_figures.sections(found, definition, lang))


def _other_survey() -> Survey:
    """The survey in `?with=`: 400 when missing or not a number, 404 out of scope."""
    raw = request.args.get("with", "").strip()
    if not raw:
        bad_request(_("Choose a survey to compare with: ?with=<survey id>."))
    if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_ID_DIGITS):
        bad_request(_("The survey to compare with must be given by its number."))
    return _visible(Survey, int(raw))


@bp.get("/v1/surveys/<int:survey_id>/comparison")
@token_required
def survey_comparison(survey_id: int):
    """This survey (a) and `?with=` (b; same unit and questionnaire), per category with the
    difference b − a and its 95 % CI: baseline (a) against follow-up (b) when the two are so
    marked, whatever the order asked for; otherwise a and b with no better or worse.
    400 when `with` is missing or not a number, 422 when the two cannot be compared."""
    survey = _visible(Survey, survey_id)
    other = _other_survey()
    problem = mismatch(survey, other)
    if problem is not None:  # well-formed, but these two cannot be compared
        abort(json_error(422, problem)[0])
    result = compare_surveys(survey, other)
    return _answer(api_models.ComparisonAnswer,
                   design="before_after" if result.before_after else "a_b",
                   a=_survey_json(result.first[0]), b=_survey_json(result.second[0]),
                   categories=api_figures.comparison(result.rows, result.left_out,
                                                     current_language()))


@bp.get("/v1/surveys/<int:survey_id>/change")
@token_required
def survey_change(survey_id: int):
    """The change over linked pairs (PSFS); 404 for a questionnaire without follow-up."""
    survey = _visible(Survey, survey_id)
    if survey.questionnaire.definition.follow_up is None:
        abort(404)
    return _answer(api_models.ChangeAnswer, survey=_survey_json(survey),
                   change=api_figures.change(summary_of(survey)))


# --- Units --------------------------------------------------------------------------------

@bp.get("/v1/units")
@token_required
def units():
    found = access.visible_units(database.session(), current_account())
    return _answer(api_models.UnitsAnswer, units=[api_objects.unit(u) for u in found])


def _unit_survey(survey: Survey, responses: int) -> api_models.UnitSurvey:
    """One survey on the unit page: its categories, and the change if it has a follow-up."""
    definition, lang = survey.questionnaire.definition, current_language()
    return api_models.UnitSurvey(
        survey=_survey_json(survey, responses),
        results=(api_figures.overview(category_overview(survey), lang)
                 if definition.categories else None),
        change=(api_figures.change(summary_of(survey))
                if definition.follow_up is not None else None))


@bp.get("/v1/units/<int:unit_id>")
@token_required
def unit(unit_id: int):
    """The unit page's figures: every survey of the unit, newest first."""
    db = database.session()
    found = _visible(Unit, unit_id)
    listed = list(db.scalars(sa.select(Survey).where(Survey.unit_id == found.id)
                             .order_by(Survey.id.desc())))
    totals = response_counts(db, [s.id for s in listed])
    return _answer(api_models.UnitAnswer, unit=api_objects.unit(found),
                   surveys=[_unit_survey(s, totals[s.id]) for s in listed])


# --- Networks and their gatherings ----------------------------------------------------------

@bp.get("/v1/networks")
@token_required
def networks():
    found = access.visible_networks(database.session(), current_account())
    return _answer(api_models.NetworksAnswer,
                   networks=[api_objects.network(n) for n in found])


@bp.get("/v1/networks/<int:network_id>/gatherings")
@token_required
def network_gatherings(network_id: int):
    """The network's table of gathering evaluations (no open answers)."""
    network = _visible(Network, network_id)
    return _answer(api_models.GatheringTableAnswer, network=api_objects.named(network),
                   **dict(api_figures.gathering_table(table_of(network, current_language()))))
