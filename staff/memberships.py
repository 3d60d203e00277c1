"""Staff pages for a network's members: the members of a network with their periods, taking
an existing organisation in, a membership's period and withdrawal, and the networks of an
organisation.

Who may do what: anyone who sees the network (administrators, its leads) sees its members;
administrators and the network's leads take organisations in and change memberships, and see
the names of every organisation they may take in (names only); anyone who sees an
organisation (administrators, its administrators, leads of its networks) sees its networks.
Outside a person's scope: 404; seen but not theirs to change: 403.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

import database
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.lookups import visible
from staff.membership_forms import MemberForm, MembershipForm
from surveys import auth, memberships, org_queries
from surveys.membership_models import NetworkMembership
from surveys.models import Network, Organisation

bp = StaffBlueprint("memberships", __name__)


@bp.route("/networks/<int:network_id>/members", methods=["GET", "POST"], allow=SIGNED_IN)
def network_members(network_id: int):
    db, me = database.session(), auth.signed_in_account()
    network = visible(Network, network_id)
    manage = org_queries.may_manage(me, network)
    form = MemberForm(choices=org_queries.organisation_choices(db),
                      current=memberships.current_member_ids(db, network))
    if form.is_submitted() and not manage:
        abort(403)
    if form.validate_on_submit():
        organisation = _chosen(db, int(form.organisation.data))
        memberships.add(db, me, network, organisation, form.joined_on.data)
        flash(_("%(organisation)s is now a member of %(network)s.",
                organisation=organisation.name, network=network.name))
        return redirect(url_for(".network_members", network_id=network.id), code=303)
    return render_template("admin/memberships/network.html", network=network, form=form,
                           manage=manage, members=memberships.of_network(db, network)), \
        422 if form.errors else 200


def _chosen(db, organisation_id: int) -> Organisation:
    """The organisation chosen in the form (one of the choices, so it exists)."""
    organisation = db.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


@bp.route("/memberships/<int:membership_id>/edit", methods=["GET", "POST"], allow=SIGNED_IN)
def membership_edit(membership_id: int):
    db, me = database.session(), auth.signed_in_account()
    membership = visible(NetworkMembership, membership_id)
    network = membership.network
    if not org_queries.may_manage(me, network):
        abort(403)
    form = MembershipForm(obj=membership)
    if form.validate_on_submit():
        memberships.change(db, me, membership, form.joined_on.data, form.left_on.data,
                           form.withdrawn.data)
        flash(_("Saved the membership of %(organisation)s in %(network)s.",
                organisation=membership.organisation.name, network=network.name))
        return redirect(url_for(".network_members", network_id=network.id), code=303)
    heading = _("Membership of %(organisation)s in %(network)s",
                organisation=membership.organisation.name, network=network.name)
    return render_template("admin/memberships/edit.html", form=form, heading=heading,
                           network=network), 422 if form.errors else 200


@bp.get("/organisations/<int:organisation_id>/networks", allow=SIGNED_IN)
def organisation_networks(organisation_id: int):
    organisation = visible(Organisation, organisation_id)
    return render_template("admin/memberships/organisation.html", organisation=organisation,
                           members=memberships.of_organisation(database.session(),
                                                               organisation))
