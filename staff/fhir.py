"""Staff download of a survey's responses as an HL7 FHIR R4 Bundle of QuestionnaireResponse.

The raw export's rules (see `staff.surveys.export_responses`): whoever sees the survey may
download it (others get 404), only released responses and only from `minimum` of them on
(`staff.downloads.require_released_rows`: fewer rows could be told apart by whoever knows
who answered), free text only for those who may read it, and every export is audited
before the first byte is sent.
"""

from __future__ import annotations

from flask import Response

import database
from hl7fhir import terms as fhir_terms
from hl7fhir.questionnaire_export import fixed_texts
from hl7fhir.responses import bundle_chunks
from reporting.rule import current_rule
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.downloads import require_released_rows
from surveys import access, auth
from surveys import survey_admin_operations as ops
from surveys.models import Survey
from surveys.queries import hidden_columns

bp = StaffBlueprint("fhir", __name__)

FHIR_JSON = "application/fhir+json; charset=utf-8"


@bp.get("/surveys/<int:survey_id>/responses.fhir.json", allow=SIGNED_IN)
def export_responses_fhir(survey_id: int):
    """Every response as a QuestionnaireResponse in a Bundle, streamed."""
    db, account = database.session(), auth.signed_in_account()
    survey = access.get_visible(db, account, Survey, survey_id)
    require_released_rows(survey)
    chunks = bundle_chunks(db, survey, fhir_terms.base_url(),
                           access.may_read_free_text(account, survey), fixed_texts(),
                           hidden=hidden_columns(db, survey.id, current_rule()))
    ops.record_export(db, account, survey)
    return Response(chunks, content_type=FHIR_JSON, headers={
        "Content-Disposition": f'attachment; filename="survey-{survey_id}-responses.fhir.json"'})
