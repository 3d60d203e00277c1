"""The demo's own questionnaires (issue 19): one the demo network made, one a municipality
made, each published, so a person trying the app sees that a questionnaire has an owner and
that a copy carries its maker's name. They are made as staff make them: a copy of a built-in
named after its owner (`questionnaires.copies`), a draft, then published.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from questionnaires import drafts
from questionnaires.copies import copy_content, copy_title
from questionnaires.drafts import taken_titles
from questionnaires.keys import new_key
from questionnaires.models import QuestionnaireVersion
from questionnaires.queries import latest_version
from surveys.models import Network, Organisation
from surveys.questionnaire_names import taken_ids
from surveys.questionnaire_owners import OwnerKind, QuestionnaireOwner

# A relatives' survey handed out after a dialogue café: the built-in one, introduced anew.
DIALOGUE_CAFE_INTRO = {
    "nb": "Takk for at du kom på dialogkaféen for pårørende. Vi vil gjerne vite hvordan du "
          "opplever tjenestene til den du er pårørende til. Svaret ditt er anonymt.",
    "nn": "Takk for at du kom på dialogkafeen for pårørande. Vi vil gjerne vite korleis du "
          "opplever tenestene til den du er pårørande til. Svaret ditt er anonymt.",
    "en": "Thank you for coming to the dialogue café for relatives. We would like to know how "
          "you experience the services of the person you are a relative of. Your answer is "
          "anonymous.",
}


def add_owned_questionnaires(db: Session, network: Network,
                             organisation: Organisation) -> list[QuestionnaireVersion]:
    """The network's copy of the gathering evaluation and the organisation's relatives'
    survey after a dialogue café, each published as version 1 and owned by its maker."""
    made = [_published_copy(db, "samling", network.name, OwnerKind.NETWORK,
                            {"network_id": network.id}),
            _published_copy(db, "parorende", organisation.name, OwnerKind.ORGANISATION,
                            {"organisation_id": organisation.id},
                            intro=DIALOGUE_CAFE_INTRO)]
    db.commit()
    return made


def _published_copy(db: Session, slug: str, owner_name: str, kind: OwnerKind,
                     owner: dict[str, int], intro: dict[str, str] | None = None
                     ) -> QuestionnaireVersion:
    original = latest_version(db, slug)
    if original is None:
        raise RuntimeError(f"load the built-in questionnaires first: no '{slug}' is stored")
    title = copy_title(original.content["title"], {"nb": owner_name}, taken_titles(db))
    new = new_key(title["nb"], taken_ids(db), fallback="skjema")
    content = copy_content(original.content, new, title)
    if intro is not None:
        content["intro"] = intro
    draft = drafts.start(db, content)
    db.add(QuestionnaireOwner(slug=new, kind=kind, **owner))
    return drafts.publish(db, draft)
