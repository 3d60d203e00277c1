"""The follow-up code of a paper baseline that staff typed in: its plan, and the message
that tells staff the code with a link to its printable slip. Used by paper entry
(`staff.surveys`); kept apart so that no view module imports another."""

from __future__ import annotations

from flask import flash
from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape

import database
from surveys import follow_up_codes
from surveys.follow_up_queries import stored_baseline_code
from surveys.models import Survey
from surveys.operations import FollowUpPlan, follow_up_plan
from util.dates import today
from util.secret import app_secret


def paper_baseline_plan(survey: Survey) -> FollowUpPlan | None:
    """The follow-up plan of a paper baseline, as online; None without a follow-up."""
    return follow_up_plan(survey, app_secret(), today())


def flash_baseline_code(survey: Survey, submission_key: str) -> None:
    """Tell staff the code of the baseline just stored, with a link to its printable slip.

    The message is built as Markup from escaped text, so the link survives the session's
    flash storage; only the session (never the audit log) holds the code.
    """
    code, row = stored_baseline_code(database.session(), app_secret(), survey.id,
                                     submission_key)
    text = escape(_("Follow-up code: %(code)s, suggested follow-up on or about %(date)s. "
                    "Write it on the paper form and in the journal."))
    slip = follow_up_codes.code_url("respond.follow_up_slip", survey, code)
    message = text % {"code": Markup("<strong>%s</strong>") % follow_up_codes.display(code),
                      "date": format_date(row.due_on, "long")}
    flash(message + Markup(' <a class="ds-link" href="%s">%s</a>') % (
        slip, _("Open the slip with the code to print")))
