"""The builder's questions: add one of any type to a section, edit it, move it, remove it;
the questions inside a repeating group likewise. (Skeleton: being built.)"""

from __future__ import annotations

from flask import abort

from staff import lookups
from staff.blueprint import SIGNED_IN, StaffBlueprint

bp = StaffBlueprint("builder_items", __name__)
ITEMS = "/questionnaires/<slug>/draft/items"


@bp.route("/questionnaires/<slug>/draft/sections/<section_id>/new-item",
          methods=["GET", "POST"], allow=SIGNED_IN)
def add_item(slug: str, section_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{ITEMS}/<item_id>", methods=["GET", "POST"], allow=SIGNED_IN)
def edit_item(slug: str, item_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.post(f"{ITEMS}/<item_id>/move", allow=SIGNED_IN)
def move_item(slug: str, item_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{ITEMS}/<item_id>/remove", methods=["GET", "POST"], allow=SIGNED_IN)
def remove_item(slug: str, item_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{ITEMS}/<group_id>/new-item", methods=["GET", "POST"], allow=SIGNED_IN)
def add_child(slug: str, group_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{ITEMS}/<group_id>/items/<child_id>", methods=["GET", "POST"], allow=SIGNED_IN)
def edit_child(slug: str, group_id: str, child_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.post(f"{ITEMS}/<group_id>/items/<child_id>/move", allow=SIGNED_IN)
def move_child(slug: str, group_id: str, child_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)


@bp.route(f"{ITEMS}/<group_id>/items/<child_id>/remove", methods=["GET", "POST"],
          allow=SIGNED_IN)
def remove_child(slug: str, group_id: str, child_id: str):
    lookups.questionnaire_draft(slug)
    abort(404)
