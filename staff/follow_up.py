"""Staff pages for follow-ups («Hva er viktig for deg?»): a survey's follow-up settings, the
code of a paper baseline, and typing in paper follow-ups.

A paper follow-up is entered in two steps on one address: the code written on the form (and
the form's language), then a new score for each activity the user named at baseline. The
second step is rendered as the answer to the first post, so a code never appears in an
address, a log line or the audit log. Codes are looked up only within a survey the account
may see (`access.get_visible`), so no guessing limit is needed as on the respondent's pages.
Staff may enter paper follow-ups after the survey stopped taking them online.

A follow-up before the survey's earliest day (refused online) is saved from paper only when
staff tick that the form really was answered then; it is marked early and left out of the
change unless the survey includes early follow-ups (`analytics.paired`).
"""

from __future__ import annotations

import datetime as dt
import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import database
from questionnaires import follow_up as qfollow
from questionnaires import forms as qforms
from questionnaires.display import error_entries
from questionnaires.schema import Definition
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.lookups import follow_up_survey
from staff.survey_forms import (
    EarlyFollowUpForm,
    FollowUpSettingsForm,
    PaperCodeForm,
    PaperLanguageForm,
)
from surveys import auth, follow_up_codes, handout
from surveys import survey_admin_operations as ops
from surveys.follow_up_codes import CodeProblem
from surveys.follow_up_queries import FollowUpCode, find_code
from surveys.models import ResponseSource, Survey
from surveys.operations import Outcome, submit_follow_up
from surveys.pages import USED_CODE, follow_up_form
from surveys.queries import submission_exists
from util.dates import today
from util.secret import app_secret
from web.errors import render_error
from web.i18n import current_language

bp = StaffBlueprint("follow_up", __name__)

UNKNOWN_CODE = _l("No baseline in this survey has this code.")
NOT_CONFIRMED = _l("Tick the box to save an early follow-up, or type another code.")
# Fields of the entry page that are not questions of the follow-up form.
ENTRY_FIELDS = frozenset({"follow-up-code", "paper-language", "early-confirmed"})


# --- Settings -------------------------------------------------------------------------------

def follow_up_settings_form(survey: Survey) -> FollowUpSettingsForm:
    """The settings form with the survey's current values, for the survey page."""
    return FollowUpSettingsForm(formdata=None, obj=survey)


@bp.route("/surveys/<int:survey_id>/follow-up-settings", methods=["GET", "POST"], allow=SIGNED_IN)
def follow_up_settings(survey_id: int):
    """Change the weeks to the follow-up and whether the first score is shown."""
    survey = follow_up_survey(survey_id)
    if request.method == "GET":
        return _settings_page(survey, follow_up_settings_form(survey))
    form = FollowUpSettingsForm(obj=survey)  # a field a page predates keeps its value
    if not form.validate():
        return _settings_page(survey, form, status=422)
    ops.change_follow_up_settings(database.session(), auth.signed_in_account(), survey,
                                  form.follow_up_weeks.data, form.show_baseline_score.data,
                                  form.follow_up_earliest_days.data, form.follow_up_target.data)
    flash(_("The follow-up settings are saved."))
    return redirect(url_for("admin.surveys.survey", survey_id=survey.id), code=303)


def _settings_page(survey: Survey, form: FollowUpSettingsForm, status: int = 200):
    html = render_template("admin/surveys/follow_up_settings.html", survey=survey,
                           follow_up_form=form)
    return html, status


# --- The code of a paper baseline (called from paper entry) --------------------------------

# --- Paper follow-ups -----------------------------------------------------------------------

def _code_row(survey: Survey, code: str, submission_key: str | None) -> FollowUpCode:
    """The code's row in this survey; a used code passes only for the same follow-up sent
    again (same submission key), which is then stored once."""
    db = database.session()
    row = find_code(db, app_secret(), survey.id, code)
    if row is None:
        raise CodeProblem(404, str(UNKNOWN_CODE))
    if row.follow_up_id is not None and not (
            submission_key and submission_exists(db, survey.id, submission_key)):
        raise CodeProblem(410, str(USED_CODE))
    return row


@bp.route("/surveys/<int:survey_id>/follow-up-entry", methods=["GET", "POST"], allow=SIGNED_IN)
def follow_up_entry(survey_id: int):
    """Type in paper follow-ups: the code first, then the new scores for that code."""
    survey = follow_up_survey(survey_id)
    if request.method == "GET":
        lang = handout.print_language(request.args.get("lang"), "nb")
        language = PaperLanguageForm(formdata=None, language=lang or "nb")
        return _code_page(survey, PaperCodeForm(formdata=None), language)
    code_form, language = PaperCodeForm(), PaperLanguageForm()
    if not (code_form.validate() & language.validate()):
        return _code_page(survey, code_form, language, 422)
    code, key = code_form.normalised(), request.form.get("submission_key")
    try:
        row = _code_row(survey, code, key)
    except CodeProblem as problem:
        return _refuse(survey, code_form, language, problem)
    if key is None:  # the code was just typed: show its follow-up form
        definition, form_class = _scores_form(survey, row)
        form = form_class(formdata=None, submission_key=secrets.token_urlsafe(18))
        return _scores_page(survey, code, row, definition, form, language)
    return _store_scores(survey, code_form, row, language)


def _store_scores(survey: Survey, code_form: PaperCodeForm, row: FollowUpCode,
                  language: PaperLanguageForm):
    """Validate the new scores like an online follow-up, store them paired, go to the next."""
    definition, form_class = _scores_form(survey, row)
    posted = [name for name in request.form if name not in ENTRY_FIELDS]
    try:
        qforms.check_known_fields(definition, posted, current_language())
    except qforms.UnknownFieldError as exc:
        return render_error(400, str(exc.message))
    form = form_class()
    key = form.submission_key.data
    if not key or len(key) > 64:
        abort(400)
    early, confirm = _is_early(survey, row), EarlyFollowUpForm()
    answered = qforms.validate_paper(form, definition)
    if early and not confirm.confirmed.data:
        confirm.confirmed.errors = [str(NOT_CONFIRMED)]
    if not answered or confirm.confirmed.errors:
        return _scores_page(survey, code_form.normalised(), row, definition, form, language,
                            confirm, status=422)
    answers = qfollow.answers_for_baseline(survey.questionnaire.definition,
                                           qforms.collect_answers(definition, form))
    outcome = submit_follow_up(database.session(), survey, row, key,
                               language.language.data, answers, today(),
                               source=ResponseSource.PAPER, early=early)
    if outcome is Outcome.CODE_USED:
        return _refuse(survey, code_form, language, CodeProblem(410, str(USED_CODE)))
    if outcome is Outcome.ALREADY_STORED:
        flash(_("This form was already saved, so it was not saved twice."))
    else:
        flash(_("Saved. The follow-up is linked to its baseline. Type the next code."))
    return redirect(url_for(".follow_up_entry", survey_id=survey.id,
                            lang=language.language.data), code=303)


def _staff_intro(on: dt.date):
    def intro(lang: str) -> str:
        with force_locale(lang):
            return _("The activities named in the first answers, on %(date)s. Enter the new "
                     "score of each as written on the paper form.",
                     date=format_date(on, "long"))
    return intro


def _staff_hint(lang: str, score: float) -> str:
    with force_locale(lang):
        return _("First score: %(score)s.", score=format_decimal(score))


def _scores_form(survey: Survey, row: FollowUpCode) -> tuple[Definition, type]:
    """The follow-up form of one code: its baseline's activities, as the respondent sees
    them; the first score only when the survey shows it to respondents too."""
    return follow_up_form(survey, row, _staff_intro, _staff_hint)


def _refuse(survey: Survey, code_form: PaperCodeForm, language: PaperLanguageForm,
            problem: CodeProblem):
    """The first step again, with the code's problem at its field."""
    code_form.code.errors = [problem.message]
    return _code_page(survey, code_form, language, problem.status)


def _code_page(survey: Survey, code_form: PaperCodeForm, language: PaperLanguageForm,
               status: int = 200):
    """The first step: the code and the language of the paper form."""
    errors = [(code_form.code.id, str(code_form.code.label.text), str(error))
              for error in code_form.code.errors[:1]]
    if language.language.errors:
        errors.append(("paper-language-nb", str(language.language.label.text),
                       str(language.language.errors[0])))
    html = render_template(
        "admin/surveys/follow_up_entry.html", survey=survey, code_form=code_form,
        language=language, errors=errors, online=survey.accepts_follow_ups(today()))
    return html, status


def _is_early(survey: Survey, row: FollowUpCode) -> bool:
    """Whether a follow-up entered today comes before the survey's earliest day."""
    return today() < survey.follow_up_opens_on(row.baseline_on)


def _scores_page(survey: Survey, code: str, row: FollowUpCode, definition: Definition, form,
                 language: PaperLanguageForm, confirm: EarlyFollowUpForm | None = None,
                 status: int = 200):
    """The second step: the activities of one code, each to be scored again; before the
    earliest day, with the box that confirms an early follow-up."""
    lang = current_language()
    confirm = confirm or EarlyFollowUpForm(formdata=None)
    errors = error_entries(definition, list(definition.items()), form, lang)
    errors += [(confirm.confirmed.id, str(confirm.confirmed.label.text), str(error))
               for error in confirm.confirmed.errors[:1]]
    html = render_template(
        "admin/surveys/follow_up_scores.html", survey=survey, definition=definition,
        form=form, lang=lang, language=language, code=code,
        shown_code=follow_up_codes.display(code), due_on=row.due_on,
        baseline_on=row.baseline_on, opens_on=survey.follow_up_opens_on(row.baseline_on),
        early=_is_early(survey, row), confirm=confirm, errors=errors)
    return html, status
