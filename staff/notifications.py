"""Staff pages for the weekly digest by e-mail (issue 17): asking for it and choosing its
language (`/admin/notifications`), and stopping it from the link in a digest
(`/admin/unsubscribe/<token>`).

The unsubscribe link works without logging in: its token is signed for one account
(`surveys.digest_settings`). Opening it only asks (mail scanners and link previews open
every link in a mail, and must not stop anyone's digest); the button on that page, or a
mail program's one-click unsubscribe (RFC 8058, `List-Unsubscribe-Post`), posts to the
same address. That post carries no CSRF token, as a mail program cannot have one: the
signed token in the address is what no other site can forge, and it can only turn the
digest off. A token this app did not sign is a 400 that says so.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature

import database
from staff.blueprint import ANYONE, SIGNED_IN, StaffBlueprint
from staff.notification_forms import NO, YES, DigestSettingsForm
from surveys import auth, digest_settings
from surveys.account_models import Account
from util.dates import local_date
from util.secret import app_secret
from web.errors import FriendlyError
from web.security import csrf

bp = StaffBlueprint("notifications", __name__)


@bp.route("/notifications", methods=["GET", "POST"], allow=SIGNED_IN)
def notification_settings():
    """Ask for the digest or stop it, and choose its language; nothing is stored unless
    both answers are valid."""
    account = auth.signed_in_account()
    if request.method == "GET":
        form = DigestSettingsForm(data={"digest": YES if account.digest else NO,
                                        "language": account.language})
    else:
        form = DigestSettingsForm()
    if form.validate_on_submit():
        digest_settings.save_settings(database.session(), account, form.wants_digest,
                                      form.language.data)
        flash(_("Saved: the weekly digest is sent to %(email)s.", email=account.email)
              if account.digest else _("Saved: you get no weekly digest."))
        return redirect(url_for(".notification_settings"), code=303)
    return render_template(
        "admin/notifications/settings.html", form=form, account=account,
        leads_something=bool(account.units or account.networks),
        last_sent=local_date(account.digest_sent_at) if account.digest_sent_at else None,
        title=_("Weekly digest by e-mail")), 422 if form.errors else 200


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"], allow=ANYONE)
def unsubscribe(token: str):
    """GET asks, in the account's own language; POST stops the digest and shows that it is
    stopped (a second post changes nothing)."""
    db = database.session()
    account = _account_of(token)
    if request.method == "POST":
        digest_settings.unsubscribe(db, account)
        return redirect(url_for(".unsubscribe", token=token), code=303)
    with force_locale(account.language):
        return render_template("admin/notifications/unsubscribe.html", account=account,
                               title=_("Stop the weekly digest"))


csrf.exempt(unsubscribe)


def _account_of(token: str) -> Account:
    """The account of an unsubscribe token; a 400 for a token this app did not sign, a 404
    for an account no longer stored."""
    try:
        account = digest_settings.account_of_token(database.session(), app_secret(), token)
    except BadSignature:
        raise FriendlyError(400, _("This unsubscribe link is not valid. Copy the whole "
                                   "link from the e-mail, or log in and stop the digest "
                                   "under «Weekly digest».")) from None
    if account is None:
        raise FriendlyError(404, _("There is no longer an account for this link, so no "
                                   "digest is sent to it."))
    return account
