"""Staff pages for API tokens: one's own tokens, making one (shown once), revoking one.

Every account may make tokens for itself; a token reads the JSON API (`api.views`)
with the account's own rights. An administrator also sees every other account's tokens in
use and may revoke them (a leaked token is an incident an administrator must be able to
stop); nobody else can see or revoke another's token, which answers 404 as elsewhere.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

import database
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.token_forms import NewTokenForm
from surveys import api_tokens, auth
from util.dates import today

bp = StaffBlueprint("tokens", __name__)


def _page(form: NewTokenForm, status: int = 200):
    db, account = database.session(), auth.signed_in_account()
    others = api_tokens.others_active(db, account) if account.is_admin else []
    return render_template("admin/tokens/list.html", form=form,
                           tokens=api_tokens.tokens_of(db, account), others=others), status


def _created_page(new: api_tokens.NewToken):
    """The one time the token is shown: rendered in answer to the POST (never after a
    redirect), so it travels in no URL or cookie; pages are sent with Cache-Control:
    no-store (`web.security`)."""
    return render_template("admin/tokens/created.html", token=new.token, secret=new.secret,
                           api_url=url_for("api.surveys", _external=True).rsplit("/", 1)[0],
                           spec_url=url_for("api.openapi", _external=True))


@bp.route("/tokens", methods=["GET", "POST"], allow=SIGNED_IN)
def api_tokens_page():
    form = NewTokenForm()
    if form.validate_on_submit():
        try:
            new = api_tokens.create_token(database.session(), auth.signed_in_account(),
                                          form.name.data, today())
        except api_tokens.TooManyTokens:
            form.name.errors.append(_("You have %(count)d tokens in use. Revoke one you no "
                                      "longer need first.", count=api_tokens.MAX_ACTIVE_TOKENS))
        else:
            return _created_page(new)
    return _page(form, 422 if form.errors else 200)


@bp.post("/tokens/<int:token_id>/revoke", allow=SIGNED_IN)
def api_token_revoke(token_id: int):
    db = database.session()
    token = api_tokens.revocable(db, auth.signed_in_account(), token_id)
    if token is None:
        abort(404)
    api_tokens.revoke(db, auth.signed_in_account(), token)
    flash(_("The token «%(name)s» is revoked: programs using it can no longer read figures.",
            name=token.name))
    return redirect(url_for(".api_tokens_page"), code=303)
