"""The questionnaire ids already in use (issue 19), so that what the builder makes and what a
copy becomes never repeats one: an id is the questionnaire's key for ever. Stored versions,
open drafts and owner rows all count: a draft's id is held until it is published or thrown
away. (Titles in use: `questionnaires.drafts.taken_titles`.)
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from questionnaires.drafts import QuestionnaireDraft
from questionnaires.models import QuestionnaireVersion
from surveys.questionnaire_owners import QuestionnaireOwner


def taken_ids(db: Session) -> set[str]:
    """Every questionnaire id in use: stored, drafted or owned."""
    return (set(db.scalars(sa.select(QuestionnaireVersion.slug)))
            | set(db.scalars(sa.select(QuestionnaireDraft.slug)))
            | set(db.scalars(sa.select(QuestionnaireOwner.slug))))
