"""Staff pages for surveys: create, list, hand out, enter paper answers, export, delete the
responses (changing a survey, its next period, archiving and deleting it: `survey_changes`).

Every route loads its survey with `access.get_visible`, so a survey outside the account's
units or networks answers 404 whatever the route. Writes go through
`surveys.survey_admin_operations`, reads through `surveys.queries`.
"""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy.orm import Session

import database
from questionnaires import forms as qforms
from questionnaires.display import error_entries
from reporting.follow_up_tracker import tracker_of, weeks_of
from reporting.raw_export import codebook_table, responses_table
from reporting.rule import current_rule
from staff.baseline_codes import flash_baseline_code, paper_baseline_plan
from staff.blueprint import SIGNED_IN, StaffBlueprint, to_issued_links, to_survey
from staff.downloads import Download, require_released_rows, table_downloads
from staff.lookups import single_use_survey, visible_survey
from staff.survey_filters import SurveyFilter, SurveyFilterForm
from staff.survey_forms import (
    PHASE_NONE,
    ConfirmDeleteForm,
    FollowUpSettingsForm,
    MoreLinksForm,
    PaperLanguageForm,
    SurveyForm,
)
from surveys import access, auth, batches, handout
from surveys import survey_admin_operations as ops
from surveys.account_models import Account
from surveys.counts import response_count, response_counts
from surveys.labels import version_title
from surveys.models import Layout, LinkMode, ResponseSource, Survey
from surveys.operations import Outcome, submit_response
from surveys.pages import posted_form
from surveys.queries import (
    language_counts,
    link_counts,
    next_surveys,
    paper_response_count,
    questionnaire_versions,
)
from util.dates import today
from web.i18n import current_language

bp = StaffBlueprint("surveys", __name__)


@bp.get("/surveys", allow=SIGNED_IN)
def surveys():
    """The surveys the account may see, filtered as the address asks (`survey_filters`);
    the archived ones apart. A filter value not among the options is a 400 with the reason."""
    db, lang = database.session(), current_language()
    visible = access.visible_surveys(db, auth.signed_in_account())
    form = SurveyFilterForm(formdata=request.args)
    form.set_choices(visible, lang)
    valid = form.validate()
    chosen = form.chosen() if valid else SurveyFilter()
    day = today()
    listed = [s for s in visible if chosen.keeps(s, day)]
    archived = sum(1 for s in visible if s.archived)
    html = render_template("admin/surveys/list.html", surveys=listed, today=day,
                           counts=response_counts(db, [s.id for s in listed]), lang=lang,
                           filters=form, chosen=chosen, archived_count=archived,
                           total=len(visible) - archived if not chosen.archived else archived)
    return html, 200 if valid else 400


def _choices(account: Account) -> tuple[list, list, list]:
    """The questionnaire versions, units and gatherings this account may create surveys for."""
    db, lang = database.session(), current_language()
    versions = [(v.id, _("%(title)s, version %(version)d", title=version_title(v, lang),
                         version=v.version)) for v in questionnaire_versions(db, account)]
    units = [(u.id, f"{u.name} ({u.organisation.name})")
             for u in access.visible_units(db, account)
             if not u.archived and not u.organisation.archived]
    gatherings = [(g.id, _("Gathering %(number)d, %(network)s", number=g.number,
                           network=n.name))
                  for n in access.visible_networks(db, account) if not n.archived
                  for g in n.gatherings]
    return versions, units, gatherings


def _settings(form: SurveyForm) -> ops.SurveySettings:
    single_use = form.link_mode.data == LinkMode.SINGLE_USE.value
    return ops.SurveySettings(
        title=form.title.data, questionnaire_version_id=form.questionnaire_version.data,
        unit_id=form.unit.data, gathering_id=form.gathering.data,
        period_label=form.period_label.data or None,
        phase=None if form.phase.data == PHASE_NONE else form.phase.data,
        opens_on=form.opens_on.data, closes_on=form.closes_on.data, invited=form.invited.data,
        contact=form.contact.data or None, layout=Layout(form.layout.data),
        link_mode=LinkMode(form.link_mode.data),
        link_count=form.link_count.data if single_use else None,
        follow_up_weeks=form.follow_up_weeks.data,
        follow_up_earliest_days=form.follow_up_earliest_days.data,
        show_baseline_score=form.show_baseline_score.data)


@bp.route("/surveys/new", methods=["GET", "POST"], allow=SIGNED_IN)
def new_survey():
    account = auth.signed_in_account()
    form = SurveyForm()
    form.set_choices(*_choices(account))
    if form.validate_on_submit():
        survey, issued = ops.create_survey(database.session(), account, _settings(form))
        flash(_("The survey «%(title)s» is created.", title=survey.title))
        return to_survey(survey) if issued is None else to_issued_links(survey, issued)
    status = 422 if form.errors else 200
    return render_template("admin/surveys/new.html", form=form), status


@bp.get("/surveys/<int:survey_id>", allow=SIGNED_IN)
def survey(survey_id: int):
    return _survey_page(visible_survey(survey_id), MoreLinksForm(formdata=None))


def _survey_page(survey: Survey, more_links_form: MoreLinksForm, status: int = 200):
    db = database.session()
    single_use = survey.link_mode == LinkMode.SINGLE_USE
    count = response_count(db, survey.id)
    html = render_template(
        "admin/surveys/survey.html", survey=survey, status=survey.status(today()),
        count=count, paper_count=_paper_part(count, paper_response_count(db, survey.id)),
        waiting=batches.waiting_of(db, survey.id), rows=current_rule().shows(count),
        by_language=language_counts(db, survey.id, current_rule()),
        minimum=current_rule().minimum,
        links=link_counts(db, survey.id) if single_use else None,
        public_url=None if single_use else handout.public_url(survey),
        more_links_form=more_links_form,
        follow_up_form=FollowUpSettingsForm(formdata=None, obj=survey),
        free_text=access.may_read_free_text(auth.signed_in_account(), survey),
        next_period_allowed=survey.may_have_next_period(),
        **_tracking(db, survey),
        next_surveys=next_surveys(db, survey.id))
    return html, status


def _tracking(db: Session, survey: Survey) -> dict[str, object]:
    """The follow-up tracker and its weeks, for a survey whose questionnaire has a follow-up."""
    if not survey.questionnaire.definition.follow_up:
        return {"tracker": None, "weeks": []}
    return {"tracker": tracker_of(db, survey, today()), "weeks": weeks_of(db, survey, today())}


def _paper_part(count: int, paper: int) -> int | None:
    """How many of `count` came from paper, when that may be said: neither the paper nor the
    online part may be 1 to `minimum` − 1, or subtracting one from the other would tell."""
    rule = current_rule()
    if rule.hides(paper) or rule.too_few(count - paper):
        return None
    return paper


@bp.post("/surveys/<int:survey_id>/close", allow=SIGNED_IN)
def close_survey(survey_id: int):
    survey = visible_survey(survey_id)
    ops.close_survey(database.session(), auth.signed_in_account(), survey)
    flash(_("The survey is closed. Paper forms can still be entered."))
    return to_survey(survey)


@bp.post("/surveys/<int:survey_id>/reopen", allow=SIGNED_IN)
def reopen_survey(survey_id: int):
    survey = visible_survey(survey_id)
    if ops.reopen_survey(database.session(), auth.signed_in_account(), survey, today()):
        flash(_("The survey is open again. Its closing date had passed and was removed."))
    else:
        flash(_("The survey is open again."))
    return to_survey(survey)


@bp.post("/surveys/<int:survey_id>/links", allow=SIGNED_IN)
def add_links(survey_id: int):
    survey = single_use_survey(survey_id)
    form = MoreLinksForm()
    if not form.validate():
        return _survey_page(survey, form, status=422)
    issued = ops.add_links(database.session(), auth.signed_in_account(), survey,
                           form.count.data, replace=form.replace.data)
    return to_issued_links(survey, issued)


# --- Handing out --------------------------------------------------------------------------

def _open_link_survey(survey_id: int) -> Survey:
    """A survey with one open link; a single-use survey has no public link to show."""
    survey = visible_survey(survey_id)
    if survey.link_mode != LinkMode.OPEN:
        abort(404)
    return survey


def _print_language(default: str | None = None) -> str:
    """`?lang=` for a printed page: one of nb/nn/en (400 otherwise), by default the page's."""
    lang = handout.print_language(request.args.get("lang"), default or current_language())
    if lang is None:
        abort(400)
    return lang


@bp.get("/surveys/<int:survey_id>/qr.svg", allow=SIGNED_IN)
def survey_qr_svg(survey_id: int):
    survey = _open_link_survey(survey_id)
    body = handout.qr_svg(handout.public_url(survey),
                          _("QR code for the survey %(title)s", title=survey.title))
    return body, 200, {"Content-Type": "image/svg+xml; charset=utf-8"}


@bp.get("/surveys/<int:survey_id>/qr.png", allow=SIGNED_IN)
def survey_qr_png(survey_id: int):
    survey = _open_link_survey(survey_id)
    return handout.qr_png(handout.public_url(survey)), 200, {"Content-Type": "image/png"}


@bp.get("/surveys/<int:survey_id>/poster", allow=SIGNED_IN)
def survey_poster(survey_id: int):
    survey = _open_link_survey(survey_id)
    lang = _print_language()
    with force_locale(lang):
        return render_template("admin/surveys/poster.html", survey=survey, lang=lang,
                               definition=survey.questionnaire.definition,
                               url=handout.public_url(survey))


@bp.get("/surveys/<int:survey_id>/paper", allow=SIGNED_IN)
def survey_paper(survey_id: int):
    survey = visible_survey(survey_id)
    lang = _print_language()
    with force_locale(lang):
        return render_template("admin/surveys/paper.html", survey=survey, lang=lang,
                               definition=survey.questionnaire.definition)


# --- Paper answers ------------------------------------------------------------------------

@bp.route("/surveys/<int:survey_id>/paper-entry", methods=["GET", "POST"], allow=SIGNED_IN)
def paper_entry(survey_id: int):
    """Type in one paper form after another; validated exactly like an online answer.

    A baseline of a questionnaire with a follow-up gets its code, as online, shown after
    saving so it can be written on the paper form and in the journal.
    """
    survey = visible_survey(survey_id)
    definition = survey.questionnaire.definition
    form_class = qforms.build_form_class(definition)
    if request.method == "GET":
        # A paper form is in bokmål unless said otherwise; the last form's language is kept.
        language = PaperLanguageForm(formdata=None, language=_print_language("nb"))
        form = form_class(formdata=None, submission_key=secrets.token_urlsafe(18))
        return _paper_entry_page(survey, form, language)
    form, language = posted_form(definition, ignore={"paper-language"}), PaperLanguageForm()
    key = form.submission_key.data
    items_ok = qforms.validate_paper(form, definition)
    if not (language.validate() & items_ok):
        return _paper_entry_page(survey, form, language, status=422)
    db, plan = database.session(), paper_baseline_plan(survey)
    outcome = submit_response(db, survey, None, key, language.language.data,
                              qforms.collect_answers(definition, form), today(),
                              source=ResponseSource.PAPER, follow_up=plan)
    # No count here: the page after it says how many, by the rule of `_paper_entered`.
    flash(_("This form was already saved, so it was not saved twice.")
          if outcome is Outcome.ALREADY_STORED else _("Saved."))
    if plan is not None:
        flash_baseline_code(survey, key)
    return redirect(url_for(".paper_entry", survey_id=survey.id,
                            lang=language.language.data), code=303)


def _paper_entry_page(survey: Survey, form, language: PaperLanguageForm, status: int = 200):
    definition, lang = survey.questionnaire.definition, current_language()
    items = list(definition.items())
    errors = error_entries(definition, items, form, lang)
    if language.language.errors:
        errors.insert(0, ("paper-language-nb", str(language.language.label.text),
                          str(language.language.errors[0])))
    html = render_template(
        "admin/surveys/paper_entry.html", survey=survey, definition=definition, form=form,
        language=language, errors=errors, lang=lang, status=survey.status(today()), paper=True,
        paper_entered=_paper_entered(survey))
    return html, status


def _paper_entered(survey: Survey) -> str:
    """How many paper forms are entered, as the paper-entry page says it.

    By the rule of the survey page (`_paper_part`): a number when neither the paper nor the
    online part is 1 to `minimum` − 1, else one sentence for both cases, since the survey's
    response count minus an exact paper count would give the online part, and telling the
    two cases apart would narrow it down as well. Forms still waiting to be released
    (`surveys.batches`) count as entered, never as a number."""
    db = database.session()
    if paper_response_count(db, survey.id, waiting_too=True) == 0:
        return _("No paper forms have been entered yet.")
    paper = paper_response_count(db, survey.id)
    shown = _paper_part(response_count(db, survey.id), paper) if paper else None
    if shown is None:
        return _("Fewer than %(minimum)d paper forms entered so far, or fewer than "
                 "%(minimum)d answers online: so that no one can be recognised, the number is "
                 "not shown.", minimum=current_rule().minimum)
    return ngettext("%(num)d paper form entered so far.", "%(num)d paper forms entered so far.",
                    shown)


# --- Data rights --------------------------------------------------------------------------

@table_downloads(bp, "/surveys/<int:survey_id>/export", "export_responses", allow=SIGNED_IN,
                 audited="responses.export",
                 endpoints=("export_responses", "export_responses_xlsx"))
def export_responses(fmt: str, survey_id: int) -> Download:
    """Every released response as a row, streamed: only from `minimum` released responses
    on, free text only for those who may read it, and every export audited. The rows are
    read in batches as they are written, so memory stays flat. Headers in the reader's
    language; the workbook has the codebook as a second sheet, the CSV (one table, opened in
    Excel by a double click) has it as a download of
    its own (`export_codebook`)."""
    survey = visible_survey(survey_id)
    require_released_rows(survey)
    free_text = access.may_read_free_text(auth.signed_in_account(), survey)
    tables = [responses_table(database.session(), survey, free_text)]
    if fmt == "xlsx":
        tables.append(codebook_table(survey, free_text, current_language()))
    return Download(f"survey-{survey.id}-responses", tables, ops.describe(survey))


@table_downloads(bp, "/surveys/<int:survey_id>/export-codebook", "export_codebook",
                 allow=SIGNED_IN)
def export_codebook(fmt: str, survey_id: int) -> Download:
    """What each column and code of the raw export means, for the same reader (no free-text
    column for those who may not read it). Holds no answer, so it is not audited."""
    survey = visible_survey(survey_id)
    free_text = access.may_read_free_text(auth.signed_in_account(), survey)
    return Download(f"survey-{survey.id}-codebook",
                    [codebook_table(survey, free_text, current_language())])


@bp.route("/surveys/<int:survey_id>/responses/delete", methods=["GET", "POST"], allow=SIGNED_IN)
def delete_survey_responses(survey_id: int):
    survey = visible_survey(survey_id)
    db, rule = database.session(), current_rule()
    form = ConfirmDeleteForm()
    if form.validate_on_submit():
        count = ops.delete_responses(db, auth.signed_in_account(), survey)
        if rule.too_few(count):
            flash(_("Fewer than %(minimum)d responses were deleted.", minimum=rule.minimum))
        else:
            flash(ngettext("%(num)d response was deleted.", "%(num)d responses were deleted.",
                           count))
        return to_survey(survey)
    status = 422 if form.errors else 200
    count = response_count(db, survey.id)
    return render_template("admin/surveys/delete_responses.html", survey=survey, form=form,
                           count=count, too_few=rule.too_few(count), minimum=rule.minimum,
                           waiting=batches.waiting_of(db, survey.id)), status
