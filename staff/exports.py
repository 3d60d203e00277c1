"""Staff downloads of the pages' tables as CSV (`?sep=,` for commas) and Excel (XLSX).

Which tables: a survey's results, the two comparison pages and the network overview (heat
map, baseline/follow-up and improvement areas; one sheet each in XLSX, `?table=heat|phases|
status` for a CSV). The raw responses, the pairs and the gathering table have their `.xlsx`
beside their `.csv` in their own modules.

Each route loads its object exactly as its page does (`access.get_visible`, so the same
readers get 404), builds the same objects with the page's own functions, and hands them to
`reporting.export_tables`, so the small-group rule is the page's. These exports hold figures
only, no free text and no single answer, so unlike the raw export they are not audited.
A bad choice answers 400 with a message, an unknown address 404.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

import database
from analytics import exports
from analytics.exports import Table
from reporting import export_tables
from reporting import network_overview as no
from reporting.comparison import BETTER, UNCLEAR, WORSE
from reporting.comparison_queries import (
    compare_groups,
    in_order,
    mismatch,
    organisation_surveys,
    period_groups,
    period_labels,
)
from reporting.export_tables import Words
from reporting.network import heat_map, improvement
from reporting.results import results_of
from reporting.rule import current_rule
from staff.blueprint import SIGNED_IN, bp, export_delimiter
from staff.choices import chosen_periods, network_questionnaire, other_survey
from staff.lookups import visible, visible_survey
from surveys.models import Network, Organisation
from web.errors import FriendlyError
from web.i18n import current_language

NETWORK_TABLES = ("heat", "phases", "status")


def _words() -> Words:
    return Words(suppressed=_("fewer than %(minimum)d", minimum=current_rule().minimum),
                 no_survey=_("no survey"), no_answer=_("no answer"),
                 directions={BETTER: _("better"), WORSE: _("worse"),
                             UNCLEAR: _("no clear change")})


def _send(fmt: str, stem: str, build) -> Response:
    """Check the separator, build the tables and send them. What cannot be exported raises
    a FriendlyError, which the error page shows as a 400 with its message."""
    delimiter = export_delimiter(fmt)
    return exports.table_response(fmt, stem, build(), delimiter)


# --- A survey's results ---------------------------------------------------------------------

def _results_export(survey_id: int, fmt: str):
    survey = visible_survey(survey_id)

    def build() -> list[Table]:
        return [export_tables.results_table(
            results_of(survey, free_text=False), survey.questionnaire.definition, survey.id,
            survey.title, current_language(), _words())]

    return _send(fmt, f"survey-{survey.id}-results", build)


@bp.get("/surveys/<int:survey_id>/results.csv", allow=SIGNED_IN)
def survey_results_csv(survey_id: int):
    """The figures of the results page, one row per category and per item."""
    return _results_export(survey_id, "csv")


@bp.get("/surveys/<int:survey_id>/results.xlsx", allow=SIGNED_IN)
def survey_results_xlsx(survey_id: int):
    return _results_export(survey_id, "xlsx")


# --- Two surveys of one unit ----------------------------------------------------------------

def _survey_compare_export(survey_id: int, fmt: str):
    survey = visible_survey(survey_id)
    other = other_survey()  # 404 when out of scope, as on the page

    def build() -> list[Table]:
        if other is None:
            raise FriendlyError(400, _("Choose a survey to compare with."))
        problem = mismatch(survey, other)
        if problem is not None:
            raise FriendlyError(400, problem)
        first, second = in_order(survey, other)
        result = compare_groups([first], [second])
        return [export_tables.comparison_table(result.rows, result.left_out,
                                               current_language(), _words())]

    stem = f"survey-{survey.id}-comparison"
    if other is not None:
        stem = "survey-{}-{}-comparison".format(*(s.id for s in in_order(survey, other)))
    return _send(fmt, stem, build)


@bp.get("/surveys/<int:survey_id>/compare.csv", allow=SIGNED_IN)
def survey_compare_csv(survey_id: int):
    """`?with=<survey id>`: the comparison page's categories as rows."""
    return _survey_compare_export(survey_id, "csv")


@bp.get("/surveys/<int:survey_id>/compare.xlsx", allow=SIGNED_IN)
def survey_compare_xlsx(survey_id: int):
    return _survey_compare_export(survey_id, "xlsx")


# --- An organisation's units together -------------------------------------------------------

def _organisation_compare_export(organisation_id: int, fmt: str):
    organisation = visible(Organisation, organisation_id)

    def build() -> list[Table]:
        surveys = organisation_surveys(organisation)
        choice = chosen_periods(period_labels(surveys))
        if not choice.complete:
            raise FriendlyError(400, _("Choose a questionnaire and two periods to compare."))
        if choice.problem is not None:
            raise FriendlyError(400, choice.problem)
        result = compare_groups(*period_groups(surveys, choice))
        return [export_tables.comparison_table(result.rows, result.left_out,
                                               current_language(), _words())]

    return _send(fmt, f"organisation-{organisation.id}-comparison", build)


@bp.get("/organisations/<int:organisation_id>/compare.csv", allow=SIGNED_IN)
def organisation_compare_csv(organisation_id: int):
    """`?questionnaire=<slug>&first=<period>&second=<period>`, as on the page."""
    return _organisation_compare_export(organisation_id, "csv")


@bp.get("/organisations/<int:organisation_id>/compare.xlsx", allow=SIGNED_IN)
def organisation_compare_xlsx(organisation_id: int):
    return _organisation_compare_export(organisation_id, "xlsx")


# --- The network overview -------------------------------------------------------------------

def network_tables(network: Network) -> dict[str, Table]:
    """The overview page's three tables for `?questionnaire=` (400 for an unknown one)."""
    db, lang, words = database.session(), current_language(), _words()
    units = no.network_units(db, network.id)
    choices = no.category_questionnaires(db)
    slug, error = network_questionnaire(choices)
    if error is not None:
        raise FriendlyError(400, error)
    if slug is None:
        heat = export_tables.heat_table([], [], words)
        phases = export_tables.phases_table([], words)
    else:
        found = heat_map(slug, choices[slug], units)
        heat = export_tables.heat_table(found.categories, found.groups, words)
        phases = export_tables.phases_table(
            no.phase_rows(units, no.phase_counts(db, [u.id for u in units], slug), current_rule()),
            words)
    teams = improvement(units, lang)
    status = (export_tables.status_table(teams.items, teams.groups, lang, words)
              if teams is not None else export_tables.status_table([], [], lang, words))
    return {"heat": heat, "phases": phases, "status": status}


def _network_export(network_id: int, fmt: str):
    network = visible(Network, network_id)
    wanted = request.args.get("table", "heat") if fmt == "csv" else None

    def build() -> list[Table]:
        if wanted is not None and wanted not in NETWORK_TABLES:
            raise FriendlyError(400, _("Choose the table to download: heat, phases or status."))
        tables = network_tables(network)
        return [tables[wanted]] if wanted is not None else list(tables.values())

    stem = f"network-{network.id}-overview" + (f"-{wanted}" if wanted in NETWORK_TABLES else "")
    return _send(fmt, stem, build)


@bp.get("/networks/<int:network_id>/overview.csv", allow=SIGNED_IN)
def network_overview_csv(network_id: int):
    """One table of the overview (`?table=heat|phases|status`, heat when not given)."""
    return _network_export(network_id, "csv")


@bp.get("/networks/<int:network_id>/overview.xlsx", allow=SIGNED_IN)
def network_overview_xlsx(network_id: int):
    """The overview's three tables, one sheet each."""
    return _network_export(network_id, "xlsx")
