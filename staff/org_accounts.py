"""Staff pages for an organisation administrator's accounts: the leads of the organisation's
units, inviting one (with a one-time set-password link), a new link, deactivating and
reactivating. Administrators may use them too; network leads and unit leads may not (403 on
an organisation they see, 404 otherwise). An account that is not the manager's to manage
(`surveys.org_accounts.is_theirs`: an administrator, a network lead, another organisation's
lead) answers 404, so its existence is not told.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

import database
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.lookups import visible
from staff.org_account_forms import UnitLeadForm
from surveys import access, auth, org_accounts, org_operations, org_queries
from surveys.account_models import Account
from surveys.models import Organisation

bp = StaffBlueprint("org_accounts", __name__)


def _administered(organisation_id: int) -> Organisation:
    me = auth.signed_in_account()
    organisation = visible(Organisation, organisation_id)
    if not (me.is_admin or organisation.id in access.organisation_ids(me)):
        abort(403)
    return organisation


def _theirs(account_id: int) -> Account:
    me = auth.signed_in_account()
    account = database.session().get(Account, account_id) if account_id <= access.MAX_ID \
        else None
    if account is None or account.id == me.id or not org_accounts.is_theirs(me, account):
        abort(404)
    return account


def _back_for(account: Account) -> str:
    """Back to the accounts of the lead's organisation (the organisation page otherwise)."""
    if account.units:
        return url_for(".organisation_accounts",
                       organisation_id=account.units[0].organisation_id)
    return url_for("admin.organisation.organisation")


def _link_page(account: Account, token: str, created: bool):
    """The one time the link is shown (see `staff.accounts`), sent with no-store."""
    url = url_for("admin.signin.set_password", token=token, _external=True)
    return render_template("admin/org/password_link.html", account=account, url=url,
                           created=created, days=auth.PASSWORD_LINK_LIFETIME.days,
                           back=_back_for(account))


@bp.route("/organisations/<int:organisation_id>/accounts", methods=["GET", "POST"],
          allow=SIGNED_IN)
def organisation_accounts(organisation_id: int):
    db, me = database.session(), auth.signed_in_account()
    organisation = _administered(organisation_id)
    form = UnitLeadForm(unit_choices=org_accounts.unit_choices(organisation),
                        email_taken=lambda email: org_queries.email_taken(db, email))
    if form.validate_on_submit():
        try:
            account, token = org_accounts.invite_unit_lead(
                db, me, organisation, form.name.data, form.email.data, form.unit_ids())
        except org_operations.Conflict as exc:
            form[exc.field].errors.append(exc.message)
        else:
            return _link_page(account, token, created=True)
    return render_template("admin/org_accounts/accounts.html", form=form,
                           organisation=organisation,
                           accounts=org_accounts.accounts_of(db, me, organisation)), \
        422 if form.errors else 200


@bp.post("/organisation-accounts/<int:account_id>/password-link", allow=SIGNED_IN)
def lead_password_link(account_id: int):
    account = _theirs(account_id)
    token = org_operations.new_password_link(database.session(), auth.signed_in_account(),
                                             account)
    return _link_page(account, token, created=False)


def _set_active(account_id: int, active: bool):
    account = _theirs(account_id)
    org_operations.set_active(database.session(), auth.signed_in_account(), account, active)
    flash(_("Reactivated the account of %(name)s.", name=account.name) if active
          else _("Deactivated the account of %(name)s.", name=account.name))
    return redirect(_back_for(account), code=303)


@bp.post("/organisation-accounts/<int:account_id>/deactivate", allow=SIGNED_IN)
def lead_deactivate(account_id: int):
    return _set_active(account_id, False)


@bp.post("/organisation-accounts/<int:account_id>/reactivate", allow=SIGNED_IN)
def lead_reactivate(account_id: int):
    return _set_active(account_id, True)
