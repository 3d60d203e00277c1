"""Staff pages for the organisation: networks, gatherings, organisations and units
(accounts and the audit log are in `staff.accounts`).

Who may do what: everyone logged in sees the organisation page (their own scope only);
administrators manage networks and accounts, make organisations in no network and read the
audit log; administrators and a network's leads manage that network's gatherings and its
members' organisations and units, but a network's lead deletes no organisation; an
organisation's administrators manage it and its units (`org_queries.may_manage`). Members
and their periods are in `staff.memberships`. An object outside a person's scope answers 404
(`access.get_visible`); one they see but may not change, 403.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

import database
from reporting.rule import current_rule
from staff.blueprint import ADMINS, SIGNED_IN, StaffBlueprint
from staff.org_forms import (
    KIND_LABELS,
    DeleteForm,
    GatheringForm,
    NameForm,
    OrganisationForm,
)
from surveys import access, auth, org_operations, org_queries
from surveys.account_models import Account
from surveys.labels import gathering_label
from surveys.models import Gathering, Network, Organisation, Unit

bp = StaffBlueprint("organisation", __name__)

Structure = Network | Gathering | Organisation | Unit
Saved = tuple[str, str | None]  # the message to flash, the anchor to return to


def _me() -> Account:
    return auth.signed_in_account()


def _visible(model: type, object_id: int):
    return access.get_visible(database.session(), _me(), model, object_id)


def _managed(model: type, object_id: int):
    """An object the person may see (else 404) and change the structure of (else 403)."""
    obj = _visible(model, object_id)
    if not org_queries.may_manage(_me(), obj):
        abort(403)
    return obj


def _anchor(obj: Structure) -> str:
    return f"{org_operations.kind_of(obj)}-{obj.id}"


def _back(message: str, anchor: str | None = None):
    flash(message)
    return redirect(url_for(".organisation", _anchor=anchor), code=303)


def _form_page(form, save: Callable[[], Saved], heading: str, **context):
    """Show a form; on a valid post save it and go back to the organisation page."""
    if form.validate_on_submit():
        try:
            message, anchor = save()
        except org_operations.Conflict as exc:
            form[exc.field].errors.append(exc.message)
        else:
            return _back(message, anchor)
    status = 422 if form.errors else 200
    return render_template("admin/org/form.html", form=form, heading=heading, **context), status


def _what(obj: Structure) -> str:
    """How an object is named in headings and messages."""
    if isinstance(obj, Gathering):
        return _("%(gathering)s of %(network)s", gathering=gathering_label(obj.number),
                 network=obj.network.name)
    if isinstance(obj, Network):
        return _("the network «%(name)s»", name=obj.name)
    if isinstance(obj, Organisation):
        return _("the organisation «%(name)s»", name=obj.name)
    return _("the unit «%(name)s»", name=obj.name)


def _set_archived(obj: Network | Organisation | Unit, archived: bool):
    org_operations.set_archived(database.session(), _me(), obj, archived)
    message = (_("Archived %(what)s.", what=_what(obj)) if archived
               else _("Brought back %(what)s.", what=_what(obj)))
    return _back(message, _anchor(obj))


def _delete_page(obj: Structure, back: str | None):
    """Ask before deleting; say exactly what goes with it when surveys exist underneath."""
    db = database.session()
    rule = current_rule()
    contents = org_queries.contents_of(db, obj).as_shown(rule)
    form = DeleteForm(current=contents.fingerprint, has_data=contents.has_data)
    if form.validate_on_submit():
        what = _what(obj)
        org_operations.delete(db, _me(), obj)
        return _back(_("Deleted %(what)s.", what=what), back)
    return render_template("admin/org/delete.html", form=form, what=_what(obj),
                           contents=contents, minimum=rule.minimum), 422 if form.errors else 200


# --- The overview -------------------------------------------------------------------------------


@bp.get("/organisation", allow=SIGNED_IN)
def organisation():
    tree = org_queries.organisation_tree(database.session(), _me())
    return render_template("admin/org/organisation.html", tree=tree, kind_labels=KIND_LABELS,
                           anchored=[])


# --- Networks (administrators) ------------------------------------------------------------------


@bp.route("/networks/new", methods=["GET", "POST"], allow=ADMINS)
def network_create():
    db = database.session()
    form = NameForm(taken=lambda name: org_queries.network_name_taken(db, name))

    def save() -> Saved:
        network = org_operations.create_network(db, _me(), form.name.data)
        return _("Added %(what)s.", what=_what(network)), _anchor(network)

    return _form_page(form, save, _("New network"))


@bp.route("/networks/<int:network_id>/edit", methods=["GET", "POST"], allow=ADMINS)
def network_edit(network_id: int):
    db = database.session()
    network = _visible(Network, network_id)
    heading = _("Rename %(what)s", what=_what(network))
    form = NameForm(obj=network, taken=lambda name: org_queries.network_name_taken(
        db, name, network.id))

    def save() -> Saved:
        org_operations.rename(db, _me(), network, form.name.data)
        return _("Saved %(what)s.", what=_what(network)), _anchor(network)

    return _form_page(form, save, heading)


@bp.post("/networks/<int:network_id>/archive", allow=ADMINS)
def network_archive(network_id: int):
    return _set_archived(_visible(Network, network_id), True)


@bp.post("/networks/<int:network_id>/unarchive", allow=ADMINS)
def network_unarchive(network_id: int):
    return _set_archived(_visible(Network, network_id), False)


@bp.route("/networks/<int:network_id>/delete", methods=["GET", "POST"], allow=ADMINS)
def network_delete(network_id: int):
    return _delete_page(_visible(Network, network_id), None)


# --- Gatherings (administrators and the network's leads) ---------------------------------------


def _gathering_page(network: Network, gathering: Gathering | None, heading: str):
    db = database.session()
    others = org_queries.other_gatherings(db, network.id, gathering.id if gathering else None)
    data = ({"number": str(gathering.number), "held_on": gathering.held_on,
             "place": gathering.place} if gathering else None)
    form = GatheringForm(data=data, others=others)

    def save() -> Saved:
        saved = org_operations.save_gathering(db, _me(), network, gathering,
                                              int(form.number.data), form.held_on.data,
                                              form.place.data)
        return _("Saved %(what)s.", what=_what(saved)), _anchor(network)

    return _form_page(form, save, heading)


@bp.route("/networks/<int:network_id>/gatherings/new", methods=["GET", "POST"], allow=SIGNED_IN)
def gathering_create(network_id: int):
    network = _managed(Network, network_id)
    return _gathering_page(network, None, _("New gathering in %(name)s", name=network.name))


@bp.route("/gatherings/<int:gathering_id>/edit", methods=["GET", "POST"], allow=SIGNED_IN)
def gathering_edit(gathering_id: int):
    gathering = _managed(Gathering, gathering_id)
    heading = _("Change %(what)s", what=_what(gathering))
    return _gathering_page(gathering.network, gathering, heading)


@bp.route("/gatherings/<int:gathering_id>/delete", methods=["GET", "POST"], allow=SIGNED_IN)
def gathering_delete(gathering_id: int):
    gathering = _managed(Gathering, gathering_id)
    return _delete_page(gathering, _anchor(gathering.network))


# --- Organisations (administrators and the network's leads) ------------------------------------


@bp.route("/networks/<int:network_id>/organisations/new", methods=["GET", "POST"], allow=SIGNED_IN)
def organisation_create(network_id: int):
    db = database.session()
    network = _managed(Network, network_id)
    form = OrganisationForm(taken=lambda name: org_queries.organisation_name_taken(db, name))

    def save() -> Saved:
        made = org_operations.create_organisation(db, _me(), network, form.name.data,
                                                  form.kind.data)
        return _("Added %(what)s.", what=_what(made)), _anchor(made)

    return _form_page(form, save, _("New organisation in %(name)s", name=network.name))


@bp.route("/organisations/new", methods=["GET", "POST"], allow=ADMINS)
def organisation_create_alone():
    """An organisation in no network (it may join networks later, from a network's page)."""
    db = database.session()
    form = OrganisationForm(taken=lambda name: org_queries.organisation_name_taken(db, name))

    def save() -> Saved:
        made = org_operations.create_organisation(db, _me(), None, form.name.data,
                                                  form.kind.data)
        return _("Added %(what)s.", what=_what(made)), _anchor(made)

    return _form_page(form, save, _("New organisation in no network"))


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"], allow=SIGNED_IN)
def organisation_edit(organisation_id: int):
    db = database.session()
    organisation = _managed(Organisation, organisation_id)
    heading = _("Change %(what)s", what=_what(organisation))
    form = OrganisationForm(
        data={"name": organisation.name, "kind": organisation.kind.value},
        taken=lambda name: org_queries.organisation_name_taken(db, name, organisation.id))

    def save() -> Saved:
        org_operations.update_organisation(db, _me(), organisation, form.name.data,
                                           form.kind.data)
        return _("Saved %(what)s.", what=_what(organisation)), _anchor(organisation)

    return _form_page(form, save, heading)


@bp.post("/organisations/<int:organisation_id>/archive", allow=SIGNED_IN)
def organisation_archive(organisation_id: int):
    return _set_archived(_managed(Organisation, organisation_id), True)


@bp.post("/organisations/<int:organisation_id>/unarchive", allow=SIGNED_IN)
def organisation_unarchive(organisation_id: int):
    return _set_archived(_managed(Organisation, organisation_id), False)


@bp.route("/organisations/<int:organisation_id>/delete", methods=["GET", "POST"], allow=SIGNED_IN)
def organisation_delete(organisation_id: int):
    """Administrators and the organisation's own administrators only: its units and surveys
    may be from several networks' periods, which one network's lead does not speak for."""
    organisation = _managed(Organisation, organisation_id)
    if not (_me().is_admin or organisation.id in access.organisation_ids(_me())):
        abort(403)
    return _delete_page(organisation, None)


# --- Units (administrators and the network's leads) --------------------------------------------


@bp.route("/organisations/<int:organisation_id>/units/new", methods=["GET", "POST"],
          allow=SIGNED_IN)
def unit_create(organisation_id: int):
    db = database.session()
    organisation = _managed(Organisation, organisation_id)
    form = NameForm(taken=lambda name: org_queries.unit_name_taken(db, organisation.id, name))

    def save() -> Saved:
        unit = org_operations.create_unit(db, _me(), organisation, form.name.data)
        return _("Added %(what)s.", what=_what(unit)), _anchor(unit)

    return _form_page(form, save, _("New unit in %(name)s", name=organisation.name))


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"], allow=SIGNED_IN)
def unit_edit(unit_id: int):
    db = database.session()
    unit = _managed(Unit, unit_id)
    heading = _("Rename %(what)s", what=_what(unit))
    form = NameForm(obj=unit, taken=lambda name: org_queries.unit_name_taken(
        db, unit.organisation_id, name, unit.id))

    def save() -> Saved:
        org_operations.rename(db, _me(), unit, form.name.data)
        return _("Saved %(what)s.", what=_what(unit)), _anchor(unit)

    return _form_page(form, save, heading)


@bp.post("/units/<int:unit_id>/archive", allow=SIGNED_IN)
def unit_archive(unit_id: int):
    return _set_archived(_managed(Unit, unit_id), True)


@bp.post("/units/<int:unit_id>/unarchive", allow=SIGNED_IN)
def unit_unarchive(unit_id: int):
    return _set_archived(_managed(Unit, unit_id), False)


@bp.route("/units/<int:unit_id>/delete", methods=["GET", "POST"], allow=SIGNED_IN)
def unit_delete(unit_id: int):
    unit = _managed(Unit, unit_id)
    return _delete_page(unit, _anchor(unit.organisation))
