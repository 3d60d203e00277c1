"""Staff pages: log in and out, passwords, and the overview of what one may see.

Other staff pages live in their own modules, one per area, each on its own blueprint nested
in the `admin` parent (`staff.blueprint.admin_blueprint`), so every staff URL starts with
/admin.
"""

from __future__ import annotations

import math

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _

import database
from staff.blueprint import ANYONE, SIGNED_IN, StaffBlueprint
from staff.forms import ChangePasswordForm, LoginForm, NewPasswordForm
from surveys import access, auth
from surveys.counts import response_counts
from util.dates import today
from util.urls import safe_next
from web import oidc_settings
from web.i18n import current_language
from web.rate_limits import client_key

bp = StaffBlueprint("signin", __name__)


@bp.route("/login", methods=["GET", "POST"], allow=ANYONE)
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            account = auth.authenticate(database.session(), form.email.data,
                                        form.password.data, client_key())
        except auth.TooManyAttempts as slowed:
            form.email.errors.append(_(
                "Too many failed attempts from here. Wait %(wait)s and try again.",
                wait=format_timedelta(slowed.wait, threshold=1.1)))
            seconds = max(1, math.ceil(slowed.wait.total_seconds()))
            return _login_page(form), 429, {"Retry-After": seconds}
        if account is not None:
            auth.log_in(account)
            return redirect(safe_next(request.args.get("next"), url_for(".overview")), code=303)
        form.password.errors.append(_("The e-mail address or the password is wrong."))
    if form.errors:
        status = 422 if request.method == "POST" else 200
    return _login_page(form), status


def _login_page(form: LoginForm) -> str:
    """The password form, and above it a button for each work account configured
    (OpenID Connect, `staff.oidc`)."""
    return render_template("admin/login.html", form=form, providers=oidc_settings.providers(),
                           provider_label=oidc_settings.label)


@bp.post("/logout", allow=ANYONE)
def logout():
    auth.log_out()
    flash(_("You are logged out."))
    return redirect(url_for(".login"), code=303)


@bp.route("/password", methods=["GET", "POST"], allow=SIGNED_IN)
def change_password():
    account = auth.signed_in_account()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not auth.check_password(account, form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            db = database.session()
            account.password_hash = auth.hash_password(form.password.data)
            auth.end_sessions(account)  # everywhere else; this browser signs in again below
            access.audit(db, account, "password.change", account.email)
            db.commit()
            auth.log_in(account)
            flash(_("Your password is changed."))
            return redirect(url_for(".overview"), code=303)
    status = 422 if form.errors else 200
    return render_template("admin/password.html", form=form, title=_("Change password")), status


@bp.route("/set-password/<token>", methods=["GET", "POST"], allow=ANYONE)
def set_password(token: str):
    """The one-time link an administrator hands over; it sets a password and expires."""
    db = database.session()
    link = auth.find_password_link(db, token)
    if link is None:
        abort(410)
    form = NewPasswordForm()
    if form.validate_on_submit():
        link.used = True
        link.account.password_hash = auth.hash_password(form.password.data)
        auth.end_sessions(link.account)
        access.audit(db, link.account, "password.set", link.account.email)
        db.commit()
        auth.log_in(link.account)
        flash(_("Your password is set. Welcome!"))
        return redirect(url_for(".overview"), code=303)
    status = 422 if form.errors else 200
    return render_template("admin/password.html", form=form, title=_("Choose a password"),
                           email=link.account.email), status


@bp.get("/", allow=SIGNED_IN)
def overview():
    account = auth.signed_in_account()
    db = database.session()
    surveys = access.visible_surveys(db, account)
    return render_template(
        "admin/overview.html", account=account, networks=access.visible_networks(db, account),
        units=access.visible_units(db, account), surveys=surveys, today=today(),
        lang=current_language(), counts=response_counts(db, [s.id for s in surveys]))


@bp.get("/help", allow=SIGNED_IN)
def help_page():
    """What each role does where: the unit lead, the network lead, the organisation
    administrator and the administrator, each section opened for the reader's own role."""
    account = auth.signed_in_account()
    role = ("admin" if account.is_admin else "network" if account.networks
            else "organisation" if account.organisations else "unit")
    return render_template("admin/help.html", role=role)
