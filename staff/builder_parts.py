"""The builder's frame of a questionnaire: its title, introduction, source and kind (with
the pathway of a checklist and the follow-up of a repeating group), its sections, scales
(from the scale library or new) and categories.

Each change is a pure edit of the draft's content (`questionnaires.part_edits`) kept only
when the schema takes it (`questionnaires.drafts.save`), its problems shown at the fields
they concern; a removal is asked for on a page of its own first, and refused with the
reason when something still depends on what would go. Every page works without JavaScript.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm

import database
from questionnaires import drafts, part_edits
from questionnaires.drafts import DraftRefused, Problem, QuestionnaireDraft
from questionnaires.loader import builtin_definitions
from questionnaires.part_edits import Details, Refused
from staff import lookups
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.builder_forms import attach, fill_text, text_value
from staff.builder_part_forms import (
    DEFAULT_RANGE,
    CategoryForm,
    DetailsForm,
    LibraryForm,
    MoveForm,
    ScaleForm,
    SectionForm,
    posted_range,
    refusal_message,
    scale_form,
)
from staff.questionnaire_forms import mixed_category_message
from web.i18n import current_language

bp = StaffBlueprint("builder_parts", __name__)
DRAFT = "/questionnaires/<slug>/draft"
PAGES = "admin/builder/parts"


def _shown(text: Mapping[str, str] | None) -> str:
    """A questionnaire text in the reader's language, else in bokmål."""
    text = text or {}
    return text.get(current_language()) or text.get("nb") or ""


def _page(template: str, row: QuestionnaireDraft, form: Any, **values: Any):
    status = 422 if form.errors else 200
    return render_template(f"{PAGES}/{template}", draft=row, content=row.content, form=form,
                           shown=_shown, **values), status


def _keep(row: QuestionnaireDraft, content: dict[str, Any], form: Any,
          fields: Mapping[str, Any]) -> bool:
    """Save the change if the schema takes it; else put its problems at the fields."""
    db = database.session()
    try:
        drafts.save(db, row, content)
    except DraftRefused as exc:
        db.rollback()
        attach(_worded(exc.problems), fields, form)
        return False
    db.commit()
    return True


def _worded(problems: list[Problem]) -> list[Problem]:
    """A category that mixes scales, said in the reader's language."""
    return [dataclasses.replace(p, message=mixed_category_message(_("Categories"), p.mixed))
            if p.mixed else p for p in problems]


def _to_draft(slug: str, anchor: str = ""):
    return redirect(url_for("admin.builder.draft", slug=slug) + anchor, code=303)


def _removal(row: QuestionnaireDraft, edit: Any, done: str, back: str, **page: Any):
    """Ask first (GET), then remove (POST): `edit(content)` removes, raising Refused when
    something depends on what would go; `done` is flashed, `back` is where it goes."""
    form = FlaskForm()
    content = drafts.edited(row)
    try:
        edit(content)
    except Refused as exc:
        status = 409 if form.is_submitted() else 200
        return render_template(f"{PAGES}/remove.html", draft=row, form=form, back=back,
                               refused=refusal_message(exc), **page), status
    if form.validate_on_submit():
        if _keep(row, content, form, {}):
            flash(done)
            return redirect(back, code=303)
        return render_template(f"{PAGES}/remove.html", draft=row, form=form, back=back,
                               refused=" ".join(form.form_errors), **page), 409
    return render_template(f"{PAGES}/remove.html", draft=row, form=form, back=back, **page)


# --- Details --------------------------------------------------------------------------------


@bp.route(f"{DRAFT}/details", methods=["GET", "POST"], allow=SIGNED_IN)
def edit_details(slug: str):
    """The title (no other questionnaire's), introduction, source and kind."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    form = DetailsForm()
    form.set_choices(row.content, _shown)
    if not form.is_submitted():
        form.fill(row.content)
    elif form.validate() and not _title_taken(form, slug):
        content = drafts.edited(row)
        part_edits.set_details(content, Details(
            text_value(form.title) or {}, text_value(form.intro), text_value(form.source) or {},
            form.kind.data, form.pathway_start.data or None, form.pathway_label.data or None,
            form.follow_up()))
        if _keep(row, content, form, form.fields_by_path()):
            flash(_("The details are saved."))
            return _to_draft(slug)
        row = lookups.questionnaire_draft(slug)
    return _page("details.html", row, form)


def _title_taken(form: DetailsForm, slug: str) -> bool:
    """Mark each language's title another questionnaire already has."""
    taken = drafts.taken_titles(database.session(), except_slug=slug)
    found = False
    for code, text in (text_value(form.title) or {}).items():
        if text.casefold() in taken:
            form.title.form[code].errors = [_(
                "Another questionnaire has this title. Add what tells them apart, such as "
                "your unit or municipality.")]
            found = True
    return found


# --- Sections -------------------------------------------------------------------------------

def _section(row: QuestionnaireDraft, section_id: str) -> int:
    try:
        return part_edits.section_index(row.content, section_id)
    except KeyError:
        abort(404)


@bp.route(f"{DRAFT}/sections/new", methods=["GET", "POST"], allow=SIGNED_IN)
def add_section(slug: str):
    """A new, empty section at the end, its title and introduction optional."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    form = SectionForm()
    if form.validate_on_submit():
        content = drafts.edited(row)
        key = part_edits.add_section(content, text_value(form.title), text_value(form.intro))
        index = len(content["sections"]) - 1
        if _keep(row, content, form, {f"sections[{index}].title": form.title,
                                      f"sections[{index}].intro": form.intro}):
            flash(_("The section is added."))
            return _to_draft(slug, f"#section-{key}")
        row = lookups.questionnaire_draft(slug)
    return _page("section.html", row, form, section_id=None)


@bp.route(f"{DRAFT}/sections/<section_id>", methods=["GET", "POST"], allow=SIGNED_IN)
def edit_section(slug: str, section_id: str):
    """A section's title and introduction."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    index = _section(row, section_id)
    form = SectionForm()
    if not form.is_submitted():
        fill_text(form.title, row.content["sections"][index].get("title"))
        fill_text(form.intro, row.content["sections"][index].get("intro"))
    elif form.validate():
        content = drafts.edited(row)
        part_edits.edit_section(content, section_id, text_value(form.title),
                                text_value(form.intro))
        if _keep(row, content, form, {f"sections[{index}].title": form.title,
                                      f"sections[{index}].intro": form.intro}):
            flash(_("The section is saved."))
            return _to_draft(slug, f"#section-{section_id}")
        row = lookups.questionnaire_draft(slug)
    return _page("section.html", row, form, section_id=section_id, number=index + 1)


@bp.post(f"{DRAFT}/sections/<section_id>/move", allow=SIGNED_IN)
def move_section(slug: str, section_id: str):
    """One place up or down; refused when a condition would then ask about a later item."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    _section(row, section_id)
    form = MoveForm()
    if (not form.validate_on_submit() or not form.direction.data
            or len(request.form.getlist("direction")) != 1):
        abort(400)
    content = drafts.edited(row)
    part_edits.move_section(content, section_id, form.direction.data)
    if not _keep(row, content, form, {}):
        return render_template(f"{PAGES}/refused.html", draft=lookups.questionnaire_draft(
            slug), messages=form.form_errors), 409
    return _to_draft(slug, f"#section-{section_id}")


@bp.route(f"{DRAFT}/sections/<section_id>/remove", methods=["GET", "POST"], allow=SIGNED_IN)
def remove_section(slug: str, section_id: str):
    """Remove a section and its questions, after saying how many."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    index = _section(row, section_id)
    count = part_edits.questions_in(row.content, section_id)
    title = _shown(row.content["sections"][index].get("title"))
    return _removal(
        row, lambda content: part_edits.remove_section(content, section_id),
        _("The section is removed."), url_for("admin.builder.draft", slug=slug),
        heading=(_("Remove section %(number)d, «%(title)s»?", number=index + 1, title=title)
                 if title else _("Remove section %(number)d?", number=index + 1)),
        lines=[ngettext("Its %(num)d question is removed with it.",
                        "Its %(num)d questions are removed with it.", count) if count
               else _("It has no questions.")],
        button=_("Remove the section"))


# --- Scales ---------------------------------------------------------------------------------

def _scale(row: QuestionnaireDraft, scale_id: str) -> dict[str, Any]:
    found = (row.content.get("scales") or {}).get(scale_id)
    if found is None:
        abort(404)
    return found


@bp.get(f"{DRAFT}/scales", allow=SIGNED_IN)
def scales(slug: str):
    """The draft's scales and where each is used; the built-ins' scales to copy."""
    row = lookups.questionnaire_draft(slug)
    return _page("scales.html", row, FlaskForm(), uses=part_edits.scale_uses(row.content),
                 library=part_edits.scale_library(builtin_definitions()))


@bp.route(f"{DRAFT}/scales/new", methods=["GET", "POST"], allow=SIGNED_IN)
def add_scale(slug: str):
    """A new scale (its range first shown as 1–5), or a copy of one from the library."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    if request.method == "POST" and "from" in request.form:
        return _copy_from_library(row)
    return _scale_page(row, None)


def _copy_from_library(row: QuestionnaireDraft):
    form = LibraryForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        wanted, scale = part_edits.library_scale(builtin_definitions(), form.source.data)
    except KeyError:
        abort(400)
    content = drafts.edited(row)
    key = part_edits.add_scale(content, scale, wanted)
    if not _keep(row, content, form, {}):
        abort(400)
    flash(_("The scale is added as «%(key)s». Choose it for a question on the question's "
            "page.", key=key))
    return redirect(url_for(".scales", slug=row.slug) + f"#scale-{key}", code=303)


@bp.route(f"{DRAFT}/scales/<scale_id>", methods=["GET", "POST"], allow=SIGNED_IN)
def edit_scale(slug: str, scale_id: str):
    """A scale's range, good end and labels; answered versions keep theirs."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    _scale(row, scale_id)
    return _scale_page(row, scale_id)


def _scale_page(row: QuestionnaireDraft, scale_id: str | None):
    existing = (row.content.get("scales") or {}).get(scale_id or "")
    shown = (existing["min"], existing["max"]) if existing else DEFAULT_RANGE
    if request.method == "POST":
        shown = posted_range(request.form, shown)
    form = scale_form(*shown)()
    if not form.is_submitted():
        form.fill(existing)
    elif request.form.get("action") == ScaleForm.RANGE:
        for field in (form.low, form.good):
            field.validate(form)
        form.high.validate(form, [type(form).validate_high])
    elif form.validate():
        saved = _save_scale(row, form, scale_id)
        if saved:
            return redirect(url_for(".scales", slug=row.slug) + f"#scale-{saved}", code=303)
        row = lookups.questionnaire_draft(row.slug)
    return _page("scale.html", row, form, scale_id=scale_id)


def _save_scale(row: QuestionnaireDraft, form: ScaleForm, scale_id: str | None) -> str | None:
    """Keep the scale (under its id, or a new one); its id, or None when refused."""
    scale = part_edits.scale_content(form.low.data, form.high.data, form.good.data, {
        step: text_value(field) for step, field in form.label_fields()})
    content = drafts.edited(row)
    if scale_id is None:
        key = part_edits.add_scale(content, scale)
    else:
        key = scale_id
        part_edits.replace_scale(content, scale_id, scale)
    fields = {f"scales.{key}.min": form.low, f"scales.{key}.max": form.high,
              f"scales.{key}.good": form.good} | {
        f"scales.{key}.labels.{step}": field for step, field in form.label_fields()}
    if not _keep(row, content, form, fields):
        return None
    flash(_("The scale «%(key)s» is saved.", key=key))
    return key


@bp.route(f"{DRAFT}/scales/<scale_id>/remove", methods=["GET", "POST"], allow=SIGNED_IN)
def remove_scale(slug: str, scale_id: str):
    """Remove a scale no question uses."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    _scale(row, scale_id)
    return _removal(
        row, lambda content: part_edits.remove_scale(content, scale_id),
        _("The scale is removed."), url_for(".scales", slug=slug),
        heading=_("Remove the scale «%(key)s»?", key=scale_id),
        lines=[_("No question uses it.")], button=_("Remove the scale"))


# --- Categories -----------------------------------------------------------------------------

def _category(row: QuestionnaireDraft, category_id: str) -> int:
    try:
        return part_edits.category_index(row.content, category_id)
    except KeyError:
        abort(404)


@bp.route(f"{DRAFT}/categories", methods=["GET", "POST"], allow=SIGNED_IN)
def categories(slug: str):
    """The categories, and a new one."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    form = CategoryForm()
    if form.validate_on_submit():
        content = drafts.edited(row)
        key = part_edits.add_category(content, text_value(form.text) or {})
        index = len(content["categories"]) - 1
        if _keep(row, content, form, {f"categories[{index}].text": form.text}):
            flash(_("The category is added."))
            return redirect(url_for(".categories", slug=slug) + f"#category-{key}", code=303)
        row = lookups.questionnaire_draft(slug)
    counts = {c["id"]: part_edits.items_in_category(row.content, c["id"])
              for c in row.content.get("categories") or []}
    return _page("categories.html", row, form, counts=counts)


@bp.route(f"{DRAFT}/categories/<category_id>", methods=["GET", "POST"], allow=SIGNED_IN)
def edit_category(slug: str, category_id: str):
    """A category's text."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    index = _category(row, category_id)
    form = CategoryForm()
    if not form.is_submitted():
        fill_text(form.text, row.content["categories"][index]["text"])
    elif form.validate():
        content = drafts.edited(row)
        part_edits.edit_category(content, category_id, text_value(form.text) or {})
        if _keep(row, content, form, {f"categories[{index}].text": form.text}):
            flash(_("The category is saved."))
            return redirect(url_for(".categories", slug=slug), code=303)
        row = lookups.questionnaire_draft(slug)
    return _page("category.html", row, form, category_id=category_id)


@bp.route(f"{DRAFT}/categories/<category_id>/remove", methods=["GET", "POST"],
          allow=SIGNED_IN)
def remove_category(slug: str, category_id: str):
    """Remove a category; its questions keep their place, in no category."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    index = _category(row, category_id)
    count = part_edits.items_in_category(row.content, category_id)
    return _removal(
        row, lambda content: part_edits.remove_category(content, category_id),
        _("The category is removed."), url_for(".categories", slug=slug),
        heading=_("Remove the category «%(text)s»?",
                  text=_shown(row.content["categories"][index]["text"])),
        lines=[ngettext("Its %(num)d question stays, in no category.",
                        "Its %(num)d questions stay, in no category.", count) if count
               else _("No question is in it.")],
        button=_("Remove the category"))

