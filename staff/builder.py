"""The questionnaire builder's frame: make a new questionnaire, the draft's overview, open a
draft from the newest version, publish it as the next version, or throw it away.

The parts are edited on pages of their own areas: questions (`builder_items`), the title,
sections, scales and categories (`builder_parts`), the item library and the preview
(`builder_library`). Every page works without JavaScript; every change is checked by the
schema before it is kept (`questionnaires.drafts`), and only publishing makes a version,
which never changes afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm

import database
from questionnaires import drafts, queries
from questionnaires.drafts import DraftRefused, QuestionnaireDraft
from questionnaires.keys import new_key
from questionnaires.texts import LANGUAGES
from staff import lookups
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.builder_forms import ITEM_TYPE_NAMES, KINDS, NewQuestionnaireForm, text_value
from surveys import access, auth, questionnaire_owners
from surveys.questionnaire_names import taken_ids
from surveys.questionnaire_owners import INSTALLATION, OwnerChoice
from web.i18n import current_language

bp = StaffBlueprint("builder", __name__)


def _owner_choices() -> list[OwnerChoice]:
    choices = questionnaire_owners.owner_choices(database.session(), auth.signed_in_account())
    if not choices:
        abort(403)  # unit leads choose questionnaires; they do not make them
    return choices


def _owner_label(choice: OwnerChoice) -> str:
    if choice.kind == INSTALLATION:
        return _("Everyone (the whole installation)")
    return choice.name


@bp.route("/questionnaires/new", methods=["GET", "POST"], allow=SIGNED_IN)
def new_questionnaire():
    """Start a questionnaire: its owner, title and kind; the builder takes it from there."""
    choices = _owner_choices()
    form = NewQuestionnaireForm()
    form.set_owners([(c.key, _owner_label(c)) for c in choices])
    if form.validate_on_submit():
        db = database.session()
        title = text_value(form.title) or {}
        if {t.casefold() for t in title.values()} & drafts.taken_titles(db):
            form.title.form["nb"].errors = [_(
                "Another questionnaire has this title. Add what tells them apart, such as "
                "your unit or municipality.")]
        else:
            choice = next(c for c in choices if c.key == form.owner.data)
            slug = new_key(title["nb"], taken_ids(db), fallback="skjema")
            drafts.start(db, _first_content(slug, title, form.kind.data, choice))
            questionnaire_owners.set_owner(db, slug, choice)
            access.audit(db, auth.signed_in_account(), "questionnaire.create", slug)
            db.commit()
            return redirect(url_for(".draft", slug=slug), code=303)
    status = 422 if form.errors else 200
    return render_template("admin/builder/new.html", form=form), status


def _in_each(words: Callable[[], str]) -> dict[str, str]:
    """A text in nb, nn and en from one interface string (`words` says it in the current
    language), for what the builder writes into a questionnaire."""
    text = {}
    for code in LANGUAGES:
        with force_locale(code):
            text[code] = words()
    return text


def _first_content(slug: str, title: dict[str, str], kind: str,
                   owner: OwnerChoice) -> dict[str, Any]:
    """What a new questionnaire starts as: one section to fill; a checklist starts with the
    day the pathway started, the unit's reference and one step, as the schema asks."""
    source = (_in_each(lambda: _("Made by %(owner)s.", owner=owner.name)) if owner.name
              else _in_each(lambda: _("Made for this installation.")))
    content: dict[str, Any] = {
        "id": slug, "version": 1, "title": title, "source": source,
        "sections": [{"id": "del_1", "items": []}]}
    if kind == "gathering_evaluation":
        content["purpose"] = "gathering_evaluation"
    if kind == "checklist":
        content["sections"][0]["items"] = [
            {"id": "start", "type": "date",
             "text": _in_each(lambda: _("The day the pathway started"))},
            {"id": "referanse", "type": "text", "required": False, "max_length": 40,
             "text": _in_each(lambda: _("The unit's own reference (never a name)"))},
            {"id": "steg_1", "type": "checklist", "text": _in_each(lambda: _("Step 1"))}]
        content["pathway"] = {"start": "start", "label": "referanse"}
    return content


@bp.get("/questionnaires/<slug>/draft", allow=SIGNED_IN)
def draft(slug: str):
    """The whole draft: every section and question with its buttons, what is missing."""
    row = lookups.questionnaire_draft(slug)
    return _overview(row)


def _overview(row: QuestionnaireDraft, problems: Sequence[drafts.Problem] = (),
              status: int = 200):
    content = row.content
    return render_template(
        "admin/builder/draft.html", draft=row, content=content, problems=problems,
        missing=drafts.missing_texts(content), type_names=ITEM_TYPE_NAMES, kinds=KINDS,
        kind=_kind_of(content), form=FlaskForm(), edit_url=edit_url, lang=current_language(),
        latest=queries.latest_version(database.session(), row.slug)), status


def _kind_of(content: dict[str, Any]) -> str:
    if content.get("purpose") == "gathering_evaluation":
        return "gathering_evaluation"
    return "checklist" if content.get("pathway") else "general"


@bp.post("/questionnaires/<slug>/draft/start", allow=SIGNED_IN)
def start_draft(slug: str):
    """Open a draft of the next version from the newest stored one (or the draft already
    open: there is one per questionnaire)."""
    lookups.changeable_questionnaire(slug)
    db = database.session()
    if not FlaskForm().validate_on_submit():
        abort(400)
    if drafts.draft_of(db, slug) is None:
        latest = queries.latest_version(db, slug)
        if latest is None:
            abort(404)
        drafts.open_version(db, latest)
        db.commit()
    return redirect(url_for(".draft", slug=slug), code=303)


@bp.post("/questionnaires/<slug>/draft/publish", allow=SIGNED_IN)
def publish(slug: str):
    """Store the draft as the next version, if the schema takes it as it is."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    if not FlaskForm().validate_on_submit():
        abort(400)
    db = database.session()
    try:
        version = drafts.publish(db, row)
    except DraftRefused as exc:
        db.rollback()
        return _overview(lookups.questionnaire_draft(slug), exc.problems, 422)
    access.audit(db, auth.signed_in_account(), "questionnaire.publish",
                 f"{version.slug} version {version.version}")
    db.commit()
    flash(_("Version %(version)d is published. Surveys can now use it.", version=version.version))
    return redirect(url_for("admin.questionnaires.questionnaire_version", slug=version.slug,
                            version=version.version), code=303)


@bp.route("/questionnaires/<slug>/draft/discard", methods=["GET", "POST"], allow=SIGNED_IN)
def discard(slug: str):
    """Throw the draft away (after asking); a questionnaire never published goes with it."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    form = FlaskForm()
    if not form.validate_on_submit():
        return render_template("admin/builder/discard.html", draft=row, form=form)
    db = database.session()
    published = queries.latest_version(db, slug) is not None
    db.delete(row)
    owner = questionnaire_owners.owner_of(db, slug)
    if not published and owner is not None:
        db.delete(owner)
    access.audit(db, auth.signed_in_account(), "questionnaire.discard", slug)
    db.commit()
    flash(_("The draft is thrown away."))
    return redirect(url_for("admin.questionnaires.questionnaires"), code=303)


_ITEM_PATH = re.compile(r"^sections\[(\d+)\]\.items\[(\d+)\](?:\.items\[(\d+)\])?")


def edit_url(content: dict[str, Any], path: str) -> str:
    """The builder page where what `path` points at is edited (a problem's or a missing
    text's), so the overview can link each one to where it is mended."""
    slug = content["id"]
    found = _ITEM_PATH.match(path)
    if found:
        section, item, child = (int(g) if g is not None else None for g in found.groups())
        parent = content["sections"][section]["items"][item]["id"]
        if child is not None:
            child_id = content["sections"][section]["items"][item]["items"][child]["id"]
            return url_for("admin.builder_items.edit_child", slug=slug, group_id=parent,
                           child_id=child_id)
        return url_for("admin.builder_items.edit_item", slug=slug, item_id=parent)
    in_section = re.match(r"^sections\[(\d+)\]", path)
    if in_section:
        section_id = content["sections"][int(in_section.group(1))]["id"]
        return url_for("admin.builder_parts.edit_section", slug=slug, section_id=section_id)
    scale = re.match(r"^scales\.(\w+)", path)
    if scale:
        return url_for("admin.builder_parts.edit_scale", slug=slug, scale_id=scale.group(1))
    category = re.match(r"^categories\[(\d+)\]", path)
    if category:
        category_id = content["categories"][int(category.group(1))]["id"]
        return url_for("admin.builder_parts.edit_category", slug=slug,
                       category_id=category_id)
    if path.startswith("categories"):
        return url_for("admin.builder_parts.categories", slug=slug)
    return url_for("admin.builder_parts.edit_details", slug=slug)
