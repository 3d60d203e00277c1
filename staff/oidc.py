"""Signing in with a work account (OpenID Connect): Entra ID, ID-porten, Feide, as the
installation configures them (`web.oidc_settings`).

`/admin/login/oidc/<provider>` sends the browser to the provider with a fresh state, nonce
and PKCE verifier kept in the signed session; the provider sends it back to
`…/<provider>/callback`, where the answer is checked (`web.oidc_client`), the account found
or linked (`surveys.oidc_accounts`) and the session made as for a password
(`auth.log_in`). Whatever fails, the person gets a page in their language saying what to
do, with a 400, 403 or 502, and is not signed in; the reason goes to the log for the
operator, without who it was. A login under way is used once: the callback takes it out of
the session whatever happens.
"""

from __future__ import annotations

import logging

from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

import database
from staff.blueprint import ANYONE, StaffBlueprint
from surveys import auth, oidc_accounts
from surveys.oidc_accounts import Gate, NoAccess, Refusal
from util.urls import safe_next
from web import oidc_client, oidc_settings
from web.i18n import current_language
from web.oidc_client import Pending, Problem, Refused, Unavailable
from web.oidc_settings import Provider

bp = StaffBlueprint("oidc", __name__)
log = logging.getLogger(__name__)
PENDING = "oidc_login"


def _provider(name: str) -> Provider:
    provider = oidc_settings.provider(name)
    if provider is None:
        abort(404)
    return provider


def _callback_url(provider: Provider) -> str:
    """The redirect URI registered at the provider: this site's public address (behind a
    proxy, BEHIND_PROXY) and the callback's path."""
    return url_for(".callback", provider=provider.name, _external=True)


@bp.get("/login/oidc/<provider>", allow=ANYONE)
def start(provider: str):
    chosen = _provider(provider)
    try:
        url, pending = oidc_client.begin(chosen, _callback_url(chosen), current_language())
    except Unavailable as exc:
        return _unavailable(chosen, exc)
    session[PENDING] = {"provider": chosen.name, **pending.as_dict(),
                        "next": safe_next(request.args.get("next"), "")}
    return redirect(url, code=303)


@bp.get("/login/oidc/<provider>/callback", allow=ANYONE)
def callback(provider: str):
    chosen = _provider(provider)
    kept = session.pop(PENDING, None)
    try:
        if not isinstance(kept, dict) or kept.get("provider") != chosen.name:
            raise Refused(Problem.EXPIRED, "no login under way with this provider")
        identity = oidc_client.finish(chosen, _callback_url(chosen), Pending.from_dict(kept),
                                      request.args)
        account = oidc_accounts.sign_in(database.session(), identity,
                                        Gate(chosen.name, chosen.organisation))
    except Unavailable as exc:
        return _unavailable(chosen, exc)
    except Refused as exc:
        log.warning("login with %s refused: %s", chosen.name, exc)
        return _problem(400, _("The login could not be completed"), REFUSED[exc.problem]())
    except NoAccess as exc:
        log.warning("login with %s: no access, %s", chosen.name, exc.refusal.value)
        return _problem(403, _("You cannot log in here yet") if exc.refusal is Refusal.UNKNOWN
                        else _("You cannot log in"), NO_ACCESS[exc.refusal](chosen))
    auth.log_in(account)
    return redirect(safe_next(kept.get("next"), url_for("admin.signin.overview")), code=303)


def _unavailable(provider: Provider, exc: Unavailable):
    log.error("login with %s unavailable: %s", provider.name, exc.detail)
    return _problem(502, _("The login could not be completed"), _(
        "We could not reach the login service for «%(provider)s». Try again in a few minutes, "
        "or log in with your e-mail address and password.", provider=oidc_settings.label(provider)))


def _problem(status: int, title: str, message: str):
    return render_template("admin/login_problem.html", title=title, message=message), status


REFUSED = {
    Problem.EXPIRED: lambda: _(
        "The login had expired, or was started in another window. Start again from the "
        "login page."),
    Problem.CANCELLED: lambda: _(
        "The login service did not log you in: the login was cancelled or refused there. "
        "Start again from the login page."),
    Problem.INVALID: lambda: _(
        "The answer from the login service could not be verified, so you are not logged in. "
        "Start again from the login page; if it happens again, tell an administrator."),
}
NO_ACCESS = {
    Refusal.UNKNOWN: lambda _p: _(
        "You do not have access yet: ask an administrator to invite you."),
    Refusal.UNVERIFIED: lambda _p: _(
        "The login service did not confirm your e-mail address, so we cannot tell which "
        "account is yours. Ask an administrator for help."),
    Refusal.LINKED_ELSEWHERE: lambda _p: _(
        "Your account here is linked to another work account. Ask an administrator for "
        "help."),
    Refusal.DEACTIVATED: lambda _p: _(
        "Your account is deactivated. Ask an administrator if you need access again."),
    Refusal.OTHER_ORGANISATION: lambda p: _(
        "Your account cannot log in with «%(provider)s». Use the login your administrator "
        "gave you.", provider=oidc_settings.label(p)),
}
