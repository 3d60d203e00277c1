"""Staff downloads of the pages' tables as CSV (`?sep=,` for commas) and Excel (XLSX).

Which tables: a survey's results, the two comparison pages and the network overview (heat
map, baseline/follow-up and improvement areas; one sheet each in XLSX, `?table=heat|phases|
status` for a CSV). The raw responses, the pairs, the checklist's series and the gathering
table are downloaded from their own areas' modules; all go through `staff.downloads`.

Each route loads its object exactly as its page does (`access.get_visible`, so the same
readers get 404), builds the same objects with the page's own functions, and hands them to
`reporting.export_tables`, so the small-group rule is the page's. These exports hold figures
only, no free text and no single answer, so unlike the raw export they are not audited.
A bad choice answers 400 with a message, an unknown address 404.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

import database
from analytics.exports import Table
from reporting import export_tables
from reporting import network_overview as no
from reporting.comparison import BETTER, DIFFERENT, UNCLEAR, WORSE
from reporting.comparison_queries import (
    Comparison,
    compare_periods,
    compare_surveys,
    mismatch,
    organisation_surveys,
    period_labels,
)
from reporting.export_tables import Words
from reporting.network import heat_map, improvement
from reporting.results import results_of
from reporting.rule import current_rule
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.choices import chosen_periods, network_questionnaire, other_survey
from staff.downloads import Download, table_downloads
from staff.lookups import visible, visible_survey
from surveys import auth, questionnaire_owners
from surveys.models import Network, Organisation
from web.errors import FriendlyError
from web.i18n import current_language

bp = StaffBlueprint("exports", __name__)

NETWORK_TABLES = ("heat", "phases", "status")


def _words(before_after: bool = True) -> Words:
    """The export's words; a comparison of A and B reads a difference, never better/worse."""
    directions = ({BETTER: _("better"), WORSE: _("worse"), UNCLEAR: _("no clear change")}
                  if before_after else
                  {DIFFERENT: _("clear difference"), UNCLEAR: _("no clear difference")})
    return Words(suppressed=_("fewer than %(minimum)d", minimum=current_rule().minimum),
                 no_survey=_("no survey"), no_answer=_("no answer"), directions=directions)


def _comparison(result: Comparison) -> Table:
    return export_tables.comparison_table(result, current_language(),
                                          _words(result.before_after))


# --- A survey's results ---------------------------------------------------------------------

@table_downloads(bp, "/surveys/<int:survey_id>/results", "survey_results", allow=SIGNED_IN)
def survey_results_download(fmt: str, survey_id: int) -> Download:
    """The figures of the results page, one row per category and per item."""
    survey = visible_survey(survey_id)
    table = export_tables.results_table(
        results_of(survey, free_text=False), survey.questionnaire.definition, survey.id,
        survey.title, current_language(), _words())
    return Download(f"survey-{survey.id}-results", [table])


# --- Two surveys of one unit ----------------------------------------------------------------

@table_downloads(bp, "/surveys/<int:survey_id>/compare", "survey_compare", allow=SIGNED_IN)
def survey_compare_download(fmt: str, survey_id: int) -> Download:
    """`?with=<survey id>`: the comparison page's categories as rows."""
    survey = visible_survey(survey_id)
    other = other_survey()  # 404 when out of scope, as on the page
    if other is None:
        raise FriendlyError(400, _("Choose a survey to compare with."))
    problem = mismatch(survey, other)
    if problem is not None:
        raise FriendlyError(400, problem)
    result = compare_surveys(survey, other)
    first, second = result.first[0], result.second[0]
    return Download(f"survey-{first.id}-{second.id}-comparison", [_comparison(result)])


# --- An organisation's units together -------------------------------------------------------

@table_downloads(bp, "/organisations/<int:organisation_id>/compare", "organisation_compare",
                 allow=SIGNED_IN)
def organisation_compare_download(fmt: str, organisation_id: int) -> Download:
    """`?questionnaire=<slug>&first=<period>&second=<period>`, as on the page."""
    organisation = visible(Organisation, organisation_id)
    surveys = organisation_surveys(organisation)
    choice = chosen_periods(period_labels(surveys))
    if not choice.complete:
        raise FriendlyError(400, _("Choose a questionnaire and two periods to compare."))
    if choice.problem is not None:
        raise FriendlyError(400, choice.problem)
    return Download(f"organisation-{organisation.id}-comparison",
                    [_comparison(compare_periods(surveys, choice))])


# --- The network overview -------------------------------------------------------------------

def network_tables(network: Network) -> dict[str, Table]:
    """The overview page's three tables for `?questionnaire=` (400 for an unknown one)."""
    db, lang, words = database.session(), current_language(), _words()
    units = no.network_units(db, network.id)
    choices = no.category_questionnaires(
        db, questionnaire_owners.hidden_slugs(db, auth.signed_in_account()))
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


@table_downloads(bp, "/networks/<int:network_id>/overview", "network_overview", allow=SIGNED_IN)
def network_overview_download(fmt: str, network_id: int) -> Download:
    """CSV: one table of the overview (`?table=heat|phases|status`, heat when not given);
    XLSX: the three tables, one sheet each."""
    network = visible(Network, network_id)
    wanted = request.args.get("table", "heat") if fmt == "csv" else None
    if wanted is not None and wanted not in NETWORK_TABLES:
        raise FriendlyError(400, _("Choose the table to download: heat, phases or status."))
    tables = network_tables(network)
    if wanted is None:
        return Download(f"network-{network.id}-overview", list(tables.values()))
    return Download(f"network-{network.id}-overview-{wanted}", [tables[wanted]])
