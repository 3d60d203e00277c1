"""Staff page: the network at a glance (heat map of units × categories, baseline and
follow-up, the teams' improvement areas).

Who may see it: administrators and the network's own leads (`access.get_visible` on the
network; unit leads and other networks' leads get 404). What is shown and why it may be
shown (the small-group rule, and why team statuses are not suppressed) is in
`reporting.network_overview`. The page has no free text.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template, request
from flask_babel import gettext as _

import database
from questionnaires import schema as s
from questionnaires.queries import latest_version
from reporting import aggregation, checklist
from reporting import network_overview as no
from staff.checklist import ChecklistSummary, checklist_summary
from staff.signin import bp
from surveys import access, auth
from surveys.models import Network, Survey
from web.i18n import current_language


@dataclass(frozen=True)
class HeatMap:
    slug: str
    definition: s.Definition
    categories: list[s.Category]
    scale: s.Scale | None  # the scale for the legend when all categories share one
    groups: tuple[no.Group, ...]
    bands: list[tuple[int, float, float]]  # (band, low, high) in scale values


@dataclass(frozen=True)
class Improvement:
    items: list[s.SingleChoiceItem]
    groups: tuple[no.Group, ...]
    labels: dict[str, dict[str, str]]  # item id → option value → its text in the page's language


def _minimum() -> int:
    return current_app.config["SMALL_GROUP_MIN"]


def heat_map(slug: str, definition: s.Definition, units: list[no.UnitRow]) -> HeatMap:
    db, minimum = database.session(), _minimum()
    surveys = no.newest_surveys(db, [u.id for u in units], slug)
    ids = list(surveys.values())
    figures = aggregation.score_means(db, ids, no.category_items(definition))
    groups = no.heat_rows(definition, units, surveys, aggregation.response_totals(db, ids),
                          figures, minimum)
    scale = no.shared_scale(definition)
    bands = ([(k, low, high) for k, (low, high) in enumerate(no.band_limits(scale))]
             if scale is not None else [])
    return HeatMap(slug, definition, no.shown_categories(definition), scale, groups, bands)


def improvement(units: list[no.UnitRow]) -> Improvement | None:
    db = database.session()
    version = latest_version(db, no.IMPROVEMENT_SLUG)
    if version is None:
        return None
    items = no.improvement_items(version.definition)
    surveys = no.newest_surveys(db, [u.id for u in units], no.IMPROVEMENT_SLUG)
    ids = list(surveys.values())
    counts = no.status_counts(db, ids, [item.id for item in items])
    lang = current_language()
    labels = {item.id: {option.value: option.text.get(lang) for option in item.options}
              for item in items}
    return Improvement(items, no.status_rows(items, units, surveys,
                                             aggregation.response_totals(db, ids), counts),
                       labels)


def _chosen(choices: dict[str, s.Definition]) -> tuple[str | None, str | None]:
    """The questionnaire asked for, or the default; and an error message for a bad choice."""
    wanted = request.args.get("questionnaire", "")
    if wanted in choices:
        return wanted, None
    default = no.DEFAULT_SLUG if no.DEFAULT_SLUG in choices else next(iter(choices), None)
    if wanted == "":
        return default, None
    return default, _("Choose one of the questionnaires in the list.")


@bp.get("/networks/<int:network_id>/overview")
@auth.login_required
def network_overview(network_id: int):
    """Heat map, baseline/follow-up table and improvement areas of one network's units."""
    account, db = auth.current_account(), database.session()
    network = access.get_visible(db, account, Network, network_id)
    units = no.network_units(db, network.id)
    choices = no.category_questionnaires(db)
    slug, error = _chosen(choices)
    heat = heat_map(slug, choices[slug], units) if slug is not None else None
    phases = (no.phase_rows(units, no.phase_counts(db, [u.id for u in units], slug),
                            _minimum()) if slug is not None else ())
    page = render_template(
        "admin/network/overview.html", network=network, units=units, choices=choices,
        heat=heat, phases=phases, improvement=improvement(units), error=error,
        minimum=_minimum(), lang=current_language())
    return page, 400 if error else 200


@dataclass(frozen=True)
class ChecklistRow:
    unit: no.UnitRow
    survey: Survey
    summary: ChecklistSummary


@bp.get("/networks/<int:network_id>/checklists")
@auth.login_required
def network_checklists(network_id: int):
    """Every unit's checklist side by side: pathways, the current median and the signals.
    Only figures of a unit's whole series leave its page, and only from the small-group
    limit on (see `reporting.checklist`)."""
    account, db = auth.current_account(), database.session()
    network = access.get_visible(db, account, Network, network_id)
    units = {unit.id: unit for unit in no.network_units(db, network.id)}
    surveys = db.scalars(sa.select(Survey).where(Survey.unit_id.in_(list(units)))
                         .order_by(Survey.id.desc())) if units else []
    rows = [ChecklistRow(units[survey.unit_id], survey, checklist_summary(survey, _minimum()))
            for survey in surveys if checklist.is_checklist(survey.questionnaire.definition)]
    order = {unit_id: index for index, unit_id in enumerate(units)}
    rows.sort(key=lambda row: order[row.unit.id])
    return render_template("admin/network/checklists.html", network=network,
                           groups=no.grouped(rows), minimum=_minimum())
