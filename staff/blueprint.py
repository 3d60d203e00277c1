"""The staff blueprints (`/admin`): one per area, nested in one `admin` parent, and who may
see each route.

Each area module makes its own `bp = StaffBlueprint("<area>", __name__)`; `admin_blueprint`
nests the areas it is given under `/admin`, so an endpoint is named `admin.<area>.<view>`
and the addresses stay as they were. Denied unless a route says otherwise: every route
names its audience when it is registered (`@bp.get("/surveys", allow=SIGNED_IN)`), a route
without one makes building the app fail, and one check on the parent, before every view of
every area (`_admit`), applies it. So no route can be added that forgets to ask, as a
missing decorator once could. Which objects a signed-in person may see is a second,
separate check in each view (`staff.lookups`, `surveys.access.get_visible`).

What every staff page shares lives on the parent too: the helpers its templates call
(`_helpers` for every template, `_page_helpers` for the staff pages).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint, Flask, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from analytics import exports
from reporting.rule import current_rule
from surveys import auth, handout
from surveys.batches import Waiting
from surveys.labels import target_label, version_title
from surveys.models import LinkMode, Survey, SurveyStatus
from surveys.operations import IssuedLinks
from util.dates import today
from web.errors import FriendlyError
from web.i18n import decimal


class Audience(enum.Enum):
    """Who may open a staff route."""

    ANYONE = "anyone"  # signing in, and setting a password with a one-time link
    SIGNED_IN = "signed in"  # any active account; objects are then scoped per account
    ADMINS = "administrators"


ANYONE, SIGNED_IN, ADMINS = Audience.ANYONE, Audience.SIGNED_IN, Audience.ADMINS


class StaffBlueprint(Blueprint):
    """A blueprint whose routes must each say who may see them (`allow=`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # view name (without the blueprint's dotted prefix, which registration decides)
        self.audiences: dict[str, Audience] = {}

    def add_url_rule(self, rule: str, endpoint: str | None = None,
                     view_func: Callable | None = None,
                     provide_automatic_options: bool | None = None, **options: Any) -> None:
        allow = options.pop("allow", None)
        if not isinstance(allow, Audience):
            raise TypeError(f"staff route {rule!r} must say who may see it: allow=SIGNED_IN, "
                            "ADMINS or ANYONE")
        name = endpoint or (view_func.__name__ if view_func is not None else rule)
        self.audiences[name] = allow
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)


def admin_blueprint(areas: Iterable[StaffBlueprint]) -> StaffBlueprint:
    """`/admin`, with each area's blueprint nested in it (`admin.<area>.<view>`) and the
    audience check before every view. A new parent for each app: a blueprint that has been
    registered takes no more nested blueprints."""
    admin = StaffBlueprint("admin", __name__, url_prefix="/admin")
    admin.before_request(_admit)
    admin.app_context_processor(_helpers)
    admin.context_processor(_page_helpers)
    for area in areas:
        admin.register_blueprint(area)
    return admin


def audience_of(app: Flask, endpoint: str) -> Audience | None:
    """Who may open `endpoint` (`admin.<area>.<view>`), as its staff blueprint declared it;
    None for an endpoint no staff blueprint declared."""
    blueprint_name, _dot, view = endpoint.rpartition(".")
    blueprint = app.blueprints.get(blueprint_name)
    if not isinstance(blueprint, StaffBlueprint):
        return None
    return blueprint.audiences.get(view)


def _admit():
    """Anonymous visitors go to the login page (and back afterwards); a signed-in person
    outside the route's audience gets 403; a route with no audience is never served."""
    audience = audience_of(current_app, request.endpoint or "")
    if audience is None:
        abort(403)
    if audience is ANYONE:
        return None
    account = auth.current_account()
    if account is None:
        return redirect(url_for("admin.signin.login", next=request.full_path))
    if audience is ADMINS and not account.is_admin:
        abort(403)
    return None


STATUS_LABELS = {SurveyStatus.DRAFT: _l("Not open yet"), SurveyStatus.OPEN: _l("Open"),
                 SurveyStatus.CLOSED: _l("Closed")}
PHASE_LABELS = {"baseline": _l("Baseline"), "follow_up": _l("Follow-up")}


def survey_status(survey: Survey) -> str:
    return str(STATUS_LABELS[survey.status(today())])


def responses_text(count: int) -> str:
    """A count of responses as staff may read it: «fewer than 5» for 1 to `minimum` − 1, so a
    lead who looks before and after one person answers learns nothing from the count; 0 and
    counts at the minimum or above as numbers."""
    rule = current_rule()
    if rule.too_few(count):
        return _("fewer than %(minimum)d", minimum=rule.minimum)
    return decimal(count)


def waiting_lines(waiting: Waiting) -> list[str]:
    """What the survey's pages say about responses stored but not yet released
    (`surveys.batches`): how many wait, never what they say. Empty when none wait."""
    minimum, lines = current_rule().minimum, []
    if waiting.responses:
        lines.append(ngettext(
            "%(num)d response is waiting until there are at least %(minimum)d.",
            "%(num)d responses are waiting until there are at least %(minimum)d.",
            waiting.responses, minimum=minimum))
    if waiting.follow_ups:
        lines.append(ngettext(
            "%(num)d follow-up is waiting until at least %(minimum)d can be released "
            "together with their first answers.",
            "%(num)d follow-ups are waiting until at least %(minimum)d can be released "
            "together with their first answers.", waiting.follow_ups, minimum=minimum))
    if lines:
        lines.append(_("Responses are released together, at least %(minimum)d at a time, so "
                       "that nobody can see what one person answered.", minimum=minimum))
    return lines


def _helpers() -> dict:
    """For every template of the app (the page header asks who is signed in)."""
    return {"current_account": auth.current_account, "survey_status": survey_status,
            "responses_text": responses_text, "waiting_lines": waiting_lines}


def _page_helpers() -> dict[str, Any]:
    """For the staff pages of every area: a survey's page heading, shown by results,
    comparison, change, checklist and follow-up pages as much as by the survey's own."""
    return {"version_title": version_title, "target_label": target_label,
            "phase_labels": PHASE_LABELS, "SurveyStatus": SurveyStatus, "LinkMode": LinkMode,
            "print_day": today, "small_group_minimum": lambda: current_rule().minimum}


def export_delimiter(fmt: str) -> str:
    """The CSV delimiter the reader asked for with `?sep=` (an XLSX has none: the default);
    anything but ; or , is a 400 that says what is allowed."""
    if fmt != "csv":
        return exports.DEFAULT_DELIMITER
    try:
        return exports.delimiter_from(request.args.get("sep"))
    except ValueError:
        raise FriendlyError(400, _("The separator must be ; or ,.")) from None


def to_survey(survey: Survey):
    """On to the survey's page, after a post that changed it."""
    return redirect(url_for("admin.surveys.survey", survey_id=survey.id), code=303)


def to_issued_links(survey: Survey, issued: IssuedLinks):
    """On to the page that shows the links just issued, once (`staff.links`): a redirect,
    so that a reload, Back or Forward there never sends the post that issued them again,
    which would issue another set, or with «a fresh set» withdraw the one shown."""
    handout.hand_over_links(survey.id, issued)
    return redirect(url_for("admin.links.issued_links", survey_id=survey.id), code=303)
