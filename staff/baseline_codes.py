"""The follow-up code of a paper baseline that staff typed in: its plan, and the message
that tells staff the code with a button for its printable slip. Used by paper entry
(`staff.surveys`); kept apart so that no view module imports another."""

from __future__ import annotations

from flask import flash, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape

import database
from surveys import code_handover, follow_up_codes
from surveys.follow_up_queries import stored_baseline_code
from surveys.models import Survey
from surveys.operations import FollowUpPlan, follow_up_plan
from util.dates import today
from util.secret import app_secret


def paper_baseline_plan(survey: Survey) -> FollowUpPlan | None:
    """The follow-up plan of a paper baseline, as online; None without a follow-up."""
    return follow_up_plan(survey, app_secret(), today())


def flash_baseline_code(survey: Survey, submission_key: str) -> None:
    """Tell staff the code of the baseline just stored, with a button for its printable slip.

    The message is built as Markup from escaped text, so the button survives the session's
    flash storage; only the session (never the audit log) holds the code.
    """
    code, row = stored_baseline_code(database.session(), app_secret(), survey.id,
                                     submission_key)
    text = escape(_("Follow-up code: %(code)s, suggested follow-up on or about %(date)s. "
                    "Write it on the paper form and in the journal."))
    message = text % {"code": Markup("<strong>%s</strong>") % follow_up_codes.display(code),
                      "date": format_date(row.due_on, "long")}
    flash(message + _slip_form(survey, code))


def _slip_form(survey: Survey, code: str) -> Markup:
    """A button that posts the code to its slip, once (`surveys.code_handover`): the code
    stays out of every address, as on the respondent's code page."""
    return Markup(
        '<form method="post" action="%s" class="inline-form">'
        '<input type="hidden" name="ticket" value="%s"><input type="hidden" name="code" '
        'value="%s"><input type="hidden" name="s" value="%s"><button type="submit" '
        'class="ds-button" data-variant="secondary" data-size="sm">%s</button></form>') % (
        url_for("respond.follow_up_slip", token=survey.public_token),
        code_handover.issue_ticket(), code,
        follow_up_codes.sign(app_secret(), survey.id, code),
        _("Open the slip with the code to print"))
