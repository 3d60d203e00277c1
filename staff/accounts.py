"""Staff pages for accounts and the audit log (administrators only): make an account and
hand over its one-time password link, a new link, deactivate and reactivate, read the log.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

import database
from staff.blueprint import ADMINS, StaffBlueprint
from staff.org_forms import NewAccountForm
from surveys import access, auth, org_operations, org_queries
from surveys.account_models import Account

bp = StaffBlueprint("accounts", __name__)


def _me() -> Account:
    return auth.signed_in_account()


def _account(account_id: int) -> Account:
    account = database.session().get(Account, account_id) if account_id <= access.MAX_ID else None
    if account is None:
        abort(404)
    return account


def _password_link_page(account: Account, token: str, created: bool):
    """The one time the link is shown: only its hash is stored, so it cannot be shown again.
    Rendered in answer to the POST (not after a redirect) so the token never travels in a
    cookie or a URL of ours; the page is sent with Cache-Control: no-store."""
    url = url_for("admin.signin.set_password", token=token, _external=True)
    return render_template("admin/org/password_link.html", account=account, url=url,
                           created=created, days=auth.PASSWORD_LINK_LIFETIME.days)


@bp.route("/accounts", methods=["GET", "POST"], allow=ADMINS)
def accounts():
    db = database.session()
    form = NewAccountForm(network_choices=org_queries.network_choices(db),
                          unit_choices=org_queries.unit_choices(db),
                          organisation_choices=org_queries.organisation_choices(db),
                          email_taken=lambda email: org_queries.email_taken(db, email))
    if form.validate_on_submit():
        try:
            account, token = org_operations.create_account(
                db, _me(), form.name.data, form.email.data, form.role.data == "admin",
                *form.scope())
        except org_operations.Conflict as exc:
            form[exc.field].errors.append(exc.message)
        else:
            return _password_link_page(account, token, created=True)
    return render_template("admin/org/accounts.html", form=form,
                           accounts=org_queries.all_accounts(db)), 422 if form.errors else 200


def _other_account(account_id: int) -> Account:
    """An account to act on; never one's own (one could lock oneself out)."""
    account = _account(account_id)
    if account.id == _me().id:
        abort(403)
    return account


@bp.post("/accounts/<int:account_id>/password-link", allow=ADMINS)
def account_password_link(account_id: int):
    account = _account(account_id)
    token = org_operations.new_password_link(database.session(), _me(), account)
    return _password_link_page(account, token, created=False)


@bp.post("/accounts/<int:account_id>/deactivate", allow=ADMINS)
def account_deactivate(account_id: int):
    account = _other_account(account_id)
    org_operations.set_active(database.session(), _me(), account, False)
    flash(_("Deactivated the account of %(name)s.", name=account.name))
    return redirect(url_for(".accounts"), code=303)


@bp.post("/accounts/<int:account_id>/reactivate", allow=ADMINS)
def account_reactivate(account_id: int):
    account = _other_account(account_id)
    org_operations.set_active(database.session(), _me(), account, True)
    flash(_("Reactivated the account of %(name)s.", name=account.name))
    return redirect(url_for(".accounts"), code=303)


# --- The audit log (administrators) --------------------------------------------------------------

@bp.get("/audit", allow=ADMINS)
def audit_log():
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
        abort(404)
    page = org_queries.audit_page(database.session(), int(raw))
    if page is None:
        abort(404)
    return render_template("admin/org/audit.html", page=page, action_label=org_queries.action_label,
                           format_datetime=format_datetime)
