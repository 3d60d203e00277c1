"""The anonymous answering flow: `/s/<token>`, page by page, then a thank-you.

No answer is kept on the server before the final submit: answers to other pages travel
as hidden fields in the form itself, so any app instance can serve any page, nothing
is half-saved, and back navigation keeps what was answered.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection
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
from sqlalchemy.exc import InterfaceError, OperationalError

import database
from questionnaires import forms as qforms
from questionnaires.display import TEMPLATE_HELPERS, error_entries, visible_items
from questionnaires.schema import Definition
from surveys import follow_up_codes
from surveys.follow_up_queries import stored_baseline_code, survey_for_token
from surveys.models import Survey
from surveys.operations import Outcome, follow_up_plan, submit_response
from surveys.pages import Page, pages_of
from surveys.queries import LinkTarget, find_link
from util.dates import today
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


def _open_target(token: str) -> LinkTarget:
    target = find_link(database.session(), token)
    if target is None:
        abort(404)
    if not target.survey.accepts_answers(today()) or (
        target.single_use is not None and target.single_use.used
    ):
        abort(410)
    return target


@bp.get("/s/<token>")
def start(token: str):
    """The first page of a survey, with a fresh submission key."""
    target = _open_target(token)
    definition = target.survey.questionnaire.definition
    form_class = qforms.build_form_class(definition)
    form = form_class(formdata=None, submission_key=secrets.token_urlsafe(18), page="0")
    return _render(target, definition, form, 0)


@bp.post("/s/<token>")
def submit(token: str):
    """Move between pages, switch language, or submit; validate only what is needed."""
    target = _open_target(token)
    csrf.protect()  # after the link check, so a closed link says so rather than "expired"
    definition = target.survey.questionnaire.definition
    switched = switched_language(lambda: _rerender(target, definition))
    if switched is not None:
        return switched
    lang = current_language()
    form = posted_form(definition)
    pages = pages_of(definition, target.survey.layout)
    index = _page_index(form, len(pages))
    nav = request.form.get("nav", "submit")
    if nav == "back":
        return _render(target, definition, form, max(index - 1, 0))
    if not qforms.validate_items(form, pages[index].items):
        return _render(target, definition, form, index, status=422)
    if nav == "next" and index < len(pages) - 1:
        return _render(target, definition, form, index + 1)
    return _finish(target, definition, form, pages, lang)


def switched_language(render: Callable[[], Any]):
    """When the post asks for another language: the page `render` gives, in that language,
    with the choice remembered; otherwise None."""
    lang = request.form.get("switch_lang")
    if lang not in current_app.config["LANGUAGES"]:
        return None
    with force_locale(lang):
        response = make_response(render())
    return remember_language(response, lang)


def posted_form(definition: Definition, ignore: Collection[str] = ()):
    """The posted form of `definition`; 400 for a field the questionnaire does not have (a
    tampered or stale form) or a missing or overlong submission key. Fields in `ignore`
    belong to the page around the form (staff pages add their own)."""
    posted = [name for name in request.form if name not in ignore]
    try:
        qforms.check_known_fields(definition, posted, current_language())
    except qforms.UnknownFieldError as exc:
        raise FriendlyError(400, str(exc.message)) from None
    form = qforms.build_form_class(definition)()
    if not form.submission_key.data or len(form.submission_key.data) > 64:
        abort(400)
    return form


def _finish(target: LinkTarget, definition: Definition, form, pages: list[Page], lang: str):
    for index, page in enumerate(pages):
        if not qforms.validate_items(form, page.items):
            return _render(target, definition, form, index, status=422)
    answers = qforms.collect_answers(definition, form)
    survey, key = target.survey, form.submission_key.data
    plan = follow_up_plan(survey, current_app.secret_key, today())
    outcome = submit_response(database.session(), survey, target.single_use, key, lang,
                              answers, today(), follow_up=plan)
    if outcome is Outcome.LINK_USED:
        abort(410)
    if plan is not None:
        return _to_code_page(survey, key)
    return redirect(url_for(".thanks", token=request.view_args["token"]), code=303)


def _to_code_page(survey: Survey, submission_key: str):
    """After a baseline (or the same baseline sent again): the page with its code."""
    code, _row = stored_baseline_code(database.session(), current_app.secret_key, survey.id,
                                      submission_key)
    return redirect(follow_up_codes.code_url("respond.follow_up_code", survey, code),
                    code=303)


def _rerender(target: LinkTarget, definition: Definition):
    """The same page in another language, with every answer kept and no validation."""
    form = qforms.build_form_class(definition)()
    pages = pages_of(definition, target.survey.layout)
    return _render(target, definition, form, _page_index(form, len(pages)))


def _page_index(form, count: int) -> int:
    try:
        return min(max(int(form.page.data or 0), 0), count - 1)
    except (TypeError, ValueError):
        return 0


def _render(target: LinkTarget, definition: Definition, form, index: int, status: int = 200):
    html = render_page(target.survey, definition, form, index,
                       url_for(".submit", token=request.view_args["token"]))
    return html, status


def render_page(survey: Survey, definition: Definition, form, index: int, action: str) -> str:
    """One page of a questionnaire's form, posting to `action`; the other pages' answers
    ride along in hidden fields."""
    pages = pages_of(definition, survey.layout)
    page = pages[index]
    form.page.data = str(index)
    on_page = set(qforms.field_names(page.items))
    carried = [
        (name, value)
        for name in qforms.field_names(definition.items())
        if name not in on_page
        for value in (form[name].raw_data or [])
    ]
    errors = error_entries(definition, page.items, form, current_language())
    on_page_ids = {item.id for item in page.items}
    shown = {item.id for item in visible_items(page.items, form, on_page_ids)}
    return render_template(
        "respond/page.html", survey=survey, definition=definition, form=form,
        page=page, shown=shown, last_page=index == len(pages) - 1,
        page_number=index + 1, page_count=len(pages), carried=carried,
        errors=errors, lang=current_language(), action=action,
        follow_up_url=url_for("respond.follow_up_start", token=survey.public_token)
        if definition.follow_up is not None else None,
    )


@bp.get("/s/<token>/takk")
def thanks(token: str):
    """The thank-you page; shown for a used single-use link too, since that is the point,
    and after a follow-up (whose address carries the survey's own token)."""
    survey = survey_for_token(database.session(), token)
    if survey is None:
        abort(404)
    return render_template("respond/thanks.html", survey=survey,
                           definition=survey.questionnaire.definition,
                           lang=current_language())
