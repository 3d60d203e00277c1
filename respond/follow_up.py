"""The follow-up, for the respondent: the code page after a baseline, its printable slip,
typing a code, and the follow-up form with the user's own activities.

No page of the follow-up shows the code in its address (a shared tablet's history would
keep it): the code page and the slip show it once, and the follow-up form lives at an
address without it, to which the slip's link and a typed code only lead. See
`surveys.code_handover`.

Every address that takes a code looks it up through `_code_row`, which counts wrong codes
per survey and per client (see `surveys.guess_limits`) before anything else is done, so a
guesser meets the limit on the slip's link and the typing form alike. Only the addresses
the app signed itself (`follow_up_codes.code_url`) pass without that check. `_code_row` also
refuses a follow-up before the survey's earliest day after its baseline, saying from which
date it can be answered: a follow-up a few days after the baseline does not measure change.
"""

from __future__ import annotations

import datetime as dt

from flask import (
    abort,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

import database
from questionnaires import follow_up as qfollow
from questionnaires.answering import Answering
from respond.views import bp, render_page, switched_language
from surveys import code_handover, follow_up_codes, guess_limits, handout, pages
from surveys.follow_up_codes import CodeProblem
from surveys.follow_up_queries import FollowUpCode, find_code, survey_for_token
from surveys.labels import who_asks
from surveys.models import Survey
from surveys.operations import Outcome, submit_follow_up
from surveys.queries import submission_exists
from util.dates import today
from util.secret import app_secret
from web.errors import FriendlyError
from web.i18n import current_language
from web.security import csrf

WRONG_CODE = _l("We found no follow-up with this code. Check that it is written exactly as "
                "on the slip or in the journal.")
TOO_MANY = _l("Too many wrong codes have been tried. Wait 15 minutes and try again, or ask "
              "the staff for help.")
CLOSED = _l("This survey no longer takes follow-ups.")


class CodeForm(FlaskForm):
    code = StringField(_l("Follow-up code"),
                       description=_l("8 letters and digits, for example K7QM-3XTD."))


def _follow_up_survey(token: str) -> Survey:
    """The survey of a token, if its questionnaire has a follow-up at all."""
    survey = survey_for_token(database.session(), token)
    if survey is None or survey.questionnaire.definition.follow_up is None:
        abort(404)
    return survey


def _code_row(survey: Survey, typed: str,
              signature: str | None = None) -> tuple[str, FollowUpCode]:
    """The code's row in this survey; CodeProblem for a wrong, used or throttled code.

    An address the app signed for this code is not a guess and is not throttled.
    """
    db, secret = database.session(), app_secret()
    code = follow_up_codes.normalise(typed)
    limits = guess_limits.scopes(secret, survey.id, request.remote_addr)
    if not (code and follow_up_codes.signed(secret, survey.id, code, signature)) and (
            guess_limits.too_many(db, limits)):
        raise CodeProblem(429, str(TOO_MANY))
    row = find_code(db, secret, survey.id, code) if code else None
    if row is None:
        if code:  # only what could be a code counts as a guess
            guess_limits.record_failure(db, limits)
        raise CodeProblem(404, str(WRONG_CODE))
    if row.follow_up_id is not None:
        raise CodeProblem(410, str(pages.USED_CODE))
    opens_on = survey.follow_up_opens_on(row.baseline_on)
    if today() < opens_on:
        raise CodeProblem(409, _("It is too early for the follow-up. It can be answered from "
                                 "%(date)s. Keep the code until then.",
                                 date=format_date(opens_on, "long")))
    assert code is not None  # a row is only found for a code
    return code, row


def _usable_row(survey: Survey, typed: str) -> tuple[str, FollowUpCode]:
    """As `_code_row` for an unused code in the address (signed or not), with the problem
    shown as a friendly error page."""
    try:
        return _code_row(survey, typed, signature=request.args.get("s"))
    except CodeProblem as problem:
        raise FriendlyError(problem.status, problem.message) from None


# --- After the baseline: the code, its QR code and a printable slip -----------------------
#
# The code never appears in an address (see `surveys.code_handover`): the baseline's POST
# hands it over in the session and redirects to `/kode`, which shows it once; the slip and
# the page in another language are posts from that page, honoured once.

def _code_context(survey: Survey, code: str, row: FollowUpCode) -> dict:
    url = follow_up_codes.code_url("respond.follow_up", survey, code, _external=True)
    return {"survey": survey, "definition": survey.questionnaire.definition,
            "lang": current_language(), "code": follow_up_codes.display(code),
            "url": url, "qr": handout.qr_data_uri(url), "due_on": row.due_on,
            "who_asks": who_asks(database.session(), survey)}


def _unshown_row(survey: Survey, code: str | None) -> FollowUpCode | None:
    """The row of a code the app itself handed over, if it can still be used."""
    if code is None:
        return None
    row = find_code(database.session(), app_secret(), survey.id, code)
    return row if row is not None and row.follow_up_id is None else None


def _posted_code(survey: Survey) -> str | None:
    """The code posted back by a page that showed it, if the post carries the session's
    ticket (used up here) and the app's own signature for the code; otherwise None."""
    if not code_handover.take_ticket(request.form.get("ticket")):
        return None
    code = follow_up_codes.normalise(request.form.get("code", ""))
    if code is None or not follow_up_codes.signed(app_secret(), survey.id, code,
                                                  request.form.get("s")):
        return None
    return code


def _not_kept(html: str, status: int = 200):
    """A page that must not outlive its showing: not in any cache, nor the back/forward
    cache (Chromium keeps no page sent with no-store there)."""
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _shown_once(survey: Survey):
    """What Back, a reload or an old address of the code page gets: where the code is now."""
    return _not_kept(render_template(
        "respond/code_shown.html", survey=survey, lang=current_language(),
        definition=survey.questionnaire.definition,
        who_asks=who_asks(database.session(), survey)), 410)


def _code_page(survey: Survey, code: str, row: FollowUpCode):
    ticket = code_handover.issue_ticket()
    return _not_kept(render_template(
        "respond/code.html", ticket=ticket, raw_code=code,
        signature=follow_up_codes.sign(app_secret(), survey.id, code),
        **_code_context(survey, code, row)))


@bp.route("/s/<token>/kode", methods=["GET", "POST"])
@bp.get("/s/<token>/kode/<path:_old>")
def follow_up_code(token: str, _old: str | None = None):
    """The thank-you page of a baseline, with the code for the follow-up, shown once.

    Reached by the baseline's redirect (the code in the session), or posted from itself to
    switch language; an old address that held the code shows no code at all.
    """
    survey = _follow_up_survey(token)
    if request.method == "POST":
        code = _posted_code(survey)
    else:
        code = None if _old is not None else code_handover.take_code(survey.id)
    row = _unshown_row(survey, code)
    if code is None or row is None:
        return _shown_once(survey)
    switched = switched_language(lambda: _code_page(survey, code, row))
    return switched if switched is not None else _code_page(survey, code, row)


@bp.route("/s/<token>/kode/lapp", methods=["GET", "POST"])
def follow_up_slip(token: str):
    """A slip to print or keep: the code, the QR code with the link, and the date; posted
    once from the code page (or staff's paper entry), never opened by an address."""
    survey = _follow_up_survey(token)
    code = _posted_code(survey) if request.method == "POST" else None
    row = _unshown_row(survey, code)
    if code is None or row is None:
        return _shown_once(survey)
    return _not_kept(render_template("respond/slip.html", **_code_context(survey, code, row)))


# --- The follow-up ---------------------------------------------------------------------------
#
# The form has an address without the code, `/s/<token>/oppfolging/skjema`: the link on the
# slip (and in its QR code) and a typed code are only doors, which put the code in the
# session (`surveys.code_handover.open_follow_up`) and redirect there. So no address in the
# history of a shared tablet shows the code, and once the follow-up is sent (or the browser's
# session has ended) the form's address says the follow-up is no longer open.

@bp.route("/s/<token>/oppfolging", methods=["GET", "POST"])
def follow_up_start(token: str):
    """Type the code from the slip or the journal."""
    survey = _follow_up_survey(token)
    if request.method == "GET":
        return _code_entry_page(survey, CodeForm(formdata=None))
    csrf.protect()
    form = CodeForm()
    if not survey.accepts_follow_ups(today()):
        raise _closed(survey)
    try:
        code, _row = _code_row(survey, form.code.data or "")
    except CodeProblem as problem:
        form.code.errors = [problem.message]
        return _code_entry_page(survey, form, problem.status)
    return _to_form(survey, code)


def _closed(survey: Survey) -> FriendlyError:
    """The survey takes no follow-ups now: say so, and who it comes from."""
    return FriendlyError(410, str(CLOSED), {"who_asks": who_asks(database.session(), survey)})


def _code_entry_page(survey: Survey, form: CodeForm, status: int = 200):
    html = render_template("respond/code_entry.html", survey=survey, form=form,
                           definition=survey.questionnaire.definition, lang=current_language(),
                           who_asks=who_asks(database.session(), survey))
    return html, status


def _to_form(survey: Survey, code: str):
    """Open the follow-up of `code` in this browser and go to the form's own address."""
    code_handover.open_follow_up(survey.id, code)
    response = redirect(url_for("respond.follow_up_form", token=survey.public_token), code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def _baseline_hint(lang: str, score: float) -> str:
    with force_locale(lang):
        return _("Last time you gave %(score)s.", score=format_decimal(score))


def _intro(on: dt.date):
    def intro(lang: str) -> str:
        with force_locale(lang):
            return _("These are the activities you named on %(date)s. How well can you do "
                     "each of them now? Give each a new score from 0 to 10.",
                     date=format_date(on, "long"))
    return intro


def _follow_up_form(survey: Survey, row: FollowUpCode) -> Answering:
    """The follow-up of one code as a one-page questionnaire (never kept: it holds the
    user's own activities)."""
    definition, form_class = pages.follow_up_form(survey, row, _intro, _baseline_hint)
    return Answering(definition, [definition.sections], form_class)


def _accepting_survey(token: str) -> Survey:
    """The survey of a follow-up address, if it takes follow-ups now."""
    survey = _follow_up_survey(token)
    if not survey.accepts_follow_ups(today()):
        raise _closed(survey)
    return survey


@bp.get("/s/<token>/oppfolging/<code>")
def follow_up(token: str, code: str):
    """The door of the link on the slip and in its QR code: check the code (the app's own
    signed link passes the guessing limit), then on to the form's address without it."""
    survey = _accepting_survey(token)
    code, _row = _usable_row(survey, code)
    return _to_form(survey, code)


def _open_row(survey: Survey) -> FollowUpCode | None:
    """The code row of the follow-up open in this browser for the survey, if not used."""
    code = code_handover.open_code(survey.id)
    row = _unshown_row(survey, code)
    if code is not None and row is None:
        code_handover.close_follow_up()  # sent meanwhile, perhaps from another device
    return row


def _form_closed(survey: Survey):
    """What the form's address shows when no follow-up is open here: sent, or the session
    ended or timed out. One page for all, so it tells the next person nothing."""
    return _not_kept(render_template(
        "respond/follow_up_closed.html", survey=survey, lang=current_language(),
        definition=survey.questionnaire.definition,
        who_asks=who_asks(database.session(), survey)), 410)


@bp.get("/s/<token>/oppfolging/skjema")
def follow_up_form(token: str):
    """The follow-up form: the user's own activities, each to be scored again."""
    survey = _accepting_survey(token)
    row = _open_row(survey)
    if row is None:
        return _form_closed(survey)
    answering = _follow_up_form(survey, row)
    return _render(survey, answering, answering.blank())


@bp.post("/s/<token>/oppfolging/skjema")
def follow_up_submit(token: str):
    """Switch language, or validate and store the follow-up."""
    survey = _accepting_survey(token)
    row = _open_row(survey)
    if row is None:
        if submission_exists(database.session(), survey.id,
                             request.form.get("submission_key", "")):
            return _to_thanks(survey)  # the same follow-up sent again: stored once
        return _form_closed(survey)
    csrf.protect()
    answering = _follow_up_form(survey, row)
    switched = switched_language(lambda: _redrawn(survey, answering))
    if switched is not None:
        return switched
    lang = current_language()
    form = answering.posted(lang)
    key = form.submission_key.data
    if answering.step(form, "submit").page is not None:
        return _render(survey, answering, form, status=422)
    answers = qfollow.answers_for_baseline(survey.questionnaire.definition,
                                           answering.answers(form))
    outcome = submit_follow_up(database.session(), survey, row, key, lang, answers, today())
    code_handover.close_follow_up()
    if outcome is Outcome.CODE_USED:
        raise FriendlyError(410, str(pages.USED_CODE))
    return _to_thanks(survey)


def _redrawn(survey: Survey, answering: Answering):
    """The form as posted, drawn again (in another language): with its errors when the
    page posted showed them (issue 18), else as it was."""
    form = answering.unchecked()
    if request.form.get("shown_errors") and answering.step(form, "submit").page is not None:
        return _render(survey, answering, form, status=422)
    return _render(survey, answering, form)


def _to_thanks(survey: Survey):
    return redirect(url_for(".thanks", token=survey.public_token), code=303)


def _render(survey: Survey, answering: Answering, form, status: int = 200):
    action = url_for("respond.follow_up_submit", token=survey.public_token)
    return _not_kept(render_page(survey, answering, form, 0, action), status)
