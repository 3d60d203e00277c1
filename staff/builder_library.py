"""The builder's item library (questions of the built-in questionnaires, picked with their
keys) and the preview of a draft as a respondent sees it, on a phone-width frame and as the
paper form, in each language. (Skeleton: being built.)"""

from __future__ import annotations

from flask import abort

from staff import lookups
from staff.blueprint import SIGNED_IN, StaffBlueprint

bp = StaffBlueprint("builder_library", __name__)
DRAFT = "/questionnaires/<slug>/draft"


@bp.route(f"{DRAFT}/sections/<section_id>/library", methods=["GET", "POST"], allow=SIGNED_IN)
def item_library(slug: str, section_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.get(f"{DRAFT}/preview", allow=SIGNED_IN)
def preview(slug: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{DRAFT}/preview/page", methods=["GET", "POST"], allow=SIGNED_IN)
def preview_page(slug: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.get(f"{DRAFT}/preview/paper", allow=SIGNED_IN)
def preview_paper(slug: str):
    lookups.questionnaire_draft(slug)
    abort(404)
