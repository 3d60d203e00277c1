"""What the database gives the gathering table: the network's evaluation surveys, their
questionnaires, and per survey its responses, invited and answer counts per row.

Which surveys: every survey of one of the network's gatherings whose questionnaire declares
`purpose: gathering_evaluation` (the built-in «samling», a copy of it, an adapted upload),
whatever its id. A survey of a gathering whose questionnaire does not declare it is not
read, and `other_surveys` names it so the page can say so instead of leaving it out
silently. Rows are lined up by item key across the questionnaires (`line_up`); the counts
come from the tallies of released responses (`surveys.tallies`, `surveys.batches`), never
from the answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.small_groups import SmallGroups
from questionnaires import schema as s
from questionnaires.models import QuestionnaireVersion
from reporting.gathering_table import GatheringFigures, RowSpec, SurveyFigures, line_up, pool
from surveys.models import Answer, AnswerTally, Gathering, Response, Survey
from surveys.queries import released
from surveys.tallies import NUMBER, RESPONSES, SURVEY

GATHERING_EVALUATION = "gathering_evaluation"  # the `purpose` the table reads


def read_as_evaluation(definition: s.Definition) -> bool:
    """Whether the network's gathering table reads this questionnaire's surveys: the one
    test of `purpose`, for the table and for the page that shows a version."""
    return definition.purpose == GATHERING_EVALUATION


@dataclass(frozen=True)
class Listed:
    """One survey of one of the network's gatherings, with its questionnaire version."""

    survey: Survey
    number: int
    version: QuestionnaireVersion

    @property
    def is_evaluation(self) -> bool:
        return read_as_evaluation(self.version.definition)


def _listed(db: Session, network_id: int) -> list[Listed]:
    """Every survey of the network's gatherings, in gathering order (one query)."""
    rows = db.execute(
        sa.select(Survey, Gathering.number, QuestionnaireVersion)
        .join(Gathering, Survey.gathering_id == Gathering.id)
        .join(QuestionnaireVersion, Survey.questionnaire_version_id == QuestionnaireVersion.id)
        .where(Gathering.network_id == network_id)
        .order_by(Gathering.number, Survey.id)).all()
    return [Listed(survey, number, version) for survey, number, version in rows]


def evaluation_surveys(db: Session, network_id: int) -> list[Listed]:
    """The network's gathering evaluations: surveys whose questionnaire declares it."""
    return [found for found in _listed(db, network_id) if found.is_evaluation]


def other_surveys(db: Session, network_id: int) -> list[Listed]:
    """Surveys of the network's gatherings that the table does not read, to be named."""
    return [found for found in _listed(db, network_id) if not found.is_evaluation]


def evaluation_definitions(listed: Sequence[Listed]) -> list[s.Definition]:
    """The questionnaires of `listed`, the one used at the latest gathering first (its
    wording and order lead the table), then the others by newest stored version."""
    latest: dict[int, tuple[int, QuestionnaireVersion]] = {}
    for found in listed:
        number, _version = latest.get(found.version.id, (0, found.version))
        latest[found.version.id] = (max(number, found.number), found.version)
    ordered = sorted(latest.values(), key=lambda pair: (pair[0], pair[1].id), reverse=True)
    return [version.definition for _number, version in ordered]


def _responses(db: Session, ids: list[int]) -> dict[int, int]:
    return dict(db.execute(  # type: ignore[arg-type]
        sa.select(AnswerTally.survey_id, AnswerTally.count)
        .where(AnswerTally.survey_id.in_(ids), AnswerTally.item == SURVEY,
               AnswerTally.kind == RESPONSES)).all())


def _counts(db: Session, ids: list[int]) -> dict[int, dict[str, dict[float, int]]]:
    """survey -> item id -> value -> how many gave it (numbers only: «vet ikke» is text)."""
    found: dict[int, dict[str, dict[float, int]]] = {}
    for survey_id, item, value, count in db.execute(
            sa.select(AnswerTally.survey_id, AnswerTally.item, AnswerTally.value,
                      AnswerTally.count)
            .where(AnswerTally.survey_id.in_(ids), AnswerTally.kind == NUMBER)):
        by_value = found.setdefault(survey_id, {}).setdefault(item, {})
        by_value[float(value)] = by_value.get(float(value), 0) + count
    return found


def gathering_figures(db: Session, listed: Sequence[Listed], rows: Sequence[RowSpec],
                      rule: SmallGroups) -> list[GatheringFigures]:
    """Responses, invited, the rows asked and the counts per row of each gathering with an
    evaluation survey, in gathering order, pooled through `rule` (`pool`); two queries on
    the tallies whatever the number of surveys."""
    ids = [found.survey.id for found in listed]
    responses, counts = _responses(db, ids), _counts(db, ids)
    keys = line_up([f.version.definition for f in listed], rows)
    parts: dict[int, list[SurveyFigures]] = {}
    for found, key_of in zip(listed, keys, strict=True):
        by_item = counts.get(found.survey.id, {})
        parts.setdefault(found.number, []).append(SurveyFigures(
            responses.get(found.survey.id, 0) or 0, found.survey.invited,
            frozenset(key_of.values()),
            {key_of[item]: values for item, values in by_item.items() if item in key_of}))
    return [pool(number, found, rule) for number, found in sorted(parts.items())]


def open_answers(db: Session, survey_ids: Sequence[int],
                 item_ids: Sequence[str]) -> dict[int, dict[str, list[str]]]:
    """Free-text answers of the given surveys' released responses: gathering number ->
    item -> texts.

    Sorted alphabetically, not by when they came, so the order tells nothing about who wrote
    what. The caller decides whose surveys may be read (`access.may_read_free_text`).
    """
    if not survey_ids or not item_ids:
        return {}
    rows = db.execute(
        sa.select(Gathering.number, Answer.item, Answer.value_text)
        .join(Response, Response.id == Answer.response_id)
        .join(Survey, Survey.id == Answer.survey_id)
        .join(Gathering, Survey.gathering_id == Gathering.id)
        .where(Answer.survey_id.in_(list(survey_ids)), Answer.item.in_(list(item_ids)),
               released(), Answer.value_text.is_not(None), Answer.value_text != "")
        .order_by(Gathering.number, Answer.item, Answer.value_text))
    found: dict[int, dict[str, list[str]]] = {}
    for number, item, text in rows:
        if text is not None:  # always so (see the query); said again for the type
            found.setdefault(number, {}).setdefault(item, []).append(text)
    return found
