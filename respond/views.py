"""The anonymous answering flow: `/s/<token>`, page by page, then a thank-you.

Post/Redirect/Get (issue 18): every post that does not send the answers (Next, Back, another
language, a page with errors) keeps what was answered so far (`surveys.answer_drafts`,
sealed, with the key in the browser's session) and is answered with a redirect to the
page's own address, `/s/<token>?side=N`, which draws the page from it. So the browser's Back
and Forward move between pages with their answers and never to a post («Confirm form
resubmission»), no answer is ever in an address, and every page is sent with no-store
(`web.security`), so nothing is shown from a cache. Once the answers are sent the draft is
deleted: Back on a shared tablet then finds a blank first page. What no page can send (a
choice not offered, a text longer than its box) is refused at once and kept nowhere.
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
from markupsafe import Markup
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

import database
from questionnaires.answering import MAX_KEY_LENGTH, Answering, new_submission_key
from questionnaires.display import TEMPLATE_HELPERS
from questionnaires.item_types import AnswerValue
from respond import rendering
from surveys import answer_drafts, code_handover
from surveys.follow_up_queries import stored_baseline_code
from surveys.labels import WhoAsks, who_asks
from surveys.link_lookups import (
    LinkedSurvey,
    LinkTarget,
    find_link,
    find_posted_link,
    linked_survey,
)
from surveys.models import Survey, new_token
from surveys.operations import Outcome, follow_up_plan, submit_response
from surveys.pages import answering_for
from util import app_cache
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


def _not_open(survey: LinkedSurvey | None = None) -> FriendlyError:
    """A link that is not open: used, unknown or closed look alike, so the page reveals
    nothing, and says whom to ask. A survey's own open link, closed, also says who the
    survey comes from and whom to ask (`survey`): that link is public anyway."""
    context = {} if survey is None else {"who_asks": survey.who_asks}
    return FriendlyError(410, str(_l(
        "The link may have been used already, or the survey has closed. If you think you "
        "should be able to answer, ask the person or service that gave you the link.")),
        context)


# How old the read of an open survey by its own token may be when it only draws a page (a
# page of the survey, the thank-you). A page drawn from a read this old is the page the
# visitor would have had by coming that much earlier; every post reads afresh, so a survey
# closed meanwhile still refuses the answers, with its closed page. A survey that is not
# open is never kept: reopened, it opens at once. Measured: the read was about a third of
# the thank-you page's CPU and a quarter of a first page's (`bench/README.md`).
PAGE_LOOKUP_SECONDS = 2.0
_PAGE_LOOKUPS_KEPT = 4096


def recent_linked(db: Session, token: str) -> LinkedSurvey | None:
    """The survey whose own token this is, as read at most PAGE_LOOKUP_SECONDS ago in this
    process if it was open then (`util.app_cache.recent`); a token that finds nothing, and
    a survey not open, are never kept."""
    return app_cache.recent("page_lookups", token, lambda: linked_survey(db, token),
                            _PAGE_LOOKUPS_KEPT, PAGE_LOOKUP_SECONDS, keep=_is_open)


def _is_open(survey: LinkedSurvey | None) -> bool:
    return survey is not None and survey.accepts_answers(today())


def _open_target(token: str, db: Session, *, page: bool = False) -> LinkTarget:
    """The survey a token opens: for a `page` from a recent read, for a post afresh and
    with whether its submission is stored. A token shaped like ours that is not found is a
    used single-use link (a used link leaves no row) or an unknown one: both are 410,
    alike. Anything else is a link written wrong: 404, «check the link»."""
    target = (find_link(db, token, recent_linked) if page
              else find_posted_link(db, token, _posted_key()))
    if target is None:
        if len(token) == _TOKEN_LENGTH and set(token) <= _TOKEN_CHARACTERS:
            raise _not_open()
        abort(404)
    if not target.survey.accepts_answers(today()):
        raise _not_open(target.survey if target.single_use is None else None)
    return target


@bp.get("/s/<token>")
def start(token: str):
    """A page of the survey: the first, blank, for a new visitor; with `?side=N` (where a
    post leads) page N, drawn from what this browser has answered so far."""
    db = database.reading()  # a page only reads
    target = _open_target(token, db, page=True)
    survey, answering = target.survey, answering_for(target.survey)
    draft = answer_drafts.held(db, survey.id, token)
    index = _page_asked(answering)
    if draft is None:
        if index:  # sent, or left too long: the first page, blank
            return redirect(url_for(".start", token=token), code=303)
        return rendering.render_fresh(
            answering, lang=current_language(), action=url_for(".submit", token=token),
            follow_up_url=_follow_up_url(survey, answering),
            version=(survey.questionnaire_version_id, survey.layout),
            csrf_token=generate_csrf(), submission_key=new_submission_key(),
            who_asks=_who_asks_markup(survey.who_asks))
    form = answering.restored(draft.fields, draft.submission_key, index)
    shows_errors = draft.errors_on == index and not answering.page_valid(form, index)
    return _render(target, answering, form, index, 422 if shows_errors else 200)


def _posted_key() -> str:
    """The post's submission key as sent, to ask whether it is stored ('' when it cannot
    be one: the form then refuses the post with a 400, `answering.posted_form`)."""
    key = request.form.get("submission_key", "")
    return key if len(key) <= MAX_KEY_LENGTH else ""


def _page_asked(answering: Answering) -> int:
    """The page `?side=` asks for (counted from 1), within bounds; the first without it."""
    side = request.args.get("side", "1")
    return answering.page_index_of(int(side) - 1 if side.isascii() and side.isdigit()
                                   and len(side) <= 4 else 0)


@bp.post("/s/<token>")
def submit(token: str):
    """Keep the page's answers and go to the page asked for (Next, Back, another
    language; the page itself when it has errors), or store the answers when they are
    sent and complete."""
    db = database.session()
    target = _open_target(token, db)
    csrf.protect()  # after the link check, so a closed link says so rather than "expired"
    survey, answering = target.survey, answering_for(target.survey)
    draft = answer_drafts.held(db, survey.id, token)
    form = answering.posted(current_language(), held=draft.fields if draft else ())
    key = form.submission_key.data
    if draft is None and target.stored:
        return _thank(survey, answering, key)  # sent again after it was stored
    refused = answering.refused(form)
    if refused is not None and refused.page is not None:  # from no page: kept nowhere
        return _render(target, answering, form, refused.page, refused.status)
    lang = request.form.get("switch_lang")
    if lang in current_app.config["LANGUAGES"]:
        index = answering.page_index(form)
        shown = index if request.form.get("shown_errors") else None
        return remember_language(_keep(target, answering, form, index, shown), str(lang))
    step = answering.step(form, request.form.get("nav", "submit"))
    if step.page is not None:
        return _keep(target, answering, form, step.page, step.page if step.status == 422
                     else None)
    return _finish(target, answering, answering.answers(form), key)


def _keep(target: LinkTarget, answering: Answering, form, index: int,
          errors_on: int | None):
    """Keep the answers so far, and go to page `index` (showing its errors if
    `errors_on` is that page)."""
    draft = answer_drafts.Draft(tuple(answering.kept(form)), form.submission_key.data,
                                errors_on)
    answer_drafts.keep(database.session(), target.survey.id, _token(), draft, today())
    url = url_for(".start", token=_token())
    return redirect(f"{url}?side={index + 1}" if index else url, code=303)


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
    """Store a complete, valid response, then thank (or give the follow-up code); the
    answers kept between pages are deleted after, in a commit of their own."""
    survey, definition = target.survey, answering.definition
    plan = follow_up_plan(survey, app_secret(), today(), definition)
    outcome = submit_response(database.session(), survey, target.single_use, key,
                              current_language(), answers, today(), follow_up=plan,
                              definition=definition)
    answer_drafts.forget(database.session())
    if outcome is Outcome.LINK_USED:
        raise _not_open()
    return _thank(survey, answering, key)


def _thank(survey: LinkedSurvey, answering: Answering, key: str):
    """Where a stored response leads: the code page after a baseline, else the thanks."""
    if answering.definition.follow_up is not None:
        return _to_code_page(survey, key)
    # under the survey's own token: a used single-use link is gone (`SingleUseLink`)
    return redirect(url_for(".thanks", token=survey.public_token), code=303)


def _to_code_page(survey: LinkedSurvey, submission_key: str):
    """After a baseline (or the same baseline sent again): the page with its code."""
    code, _row = stored_baseline_code(database.session(), app_secret(), survey.id,
                                      submission_key)
    code_handover.hand_over(survey.id, code)  # never in the address: a tablet is shared
    return redirect(url_for("respond.follow_up_code", token=survey.public_token), code=303)


def _render(target: LinkTarget, answering: Answering, form, index: int, status: int = 200):
    survey = target.survey
    html = rendering.render_page(
        answering, form, index, lang=current_language(),
        action=url_for(".submit", token=_token()),
        follow_up_url=_follow_up_url(survey, answering),
        version=(survey.questionnaire_version_id, survey.layout),
        who_asks=_who_asks_markup(survey.who_asks))
    return html, status


def render_page(survey: Survey, answering: Answering, form, index: int, action: str,
                version: tuple[Hashable, ...] | None = None) -> str:
    """One page of a questionnaire's form, posting to `action`. With `version`, the
    questionnaire's part is kept (see `respond.rendering`)."""
    return rendering.render_page(answering, form, index, lang=current_language(),
                                 action=action, follow_up_url=_follow_up_url(survey, answering),
                                 version=version, who_asks=who_asks_html(survey))


def who_asks_html(survey: Survey) -> Markup:
    """The paragraph that says who the survey comes from, and whom to ask."""
    return _who_asks_markup(who_asks(database.session(), survey))


def _who_asks_markup(asking: WhoAsks) -> Markup:
    """The paragraph, kept per language and what it says (it holds nothing else)."""
    return Markup(rendering.kept(("who_asks", asking, current_language()), lambda: Markup(
        render_template("_who_asks.html", who_asks=asking))))


def _follow_up_url(survey: Survey | LinkedSurvey, answering: Answering) -> str | None:
    """Where a survey with follow-ups lets a person type their code; None without."""
    if answering.definition.follow_up is None:
        return None
    return url_for("respond.follow_up_start", token=survey.public_token)


@bp.get("/s/<token>/takk")
def thanks(token: str):
    """The thank-you page; shown for a used single-use link too, since that is the point,
    and after a follow-up (whose address carries the survey's own token).

    Kept whole per address, language and who is asking: the page holds only the
    questionnaire's title and thanks, which never change for a survey's version, and who
    the survey comes from (`labels.who_asks`), read at most PAGE_LOOKUP_SECONDS before, so
    that a new contact or a renamed unit shows within seconds."""
    lang = current_language()
    survey = recent_linked(database.reading(), token)
    if survey is None:
        abort(404)
    asking = survey.who_asks
    key = None if request.query_string else (request.path, lang, asking)
    return rendering.kept(key, lambda: render_template(
        "respond/thanks.html", definition=answering_for(survey).definition, lang=lang,
        who_asks=asking))
