"""Staff pages that change a survey after it is made (issue 17): its details, the survey of
its next period («Ny periode»), archiving it out of the list and deleting it.

Every route loads its survey with `lookups.visible_survey` (404 outside the account's
scope); writes go through `surveys.survey_admin_operations`, each with its audit entry.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

import database
from staff.blueprint import SIGNED_IN, StaffBlueprint, to_issued_links, to_survey
from staff.lookups import visible_survey
from staff.survey_change_forms import DeleteSurveyForm, EditSurveyForm, NextPeriodForm
from staff.survey_forms import PHASE_NONE
from surveys import auth, batches
from surveys import survey_admin_operations as ops
from surveys.counts import response_count
from surveys.models import LinkMode

bp = StaffBlueprint("survey_changes", __name__)


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"], allow=SIGNED_IN)
def edit_survey(survey_id: int):
    """Change a survey's title, period, phase, dates, number invited and contact."""
    survey = visible_survey(survey_id)
    form = EditSurveyForm(obj=survey, phase=survey.phase or PHASE_NONE)
    if form.validate_on_submit():
        ops.edit_survey(database.session(), auth.signed_in_account(), survey, _details(form))
        flash(_("The survey is changed."))
        return to_survey(survey)
    status = 422 if form.errors else 200
    return render_template("admin/surveys/edit.html", form=form, survey=survey), status


def _details(form: EditSurveyForm) -> ops.SurveyDetails:
    """The details as posted (a next period's form has them too, and its link count)."""
    return ops.SurveyDetails(
        title=form.title.data, period_label=form.period_label.data or None,
        phase=None if form.phase.data == PHASE_NONE else form.phase.data,
        opens_on=form.opens_on.data, closes_on=form.closes_on.data, invited=form.invited.data,
        contact=form.contact.data or None)


@bp.route("/surveys/<int:survey_id>/next-period", methods=["GET", "POST"], allow=SIGNED_IN)
def next_period(survey_id: int):
    """«Ny periode»: the survey of the next period, made from this one and linked to it. A
    unit's survey only, and only while the unit may still be given surveys (not archived)."""
    previous = visible_survey(survey_id)
    if not previous.may_have_next_period():
        abort(404)
    single_use = previous.link_mode == LinkMode.SINGLE_USE
    form = NextPeriodForm(title=previous.title, invited=previous.invited, phase="follow_up",
                          contact=previous.contact)
    if form.is_submitted() and form.validate(single_use=single_use):
        survey, issued = ops.next_period(database.session(), auth.signed_in_account(), previous,
                                         _details(form), form.link_count.data if single_use
                                         else None)
        flash(_("The survey «%(title)s» is created.", title=survey.title))
        return to_survey(survey) if issued is None else to_issued_links(survey, issued)
    status = 422 if form.errors else 200
    return render_template("admin/surveys/next_period.html", form=form, previous=previous,
                           single_use=single_use), status


@bp.post("/surveys/<int:survey_id>/archive", allow=SIGNED_IN)
def archive_survey(survey_id: int):
    return _set_archived(survey_id, True)


@bp.post("/surveys/<int:survey_id>/unarchive", allow=SIGNED_IN)
def unarchive_survey(survey_id: int):
    return _set_archived(survey_id, False)


def _set_archived(survey_id: int, archived: bool):
    """Take a survey out of the list of surveys, or bring it back."""
    survey = visible_survey(survey_id)
    ops.set_survey_archived(database.session(), auth.signed_in_account(), survey, archived)
    flash(_("The survey is archived: it is no longer in the list of surveys.") if archived
          else _("The survey is back in the list of surveys."))
    return to_survey(survey)


@bp.route("/surveys/<int:survey_id>/delete", methods=["GET", "POST"], allow=SIGNED_IN)
def delete_survey(survey_id: int):
    """Delete a survey with its links and every response, once its title is typed."""
    survey = visible_survey(survey_id)
    form = DeleteSurveyForm(survey.title)
    if form.validate_on_submit():
        title = survey.title
        ops.delete_survey(database.session(), auth.signed_in_account(), survey)
        flash(_("The survey «%(title)s» is deleted.", title=title))
        return redirect(url_for("admin.surveys.surveys"), code=303)
    db = database.session()
    html = render_template("admin/surveys/delete.html", form=form, survey=survey,
                           count=response_count(db, survey.id),
                           waiting=batches.waiting_of(db, survey.id))
    return html, 422 if form.errors else 200
