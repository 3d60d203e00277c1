"""The builder's item library (questions of the built-in questionnaires, picked with their
keys) and the preview of a draft as a respondent sees it, on a phone-width frame and as the
paper form, in each language.

The preview draws the draft with the respondents' own page (`respond.rendering`, nothing
kept: the draft changes under it) and validates a post as an answer is validated, but it
writes nothing, ever: no response and no answers kept between pages. The answers of the
other pages travel in the page itself, as hidden fields, and the last page's Send only says
what would have happened.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup

import database
from questionnaires import drafts
from questionnaires import item_library as library
from questionnaires.answering import Answering
from questionnaires.drafts import DraftRefused, Problem, QuestionnaireDraft
from questionnaires.item_library import Added, Pick, PickRefused
from questionnaires.loader import builtin_definitions
from respond.rendering import render_page
from staff import lookups
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.builder_forms import ITEM_TYPE_NAMES
from surveys import handout
from util.languages import FALLBACK
from web.i18n import current_language
from web.security import framable_by_own_pages

bp = StaffBlueprint("builder_library", __name__)
DRAFT = "/questionnaires/<slug>/draft"
MAX_PICKS = 500  # more than the library holds: a longer post is not from its page
REASONS = {library.IN_DRAFT: _l("This key is already a question of the draft, so the "
                                     "question cannot be added again."),
           library.CHOSEN_TWICE: _l("Another chosen question has the same key. Choose "
                                         "one of them.")}


def _section_index(content: dict[str, Any], section_id: str) -> int:
    """The index of the draft's section with this id; 404 for an unknown one."""
    for index, section in enumerate(content.get("sections") or []):
        if section.get("id") == section_id:
            return index
    abort(404)


@bp.route(f"{DRAFT}/sections/<section_id>/library", methods=["GET", "POST"], allow=SIGNED_IN)
def item_library(slug: str, section_id: str):
    """Pick questions of the built-in questionnaires into a section, keeping their keys."""
    row = lookups.questionnaire_draft(slug, for_update=True)
    _section_index(row.content, section_id)
    form, definitions = FlaskForm(), builtin_definitions()
    chosen: set[str] = set()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        values = request.form.getlist("pick")
        picks, unknown = library.parse_picks(values[:MAX_PICKS], definitions)
        chosen = {pick.value for pick in picks}
        if unknown or len(values) > MAX_PICKS:
            form.form_errors.append(_("The form named a question the library does not "
                                      "have. Reload the page and choose again."))
        elif not picks:
            form.form_errors.append(_("Choose at least one question."))
        else:
            saved = _add(row, section_id, picks, errors, form)
            if saved is not None:
                return _added(slug, section_id, saved)
            row = lookups.questionnaire_draft(slug)
    status = 422 if (errors or form.form_errors) else 200
    return render_template(
        "admin/builder/library.html", draft=row, form=form, errors=errors, chosen=chosen,
        section_number=_section_index(row.content, section_id) + 1, section_id=section_id,
        shelves=library.shelves(definitions), taken=set(library.top_level_keys(
            row.content)), type_names=ITEM_TYPE_NAMES, lang=current_language(),
        pick_value=library.pick_value), status


def _add(row: QuestionnaireDraft, section_id: str, picks: list[Pick], errors: dict[str, str],
         form: FlaskForm) -> Added | None:
    """Add the picks and keep the draft; None, with the reasons at their checkboxes (or at
    the top), when a key is taken or the schema refuses: then nothing is kept."""
    try:
        added = library.add_items(row.content, section_id, picks)
    except PickRefused as exc:
        errors.update({value: str(REASONS[reason]) for value, reason in exc.reasons.items()})
        return None
    db = database.session()
    try:
        drafts.save(db, row, added.content)
    except DraftRefused as exc:
        db.rollback()
        _attach_problems(exc.problems, added, picks, section_id, errors, form)
        return None
    db.commit()
    return added


def _attach_problems(problems: list[Problem], added: Added, picks: list[Pick],
                     section_id: str, errors: dict[str, str], form: FlaskForm) -> None:
    """A schema problem of a picked question at its checkbox; any other at the top."""
    index = _section_index(added.content, section_id)
    first = len(added.content["sections"][index]["items"]) - len(picks)
    owners = {f"sections[{index}].items[{first + n}]": pick.value
              for n, pick in enumerate(picks)}
    for problem in problems:
        owner = next((value for path, value in owners.items()
                      if problem.path == path or problem.path.startswith((f"{path}.",
                                                                          f"{path}["))), None)
        if owner is None:
            form.form_errors.append(problem.message)
        else:
            errors.setdefault(owner, problem.message)


def _added(slug: str, section_id: str, added: Added):
    """Back to the draft at the section, saying what was added and what was changed."""
    flash(_("Added from the library: %(keys)s.", keys=", ".join(added.keys)))
    if added.dropped_conditions:
        flash(_("The condition of %(keys)s was left out: the question it depends on is not "
                "before it in this questionnaire.", keys=", ".join(added.dropped_conditions)))
    for old, new in added.renamed_scales.items():
        flash(_("This questionnaire has another scale with the id %(old)s, so the questions "
                "use the scale %(new)s.", old=old, new=new))
    return redirect(url_for("admin.builder.draft", slug=slug) + f"#section-{section_id}",
                    code=303)


# --- Preview ----------------------------------------------------------------------------

def _respondent_language(asked: str | None = None) -> str:
    """`?lang=` (or `asked`): a language respondents are offered, bokmål by default; 400
    for one that is not."""
    lang = handout.print_language(asked or request.args.get("lang"), FALLBACK)
    if lang is None:
        abort(400)
    return lang


def _empty_section(content: dict[str, Any]) -> int | None:
    """The number (from 1) of the first section with no questions yet, if any."""
    return next((n for n, section in enumerate(content.get("sections") or [], start=1)
                 if not section.get("items")), None)


@bp.get(f"{DRAFT}/preview", allow=SIGNED_IN)
def preview(slug: str):
    """The draft as a respondent sees it, in a phone-wide frame, with a link to each
    language and to the paper form in each."""
    row = lookups.questionnaire_draft(slug)
    lang = _respondent_language()
    return render_template("admin/builder/preview.html", draft=row, lang=lang,
                           staff_lang=current_language(), content=row.content)


@bp.route(f"{DRAFT}/preview/page", methods=["GET", "POST"], allow=SIGNED_IN)
def preview_page(slug: str):
    """A page of the draft exactly as respondents get it; posting validates it as an answer
    is validated and moves between pages, but nothing is ever stored."""
    row = lookups.questionnaire_draft(slug)
    lang = _respondent_language()
    answering = _answering(row)
    empty = _empty_section(row.content)
    if empty is not None:
        return _framed(_message(row, answering, lang, "empty", number=empty))
    if request.method == "GET":
        return _framed(_draw(row, answering, answering.blank(),
                             answering.page_index_of(_side()), lang))
    form = answering.posted(lang)  # 400 for a field the draft does not have
    refused = answering.refused(form)
    if refused is not None and refused.page is not None:
        return _framed(_draw(row, answering, form, refused.page, lang), refused.status)
    switch = request.form.get("switch_lang")
    if switch in current_app.config["LANGUAGES"]:
        index = answering.page_index(form)
        if request.form.get("shown_errors"):
            answering.page_valid(form, index)
        return _framed(_draw(row, answering, form, index, str(switch)))
    step = answering.step(form, request.form.get("nav", "submit"))
    if step.page is not None:
        return _framed(_draw(row, answering, form, step.page, lang), step.status)
    return _framed(_message(row, answering, lang, "sent"))


def _side() -> int:
    """`?side=N` (counted from 1) as a page index; the first page for anything else."""
    side = request.args.get("side", "1")
    return int(side) - 1 if side.isascii() and side.isdigit() and len(side) <= 4 else 0


def _answering(row: QuestionnaireDraft) -> Answering:
    """The draft answered a page per section, built afresh: a draft changes, so nothing of
    it is kept between requests."""
    try:
        definition = drafts.check(row.content)
    except DraftRefused:  # a draft is kept only when the schema takes it
        abort(409)
    return Answering(definition, [[section] for section in definition.sections])


def _draw(row: QuestionnaireDraft, answering: Answering, form: FlaskForm, index: int,
          lang: str) -> str:
    """Page `index` in `lang` as respondents get it, posting back here; the answers of the
    other pages travel as hidden fields (nothing is kept on the server), and a note in the
    staff language says this is a preview."""
    on_page = answering.pages[index].field_names
    hidden = [(name, value) for name, value in answering.kept(form) if name not in on_page]
    notice = Markup(render_template("admin/builder/_preview_notice.html", hidden=hidden,
                                    staff_lang=current_language()))
    action = url_for(".preview_page", slug=row.slug, lang=lang)
    with force_locale(lang):
        return render_page(answering, form, index, lang=lang, action=action,
                           follow_up_url=None, version=None, who_asks=notice)


def _message(row: QuestionnaireDraft, answering: Answering, lang: str, kind: str,
             **values: Any) -> str:
    """What the preview shows instead of a page ("sent", or "empty" for a section with no
    questions): a respondent's page in `lang`, its note to staff in the staff language."""
    message = Markup(render_template("admin/builder/_preview_message.html", kind=kind,
                                     draft=row, lang=lang, staff_lang=current_language(),
                                     **values))
    with force_locale(lang):
        return render_template("admin/builder/preview_message.html", lang=lang,
                               definition=answering.definition, message=message)


def _framed(html: str, status: int = 200):
    """The preview's response: framable by the builder's own preview page only."""
    response = current_app.make_response((html, status))
    return framable_by_own_pages(response)


@bp.get(f"{DRAFT}/preview/paper", allow=SIGNED_IN)
def preview_paper(slug: str):
    """The draft as its printed paper form, in `?lang=` (the survey's paper form's own
    questions, `admin/surveys/_paper_questions.html`)."""
    row = lookups.questionnaire_draft(slug)
    lang = _respondent_language()
    empty = _empty_section(row.content)
    definition = None if empty is not None else _answering(row).definition
    with force_locale(lang):
        return render_template("admin/builder/paper.html", draft=row, definition=definition,
                               lang=lang, empty=empty)
