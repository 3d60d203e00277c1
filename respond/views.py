"""The anonymous answering flow: `/s/<token>`, page by page, then a thank-you.

No answer is kept on the server before the final submit: answers to other pages travel
as hidden fields in the form itself, so any app instance can serve any page, nothing
is half-saved, and back navigation keeps what was answered.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Hashable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import InterfaceError, OperationalError

import database
from questionnaires.answering import Answering, new_submission_key
from questionnaires.display import TEMPLATE_HELPERS
from questionnaires.item_types import AnswerValue
from respond import rendering
from surveys import code_handover
from surveys.follow_up_queries import stored_baseline_code, survey_for_token
from surveys.models import Survey, new_token
from surveys.operations import Outcome, follow_up_plan, submit_response
from surveys.pages import answering_for
from surveys.queries import LinkTarget, find_link
from util.dates import today
from util.secret import app_secret
from web.errors import FriendlyError, render_error
from web.i18n import current_language, remember_language
from web.security import csrf

bp = Blueprint("respond", __name__)
csrf.exempt(bp)  # checked inside `submit`, once the link is known to be open


@bp.app_context_processor
def _helpers() -> dict:
    return TEMPLATE_HELPERS


@bp.errorhandler(OperationalError)
@bp.errorhandler(InterfaceError)
def _database_down(_exc: Exception):
    """The database cannot be reached: 503, and a post's answers are not lost.

    The survey itself lives in the database, so the page cannot be drawn again; instead
    every posted field goes back into a form of hidden fields that posts to the same
    address, with the same submission key (a repeat is never stored twice) and the same
    CSRF token. The user presses one button when the database is back; no process restart
    is needed, as the engine's pre-ping replaces the dead connections.
    """
    if request.method != "POST":
        html, status = render_error(503, str(_l("Try again in a moment.")))
    else:
        fields = list(request.form.items(multi=True))
        html, status = render_template("respond/unavailable.html", fields=fields,
                                       action=request.full_path.removesuffix("?")), 503
    return html, status, {"Retry-After": "10"}


_TOKEN_LENGTH = len(new_token())
_TOKEN_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-_")


def _not_open() -> FriendlyError:
    """A link that is not open: used, unknown or closed look alike, so the page reveals
    nothing, and says whom to ask."""
    return FriendlyError(410, str(_l(
        "The link may have been used already, or the survey has closed. If you think you "
        "should be able to answer, ask the person or service that gave you the link.")))


def _open_target(token: str) -> LinkTarget:
    """The survey a token opens. A token shaped like ours that is not found is a used
    single-use link (a used link leaves no row) or an unknown one: both are 410, alike.
    Anything else is a link written wrong: 404, «check the link»."""
    target = find_link(database.session(), token)
    if target is None:
        if len(token) == _TOKEN_LENGTH and set(token) <= _TOKEN_CHARACTERS:
            raise _not_open()
        abort(404)
    if not target.survey.accepts_answers(today()):
        raise _not_open()
    return target


@bp.get("/s/<token>")
def start(token: str):
    """The first page of a survey, with a fresh submission key."""
    survey = _open_target(token).survey
    answering = answering_for(survey)
    return rendering.render_fresh(
        answering, lang=current_language(), action=url_for(".submit", token=token),
        follow_up_url=_follow_up_url(survey, answering),
        version=(survey.questionnaire_version_id, survey.layout),
        csrf_token=generate_csrf(), submission_key=new_submission_key())


@bp.post("/s/<token>")
def submit(token: str):
    """Move between pages, switch language, or submit; validate only what is needed."""
    target = _open_target(token)
    csrf.protect()  # after the link check, so a closed link says so rather than "expired"
    answering = answering_for(target.survey)
    switched = switched_language(lambda: _rerender(target, answering))
    if switched is not None:
        return switched
    form = answering.posted(current_language())
    step = answering.step(form, request.form.get("nav", "submit"))
    if step.page is not None:
        return _render(target, answering, form, step.page, step.status)
    return _finish(target, answering, answering.answers(form), form.submission_key.data)


def switched_language(render: Callable[[], Any]):
    """When the post asks for another language: the page `render` gives, in that language,
    with the choice remembered; otherwise None."""
    lang = request.form.get("switch_lang")
    if lang not in current_app.config["LANGUAGES"]:
        return None
    with force_locale(lang):
        response = make_response(render())
    return remember_language(response, str(lang))


def _token() -> str:
    """The `<token>` of this request's `/s/<token>` address."""
    return str((request.view_args or {})["token"])


def _finish(target: LinkTarget, answering: Answering, answers: list[AnswerValue], key: str):
    """Store a complete, valid response, then thank (or give the follow-up code)."""
    survey, definition = target.survey, answering.definition
    plan = follow_up_plan(survey, app_secret(), today(), definition)
    outcome = submit_response(database.session(), survey, target.single_use, key,
                              current_language(), answers, today(), follow_up=plan,
                              definition=definition)
    if outcome is Outcome.LINK_USED:
        raise _not_open()
    if plan is not None:
        return _to_code_page(survey, key)
    # under the survey's own token: a used single-use link is gone (`SingleUseLink`)
    return redirect(url_for(".thanks", token=survey.public_token), code=303)


def _to_code_page(survey: Survey, submission_key: str):
    """After a baseline (or the same baseline sent again): the page with its code."""
    code, _row = stored_baseline_code(database.session(), app_secret(), survey.id,
                                      submission_key)
    code_handover.hand_over(survey.id, code)  # never in the address: a tablet is shared
    return redirect(url_for("respond.follow_up_code", token=survey.public_token), code=303)


def _rerender(target: LinkTarget, answering: Answering):
    """The same page in another language, with every answer kept and no validation."""
    form = answering.unchecked()
    return _render(target, answering, form, answering.page_index(form))


def _render(target: LinkTarget, answering: Answering, form, index: int, status: int = 200):
    survey = target.survey
    html = render_page(survey, answering, form, index,
                       url_for(".submit", token=_token()),
                       version=(survey.questionnaire_version_id, survey.layout))
    return html, status


def render_page(survey: Survey, answering: Answering, form, index: int, action: str,
                version: tuple[Hashable, ...] | None = None) -> str:
    """One page of a questionnaire's form, posting to `action`; the other pages' answers
    ride along in hidden fields. With `version`, the questionnaire's part is kept (see
    `respond.rendering`)."""
    return rendering.render_page(answering, form, index, lang=current_language(),
                                 action=action, follow_up_url=_follow_up_url(survey, answering),
                                 version=version)


def _follow_up_url(survey: Survey, answering: Answering) -> str | None:
    """Where a survey with follow-ups lets a person type their code; None without."""
    if answering.definition.follow_up is None:
        return None
    return url_for("respond.follow_up_start", token=survey.public_token)


@bp.get("/s/<token>/takk")
def thanks(token: str):
    """The thank-you page; shown for a used single-use link too, since that is the point,
    and after a follow-up (whose address carries the survey's own token).

    Kept whole per address and language, and the survey looked up only when it is not kept
    yet: the page holds only the questionnaire's title and thanks, and a survey's
    questionnaire version never changes. (A survey deleted since still thanks from what is
    kept in a process that drew it; nothing else is shown.)"""
    lang = current_language()
    key = None if request.query_string else (request.path, lang)
    return rendering.kept(key, lambda: _draw_thanks(token, lang))


def _draw_thanks(token: str, lang: str) -> str:
    survey = survey_for_token(database.session(), token)
    if survey is None:
        abort(404)
    return render_template("respond/thanks.html", definition=answering_for(survey).definition,
                           lang=lang)
