"""The objects a staff page is about, loaded for the signed-in account: what it may not see
answers 404, as if it did not exist (`surveys.access.get_visible`). Shared by the areas'
view modules so that none imports another."""

from __future__ import annotations

from typing import TypeVar

from flask import abort

import database
from questionnaires import drafts
from questionnaires.drafts import QuestionnaireDraft
from reporting import checklist
from surveys import access, auth, questionnaire_owners
from surveys.models import LinkMode, Survey

T = TypeVar("T")


def visible(model: type[T], object_id: int) -> T:
    """The object of `model` with that id, if the account may see it; otherwise 404."""
    return access.get_visible(database.session(), auth.signed_in_account(), model, object_id)


def visible_survey(survey_id: int) -> Survey:
    return visible(Survey, survey_id)


def follow_up_survey(survey_id: int) -> Survey:
    """A survey the account may see whose questionnaire has a follow-up; 404 otherwise."""
    survey = visible_survey(survey_id)
    if survey.questionnaire.definition.follow_up is None:
        abort(404)
    return survey


def checklist_survey(survey_id: int) -> Survey:
    """A survey the account may see whose questionnaire is a checklist; otherwise 404."""
    survey = visible_survey(survey_id)
    if not checklist.is_checklist(survey.questionnaire.definition):
        abort(404)
    return survey


def single_use_survey(survey_id: int) -> Survey:
    """A survey the account may see that is handed out as single-use links; else 404."""
    survey = visible_survey(survey_id)
    if survey.link_mode != LinkMode.SINGLE_USE:
        abort(404)
    return survey


def readable_questionnaire(slug: str) -> str:
    """The id of a questionnaire the account sees (`surveys.questionnaire_owners`); 404
    otherwise, as if it did not exist."""
    if not questionnaire_owners.may_see(database.session(), auth.signed_in_account(), slug):
        abort(404)
    return slug


def changeable_questionnaire(slug: str) -> str:
    """The id of a questionnaire the account may make new versions of: 404 when it sees no
    such questionnaire, 403 when it sees it but may not change it."""
    readable_questionnaire(slug)
    if not questionnaire_owners.may_edit(database.session(), auth.signed_in_account(), slug):
        abort(403)
    return slug


def questionnaire_draft(slug: str, *, for_update: bool = False) -> QuestionnaireDraft:
    """The draft of a questionnaire the account may change (`changeable_questionnaire`);
    404 when there is none. With `for_update` the draft is locked until the request's
    transaction ends."""
    changeable_questionnaire(slug)
    draft = drafts.draft_of(database.session(), slug, for_update=for_update)
    if draft is None:
        abort(404)
    return draft
