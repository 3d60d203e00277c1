"""Staff page: the network at a glance (heat map of units × categories, baseline and
follow-up, the teams' improvement areas).

Who may see it: administrators and the network's own leads (`access.get_visible` on the
network; unit leads and other networks' leads get 404). What is shown and why it may be
shown (the small-group rule, and why team statuses are not suppressed) is in
`reporting.network_overview`. The page has no free text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template

import database
from reporting import checklist
from reporting import network_overview as no
from reporting.checklist_summary import ChecklistSummary, checklist_summary
from reporting.network import heat_map, improvement
from reporting.rule import current_rule
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.choices import network_questionnaire
from surveys import access, auth, questionnaire_owners
from surveys.models import Network, Survey
from web.i18n import current_language

bp = StaffBlueprint("network", __name__)


@bp.get("/networks/<int:network_id>/overview", allow=SIGNED_IN)
def network_overview(network_id: int):
    """Heat map, baseline/follow-up table and improvement areas of one network's units."""
    account, db = auth.signed_in_account(), database.session()
    network = access.get_visible(db, account, Network, network_id)
    units = no.network_units(db, network.id)
    choices = no.category_questionnaires(
        db, questionnaire_owners.hidden_slugs(db, account))
    slug, error = network_questionnaire(choices)
    heat = heat_map(slug, choices[slug], units) if slug is not None else None
    phases = (no.phase_rows(units, no.phase_counts(db, [u.id for u in units], slug),
                            current_rule()) if slug is not None else ())
    page = render_template(
        "admin/network/overview.html", network=network, units=units, choices=choices,
        heat=heat, phases=phases, improvement=improvement(units, current_language()), error=error,
        minimum=current_rule().minimum, lang=current_language())
    return page, 400 if error else 200


@dataclass(frozen=True)
class ChecklistRow:
    unit: no.UnitRow
    survey: Survey
    summary: ChecklistSummary


@bp.get("/networks/<int:network_id>/checklists", allow=SIGNED_IN)
def network_checklists(network_id: int):
    """Every unit's checklist side by side: pathways, the current median and the signals.
    Only figures of a unit's whole series leave its page, and only from the small-group
    limit on (see `reporting.checklist`)."""
    account, db = auth.signed_in_account(), database.session()
    network = access.get_visible(db, account, Network, network_id)
    units = {unit.id: unit for unit in no.network_units(db, network.id)}
    surveys: Iterable[Survey] = db.scalars(
        sa.select(Survey).where(Survey.unit_id.in_(list(units))).order_by(Survey.id.desc())
    ) if units else []
    rows = [ChecklistRow(units[survey.unit_id], survey, checklist_summary(survey, current_rule()))
            for survey in surveys
            if survey.unit_id is not None  # always so (see the query); said again for the type
            and checklist.is_checklist(survey.questionnaire.definition)]
    order = {unit_id: index for index, unit_id in enumerate(units)}
    rows.sort(key=lambda row: order[row.unit.id])
    return render_template("admin/network/checklists.html", network=network,
                           groups=no.grouped(rows), minimum=current_rule().minimum)
