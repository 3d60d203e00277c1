"""The builder's questions: add one of any type to a section, edit it, move it, remove it;
the questions inside a repeating group likewise.

A new question takes two steps that work without JavaScript: its type (a GET form, so the
choice is the address's `?type=`), then the form of that type (`staff.builder_item_forms`).
Each change is made on a copy of the draft (`questionnaires.item_edits`) and kept only when
the schema takes it; otherwise the schema's problems are shown at the fields they concern
and the draft stays as it was.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

import database
from questionnaires import drafts
from questionnaires import item_edits as edits
from questionnaires.drafts import DraftRefused, Problem, QuestionnaireDraft
from staff import lookups
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.builder_forms import ITEM_TYPE_NAMES, attach
from staff.builder_item_forms import (
    CHILD_TYPES,
    ITEM_TYPES,
    TypeForm,
    fill,
    form_class,
    item_of,
    problem_fields,
    set_choices,
    show_rows,
    shown,
    type_choices,
)
from web.i18n import current_language

bp = StaffBlueprint("builder_items", __name__)
ITEMS = "/questionnaires/<slug>/draft/items"
Place = tuple[int, ...]


@bp.route("/questionnaires/<slug>/draft/sections/<section_id>/new-item",
          methods=["GET", "POST"], allow=SIGNED_IN)
def add_item(slug: str, section_id: str):
    """A new question last in the section: first its type, then its form."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    section = edits.section_index(row.content, section_id)
    if section is None:
        abort(404)
    kind = request.args.get("type")
    if kind not in ITEM_TYPES:
        return _choose_type(row, ITEM_TYPES, kind)
    return _item_page(row, kind, section=section)


@bp.route(f"{ITEMS}/<item_id>", methods=["GET", "POST"], allow=SIGNED_IN)
def edit_item(slug: str, item_id: str):
    row = lookups.questionnaire_draft(slug, for_update=True)
    place = _place_or_404(edits.item_place(row.content, item_id))
    return _item_page(row, edits.item_at(row.content, place)["type"], place=place)


@bp.post(f"{ITEMS}/<item_id>/move", allow=SIGNED_IN)
def move_item(slug: str, item_id: str):
    row = lookups.questionnaire_draft(slug, for_update=True)
    return _move(row, _place_or_404(edits.item_place(row.content, item_id)))


@bp.route(f"{ITEMS}/<item_id>/remove", methods=["GET", "POST"], allow=SIGNED_IN)
def remove_item(slug: str, item_id: str):
    row = lookups.questionnaire_draft(slug, for_update=True)
    return _remove(row, _place_or_404(edits.item_place(row.content, item_id)))


@bp.route(f"{ITEMS}/<group_id>/new-item", methods=["GET", "POST"], allow=SIGNED_IN)
def add_child(slug: str, group_id: str):
    """A new question last in a repeating group, of a type a group may hold."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    group = _place_or_404(edits.item_place(row.content, group_id))
    if edits.item_at(row.content, group).get("type") != "group":
        abort(404)
    kind = request.args.get("type")
    if kind not in CHILD_TYPES:
        return _choose_type(row, CHILD_TYPES, kind, group=group)
    return _item_page(row, kind, group=group)


@bp.route(f"{ITEMS}/<group_id>/items/<child_id>", methods=["GET", "POST"], allow=SIGNED_IN)
def edit_child(slug: str, group_id: str, child_id: str):
    row = lookups.questionnaire_draft(slug, for_update=True)
    place = _place_or_404(edits.child_place(row.content, group_id, child_id))
    return _item_page(row, edits.item_at(row.content, place)["type"], place=place)


@bp.post(f"{ITEMS}/<group_id>/items/<child_id>/move", allow=SIGNED_IN)
def move_child(slug: str, group_id: str, child_id: str):
    row = lookups.questionnaire_draft(slug, for_update=True)
    return _move(row, _place_or_404(edits.child_place(row.content, group_id, child_id)))


@bp.route(f"{ITEMS}/<group_id>/items/<child_id>/remove", methods=["GET", "POST"],
          allow=SIGNED_IN)
def remove_child(slug: str, group_id: str, child_id: str):
    row = lookups.questionnaire_draft(slug, for_update=True)
    return _remove(row, _place_or_404(edits.child_place(row.content, group_id, child_id)))


def _place_or_404(place: Place | None) -> Place:
    if place is None:
        abort(404)
    return place


def _choose_type(row: QuestionnaireDraft, types: tuple[str, ...], chosen: str | None,
                 group: Place | None = None):
    """The first step: the type of question. An unknown type, or a question posted without
    one, is asked again with the reason at the choice."""
    form = TypeForm(request.args)
    form.type.choices = type_choices(types)
    if chosen is not None or request.method == "POST":
        form.type.errors = [_("Choose the type of question.")]
    status = 422 if form.type.errors else 200
    return render_template("admin/builder/items/choose_type.html", draft=row, form=form,
                           group=_group_text(row, group)), status


def _item_page(row: QuestionnaireDraft, kind: str, *, place: Place | None = None,
               section: int | None = None, group: Place | None = None):
    """The form of one question, new (`section`, or `group` for a group's question) or
    stored (`place`); kept when the form and the schema take it."""
    content, child = row.content, group is not None or len(place or ()) == 3
    old = edits.item_at(content, place) if place else None
    form = form_class(kind, child=child, new=old is None)()
    form.taken = edits.keys_in_use(content) - ({old["id"]} if old else set())
    if not form.is_submitted():
        fill(form, old) if old else show_rows(form, None)
    earlier = [] if child else edits.earlier_items(content, place, section)
    set_choices(form, content, earlier, current_language())
    if form.validate_on_submit():
        done = _save_item(row, form, kind, old, place or (), section, group)
        if done is not None:
            return done
    parent = group or (place[:2] if place and child else None)
    return render_template(
        "admin/builder/items/item.html", draft=row, form=form, kind=kind, old=old,
        type_name=ITEM_TYPE_NAMES[kind], group=_group_text(row, parent),
        lang=current_language()), 422 if form.errors else 200


def _save_item(row: QuestionnaireDraft, form: Any, kind: str, old: dict[str, Any] | None,
               place: Place, section: int | None, group: Place | None):
    content = drafts.edited(row)
    item = item_of(form, kind, content, old)
    if old is not None:
        if old["id"] != item["id"]:
            parent = edits.item_at(content, place[:2])["id"] if len(place) == 3 else None
            edits.rename_key(content, old["id"], item["id"], parent)
        edits.replace(content, place, item)
        message = _("The question is saved.")
    elif group is not None:
        place, message = edits.add_child(content, group, item), _("The question is added.")
    else:
        assert section is not None  # a new top-level question is added to a section
        place, message = edits.add_item(content, section, item), _("The question is added.")
    try:
        _keep(row, content)
    except DraftRefused as exc:
        attach(exc.problems, problem_fields(form, edits.path_of(place)), form)
        return None
    flash(message)
    return _to_draft(row, place)


def _keep(row: QuestionnaireDraft, content: dict[str, Any]) -> None:
    """Save the changed content, or leave the draft as it was and raise DraftRefused."""
    db = database.session()
    try:
        drafts.save(db, row, content)
    except DraftRefused:
        db.rollback()
        raise
    db.commit()


def _to_draft(row: QuestionnaireDraft, place: Place):
    section = row.content["sections"][place[0]]["id"]
    return redirect(url_for("admin.builder.draft", slug=row.slug) + f"#section-{section}",
                    code=303)


def _move(row: QuestionnaireDraft, place: Place):
    """One step up or down in its section (or group); a move the schema refuses (a
    condition placed above the question it tests) is explained, and nothing moves."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    posted = request.form.get("direction")
    if posted not in ("up", "down"):
        abort(400)
    direction: edits.Direction = "up" if posted == "up" else "down"
    content = drafts.edited(row)
    if edits.move(content, place, direction):
        try:
            _keep(row, content)
        except DraftRefused as exc:
            return _refused(row, place, exc.problems)
        flash(_("The question is moved."))
    return _to_draft(row, place)


def _remove(row: QuestionnaireDraft, place: Place):
    """Ask first; then remove the question, unless something still points at it."""
    content = row.content
    item = edits.item_at(content, place)
    parent = edits.item_at(content, place[:2])["id"] if len(place) == 3 else None
    form, problems = FlaskForm(), []
    if form.is_submitted():
        if not form.validate_on_submit():
            abort(400)
        changed = drafts.edited(row)
        edits.remove(changed, place)
        try:
            _keep(row, changed)
        except DraftRefused as exc:
            problems = exc.problems
        else:
            flash(_("The question is removed."))
            return _to_draft(row, place)
    references = edits.references(content, item["id"], parent)
    return render_template(
        "admin/builder/items/remove.html", draft=row, form=form, item=item,
        problems=problems, references=[_reference_name(content, path) for path in references],
        lang=current_language()), 422 if problems else 200


def _reference_name(content: dict[str, Any], path: str) -> str:
    """What points at a question, in words."""
    if path.startswith("follow_up"):
        return _("The follow-up (the rows scored again)")
    if path.startswith("pathway"):
        return _("The patient pathway (its start date or reference)")
    s_index, i_index = (int(part.partition("]")[0]) for part in path.split("[")[1:3])
    text = shown(content["sections"][s_index]["items"][i_index].get("text"),
                 current_language())
    return _("The condition of «%(question)s»", question=text)


def _refused(row: QuestionnaireDraft, place: Place, problems: list[Problem]):
    return render_template("admin/builder/items/refused.html", draft=row, problems=problems,
                           section=row.content["sections"][place[0]]["id"]), 422


def _group_text(row: QuestionnaireDraft, group: Place | None) -> str | None:
    if not group:
        return None
    return shown(edits.item_at(row.content, group).get("text"), current_language())
