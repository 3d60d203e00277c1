"""Staff pages for questionnaire definitions: list, download (YAML or FHIR), upload (YAML,
or a FHIR Questionnaire to import), copy.

Every logged-in member of staff may read the definitions (to choose one for a survey, or to
print it); only administrators add to them. A definition is never edited in place: a change
is a new version, so answers already given keep the meaning they had.
"""

from __future__ import annotations

import json
import re
from itertools import groupby
from typing import Any

import yaml
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

import database
from hl7fhir import terms as fhir_terms
from hl7fhir.questionnaire_export import questionnaire_resource
from questionnaires import operations, queries
from questionnaires.loader import MAX_DEFINITION_BYTES, DefinitionError
from questionnaires.models import QuestionnaireVersion
from reporting.gathering_figures import read_as_evaluation
from staff.blueprint import ADMINS, SIGNED_IN, StaffBlueprint
from staff.questionnaire_forms import CopyForm, FhirImportForm, UploadForm, problems_of
from surveys import access, auth
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
           "fhir": _l("Imported from FHIR")}


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
    rows = queries.all_versions(database.session())
    return render_template("admin/questionnaires/list.html",
                           questionnaires=_summaries(rows, current_language()),
                           origins=ORIGINS, account=auth.signed_in_account())


@bp.get("/questionnaires/<slug>/<int:version>", allow=SIGNED_IN)
def questionnaire_version(slug: str, version: int):
    row = _get_version(slug, version)
    definition = row.definition
    return render_template(
        "admin/questionnaires/version.html", row=row, definition=definition,
        lang=current_language(), origins=ORIGINS, account=auth.signed_in_account(),
        item_count=sum(1 for _item in definition.items()),
        gathering_evaluation=read_as_evaluation(definition))


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


@bp.route("/questionnaires/<slug>/<int:version>/copy", methods=["GET", "POST"], allow=ADMINS)
def questionnaire_copy(slug: str, version: int):
    original = _get_version(slug, version)
    form = CopyForm()
    if form.validate_on_submit():
        db = database.session()
        try:
            row = operations.copy_version(db, original, form.slug.data)
        except operations.SlugTaken:
            form.slug.errors.append(_("The id '%(id)s' is already used. Choose another.",
                                      id=form.slug.data))
        except DefinitionError as exc:
            form.slug.errors += problems_of(exc)
        else:
            access.audit(db, auth.signed_in_account(), "questionnaire.copy",
                         f"{slug} version {version} as {row.slug} version {row.version}")
            db.commit()
            flash(_("The copy %(id)s is stored as version 1. Download it, edit it, and upload "
                    "it again with version 2.", id=row.slug))
            return redirect(url_for(".questionnaire_version", slug=row.slug,
                                    version=row.version), code=303)
    status = 422 if form.errors else 200
    return render_template("admin/questionnaires/copy.html", form=form, original=original,
                           title_text=original.definition.title.get(current_language())), status
