"""The builder's frame of a questionnaire: its title, introduction, source and kind (with
the pathway of a checklist and the follow-up of a repeating group), its sections, scales
(from the scale library or new) and categories. (Skeleton: being built.)"""

from __future__ import annotations

from flask import abort

from staff import lookups
from staff.blueprint import SIGNED_IN, StaffBlueprint

bp = StaffBlueprint("builder_parts", __name__)
DRAFT = "/questionnaires/<slug>/draft"


@bp.route(f"{DRAFT}/details", methods=["GET", "POST"], allow=SIGNED_IN)
def edit_details(slug: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{DRAFT}/sections/new", methods=["GET", "POST"], allow=SIGNED_IN)
def add_section(slug: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{DRAFT}/sections/<section_id>", methods=["GET", "POST"], allow=SIGNED_IN)
def edit_section(slug: str, section_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.post(f"{DRAFT}/sections/<section_id>/move", allow=SIGNED_IN)
def move_section(slug: str, section_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{DRAFT}/sections/<section_id>/remove", methods=["GET", "POST"], allow=SIGNED_IN)
def remove_section(slug: str, section_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.get(f"{DRAFT}/scales", allow=SIGNED_IN)
def scales(slug: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{DRAFT}/scales/new", methods=["GET", "POST"], allow=SIGNED_IN)
def add_scale(slug: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{DRAFT}/scales/<scale_id>", methods=["GET", "POST"], allow=SIGNED_IN)
def edit_scale(slug: str, scale_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{DRAFT}/scales/<scale_id>/remove", methods=["GET", "POST"], allow=SIGNED_IN)
def remove_scale(slug: str, scale_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{DRAFT}/categories", methods=["GET", "POST"], allow=SIGNED_IN)
def categories(slug: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{DRAFT}/categories/<category_id>", methods=["GET", "POST"], allow=SIGNED_IN)
def edit_category(slug: str, category_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{DRAFT}/categories/<category_id>/remove", methods=["GET", "POST"],
          allow=SIGNED_IN)
def remove_category(slug: str, category_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)
