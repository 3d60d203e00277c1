"""Staff pages for questionnaire definitions: list, download (YAML or FHIR), upload (YAML,
or a FHIR Questionnaire to import), copy.

A member of staff reads the questionnaires the account sees (`surveys.questionnaire_owners`:
the built-ins, and those of its networks and organisations), to choose one for a survey or to
print it; any other answers 404, as if it did not exist. Whoever may make questionnaires
copies one for an owner of theirs, as a draft for the builder; only administrators upload
files. A definition is never edited in place: a change is a new version, so answers already
given keep the meaning they had.
"""

from __future__ import annotations

import json
import re
from itertools import groupby
from typing import Any

import sqlalchemy as sa
import yaml
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from werkzeug.exceptions import RequestEntityTooLarge

import database
from hl7fhir import terms as fhir_terms
from hl7fhir.questionnaire_export import questionnaire_resource
from questionnaires import drafts, operations, queries
from questionnaires.copies import copy_content, copy_title
from questionnaires.drafts import DraftRefused, QuestionnaireDraft, taken_titles
from questionnaires.keys import new_key
from questionnaires.loader import MAX_DEFINITION_BYTES
from questionnaires.models import QuestionnaireVersion
from questionnaires.texts import LANGUAGES
from reporting.gathering_figures import read_as_evaluation
from staff import lookups
from staff.blueprint import ADMINS, SIGNED_IN, StaffBlueprint
from staff.questionnaire_forms import (
    CopyForm,
    FhirImportForm,
    UploadForm,
    mixed_category_message,
)
from surveys import access, auth, questionnaire_owners
from surveys.account_models import Account
from surveys.questionnaire_names import taken_ids
from surveys.questionnaire_owners import INSTALLATION, OwnerChoice, QuestionnaireOwner
from web import errors
from web.i18n import current_language

bp = StaffBlueprint("questionnaires", __name__)

UPLOAD_ENDPOINT = "admin.questionnaires.questionnaire_upload"
IMPORT_ENDPOINT = "admin.questionnaires.questionnaire_import_fhir"
# Each page that receives a definition file: its form and its template.
FILE_PAGES = {UPLOAD_ENDPOINT: (UploadForm, "admin/questionnaires/upload.html"),
              IMPORT_ENDPOINT: (FhirImportForm, "admin/questionnaires/import_fhir.html")}
FHIR_JSON = "application/fhir+json; charset=utf-8"
# Room for the multipart envelope and the CSRF token around the largest allowed file.
UPLOAD_BODY_LIMIT = MAX_DEFINITION_BYTES + 64 * 1024

ORIGINS = {"builtin": _l("Built in"), "upload": _l("Uploaded"), "copy": _l("Copy"),
           "fhir": _l("Imported from FHIR"), "builder": _l("Made in the builder")}


@bp.url_value_preprocessor
def _allow_definition_files(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Let the upload page receive a file up to the definition limit.

    The app's body limit is sized for answers and is smaller than a definition may be.
    This runs before any before-request hook (CSRF reads the body in one), so the raised
    limit applies when the body is first read.
    """
    if endpoint in FILE_PAGES:
        request.max_content_length = UPLOAD_BODY_LIMIT


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge):
    """A file far above the limit: say so at the field rather than on an error page."""
    if request.endpoint not in FILE_PAGES:
        return errors.render_error(413)
    form_class, template = FILE_PAGES[request.endpoint]
    form = form_class(formdata=None)
    form.file.errors = [_("The file is larger than %(size)d KB.",
                          size=MAX_DEFINITION_BYTES // 1024)]
    return render_template(template, form=form), 413


def _get_version(slug: str, version: int) -> QuestionnaireVersion:
    """A stored version of a questionnaire the account sees; 404 otherwise."""
    lookups.readable_questionnaire(slug)
    row = queries.find_version(database.session(), slug, version)
    if row is None:
        abort(404)
    return row


def _summaries(rows: list[QuestionnaireVersion], lang: str) -> list[dict[str, Any]]:
    """One entry per questionnaire: its id, title and source (from the newest version),
    and all its versions."""
    summaries = []
    for slug, group in groupby(rows, key=lambda row: row.slug):
        versions = list(group)
        latest = versions[-1].definition
        summaries.append({"slug": slug, "title": latest.title.get(lang),
                          "source": latest.source.get(lang), "versions": versions})
    # Sorted by title, ignoring leading quotation marks such as those of «Hva er viktig for deg?».
    return sorted(summaries, key=lambda s: re.sub(r"^\W+", "", s["title"]).casefold())


@bp.get("/questionnaires", allow=SIGNED_IN)
def questionnaires():
    """The questionnaires the account sees, by owner, and the drafts it may go on with."""
    db, account, lang = database.session(), auth.signed_in_account(), current_language()
    hidden = questionnaire_owners.hidden_slugs(db, account)
    rows = [row for row in queries.all_versions(db) if row.slug not in hidden]
    return render_template(
        "admin/questionnaires/list.html", groups=_by_owner(db, _summaries(rows, lang)),
        drafts=_open_drafts(db, account, lang), origins=ORIGINS, account=account,
        may_make=bool(questionnaire_owners.owner_choices(db, account)))


def _owner_heading(row: QuestionnaireOwner | None) -> tuple[int, str]:
    """Where an owner's group comes in the list, and its heading: everyone's first, then
    networks, organisations, and those whose owner is gone (administrators see them)."""
    if row is None:
        return 0, _("Everyone")
    if row.name is None:
        return 3, _("Owner deleted (only administrators see these)")
    return (1 if row.kind == "network" else 2), row.name


def _by_owner(db: Session, summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The summaries grouped under their owner's heading, in `_owner_heading`'s order."""
    owners = questionnaire_owners.owners_by_slug(db)
    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for summary in summaries:
        groups.setdefault(_owner_heading(owners.get(summary["slug"])), []).append(summary)
    return [{"name": name, "questionnaires": listed}
            for (_order, name), listed in sorted(groups.items(),
                                                 key=lambda g: (g[0][0], g[0][1].casefold()))]


def _open_drafts(db: Session, account: Account, lang: str) -> list[dict[str, Any]]:
    """The drafts the account may go on with: of the questionnaires it may change."""
    rows = db.scalars(sa.select(QuestionnaireDraft).order_by(QuestionnaireDraft.slug))
    return [{"slug": row.slug, "changed_on": row.changed_on,
             "title": row.content.get("title", {}).get(lang) or row.content["title"]["nb"]}
            for row in rows if questionnaire_owners.may_edit(db, account, row.slug)]


@bp.get("/questionnaires/<slug>/<int:version>", allow=SIGNED_IN)
def questionnaire_version(slug: str, version: int):
    row = _get_version(slug, version)
    db, account = database.session(), auth.signed_in_account()
    definition = row.definition
    owner = questionnaire_owners.owner_of(db, slug)
    return render_template(
        "admin/questionnaires/version.html", row=row, definition=definition,
        lang=current_language(), origins=ORIGINS, account=account,
        item_count=sum(1 for _item in definition.items()),
        gathering_evaluation=read_as_evaluation(definition),
        owner_name=_owner_heading(owner)[1],
        may_edit=questionnaire_owners.may_edit(db, account, slug),
        may_copy=bool(questionnaire_owners.owner_choices(db, account)))


@bp.get("/questionnaires/<slug>/<int:version>.yaml", allow=SIGNED_IN)
def questionnaire_download(slug: str, version: int):
    """The stored definition as a YAML file that can be edited and uploaded again."""
    row = _get_version(slug, version)
    text = yaml.safe_dump(row.content, allow_unicode=True, sort_keys=False)
    return Response(text, content_type="application/yaml; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{row.slug}-{row.version}.yaml"'})


@bp.get("/questionnaires/<slug>/<int:version>.fhir.json", allow=SIGNED_IN)
def questionnaire_fhir(slug: str, version: int):
    """The stored definition as an HL7 FHIR R4 Questionnaire (see `fhir_export`)."""
    row = _get_version(slug, version)
    resource = questionnaire_resource(row.definition, fhir_terms.base_url())
    text = json.dumps(resource, ensure_ascii=False, indent=1)
    return Response(text, content_type=FHIR_JSON, headers={
        "Content-Disposition": f'attachment; filename="{row.slug}-{row.version}.fhir.json"'})


@bp.route("/questionnaires/upload", methods=["GET", "POST"], allow=ADMINS)
def questionnaire_upload():
    return _file_page(UPLOAD_ENDPOINT)


@bp.route("/questionnaires/import-fhir", methods=["GET", "POST"], allow=ADMINS)
def questionnaire_import_fhir():
    """An HL7 FHIR R4 Questionnaire stored as a new definition, checked as an upload is."""
    return _file_page(IMPORT_ENDPOINT)


def _file_page(endpoint: str):
    """Receive a definition file on the page of `endpoint`: store it, or list its problems."""
    form_class, template = FILE_PAGES[endpoint]
    form = form_class()
    if form.validate_on_submit():
        definition = form.validated_definition()
        db = database.session()
        try:
            row, created = operations.upload_definition(db, definition, form.origin)
        except operations.ReservedId:
            form.file.errors.append(_(
                "'%(id)s' is the id of a built-in questionnaire. To make your own variant, "
                "copy it under a new id from the list of questionnaires.", id=definition.id))
        except operations.VersionConflict:
            form.file.errors.append(_(
                "%(id)s version %(version)d is already stored with other content; give the "
                "changed definition a new version number.",
                id=definition.id, version=definition.version))
        else:
            if not created:
                flash(_("%(id)s version %(version)d was already stored with the same content; "
                        "nothing changed.", id=row.slug, version=row.version))
                return redirect(url_for(".questionnaire_version", slug=row.slug,
                                        version=row.version), code=303)
            action = "questionnaire.import" if form.origin == "fhir" else "questionnaire.upload"
            access.audit(db, auth.signed_in_account(), action, f"{row.slug} version {row.version}")
            db.commit()
            flash(_("%(id)s version %(version)d is stored.", id=row.slug, version=row.version))
            return redirect(url_for(".questionnaire_version", slug=row.slug,
                                    version=row.version), code=303)
    status = 422 if form.errors else 200
    return render_template(template, form=form), status


@bp.route("/questionnaires/<slug>/<int:version>/copy", methods=["GET", "POST"],
          allow=SIGNED_IN)
def questionnaire_copy(slug: str, version: int):
    """Copy a version the account sees for one of its owners: a new questionnaire, named
    after the owner, opened as a draft in the builder (`questionnaires.copies`)."""
    original = _get_version(slug, version)
    db, account = database.session(), auth.signed_in_account()
    choices = questionnaire_owners.owner_choices(db, account)
    if not choices:
        abort(403)  # unit leads choose questionnaires; they do not make them
    form = CopyForm()
    form.set_owners([(c.key, _owner_label(c)) for c in choices])
    if form.validate_on_submit():
        choice = next(c for c in choices if c.key == form.owner.data)
        try:
            draft = _start_copy(db, account, original, choice)
        except DraftRefused as exc:
            db.rollback()
            form.form_errors.extend(_refusal(original, exc))
        else:
            flash(_("The copy «%(title)s» is open as a draft. Change what you need, then "
                    "publish it.", title=_title_in(draft.content, current_language())))
            return redirect(url_for("admin.builder.draft", slug=draft.slug), code=303)
    status = 422 if form.errors else 200
    return render_template("admin/questionnaires/copy.html", form=form, original=original,
                           title_text=original.definition.title.get(current_language())), status


def _owner_label(choice: OwnerChoice) -> str:
    if choice.kind == INSTALLATION:
        return _("Everyone")
    return choice.name


def _title_in(content: dict[str, Any], lang: str) -> str:
    return content["title"].get(lang) or content["title"]["nb"]


def _start_copy(db: Session, account: Account, original: QuestionnaireVersion,
                choice: OwnerChoice) -> QuestionnaireDraft:
    """The copy as a draft owned by `choice`, committed; DraftRefused when the original
    breaks a rule added after it was stored (a copy is new and must follow today's)."""
    suffix = {code: choice.name for code in LANGUAGES} if choice.name else _in_each("copy")
    title = copy_title(original.content["title"], suffix, taken_titles(db))
    slug = new_key(title["nb"], taken_ids(db), fallback="skjema")
    draft = drafts.start(db, copy_content(original.content, slug, title))
    questionnaire_owners.set_owner(db, slug, choice)
    access.audit(db, account, "questionnaire.copy",
                 f"{original.slug} version {original.version} as {slug}")
    db.commit()
    return draft


def _in_each(message: str) -> dict[str, str]:
    """One interface word in nb, nn and en, for a text the copy's content carries."""
    text = {}
    for code in LANGUAGES:
        with force_locale(code):
            text[code] = _(message)
    return text


def _refusal(original: QuestionnaireVersion, exc: DraftRefused) -> list[str]:
    """What the schema says of the original today, in the reader's language where it can."""
    source = f"{original.slug} version {original.version}"
    return [mixed_category_message(source, p.mixed) if p.mixed is not None
            else f"{source}: {p.path}: {p.message}" if p.path else f"{source}: {p.message}"
            for p in exc.problems]
