"""Results released in batches: nothing staff can read changes when one person answers.

Why: a unit lead who hands a patient the tablet knows who answers now. If any page, chart,
download or API answer changed at that moment, reading it before and after would give that
person's answers (differencing). So a response is stored unreleased (`Response.released`),
and nothing staff read counts it until at least k (`SURVEY_SMALL_GROUP_MIN`, asked of
`analytics.small_groups.SmallGroups`) unreleased responses of the survey have gathered;
then they are released together. A remainder under k stays unreleased, also after the
survey closes. The tallies (`surveys.tallies`) count a response when it is released, so
every figure read from them, and the one count (`surveys.counts`), are released-only.
(Not so a team's form about its own work, released as it comes: see `TEAM_FORMS`.)

A released response carries the day of its release (`Response.released_on`), which every
response of its batch shares: a row-level download shows that day, never the day a person
answered, which would point to them.

Two kinds are released apart: a survey's responses, and its PSFS follow-ups. The results
count responses only; a batch of four follow-ups and one response would move the results by
that one person's answers. A follow-up also waits for its baseline's release: a pair counts
when both halves are released, so pairs then appear k at a time with their follow-ups,
never one by one when a batch of baselines goes out.

Concurrency: everything happens in the transaction that stores the response, after its
INSERT, with the survey's row locked, so two submissions cannot each count k − 1 and both
leave their response waiting. On PostgreSQL the lock is `FOR NO KEY UPDATE`, not `FOR
UPDATE`: the INSERT already holds `FOR KEY SHARE` on the survey's row through its foreign
key, and two submissions holding it would deadlock, each waiting for `FOR UPDATE`. On
SQLite the transaction starts with the INSERT and holds the database's one write lock.
Reading committed data, the count after the lock sees every response stored before it.

Cost: one lock and one count of the partial index `ix_responses_unreleased` (fewer than k
entries per survey and kind) per submission; every k-th submission also reads the batch's
answers and adds them to the tallies with one statement per table.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from analytics.small_groups import SmallGroups
from questionnaires import schema as s
from questionnaires.item_types import AnswerValue
from surveys import tallies
from surveys.models import Answer, Response, Survey

# Questionnaires a team fills in about its own work, not a person about themselves or their
# care: the improvement areas' status, which the network overview shows team by team by design
# (`reporting.network_overview`, point 3). A unit has one to three teams, so waiting for k
# would leave its row empty for good: these responses are released as they come.
TEAM_FORMS = frozenset({"oppfolging"})
AT_ONCE = SmallGroups(1)


def configured_rule() -> SmallGroups:
    """The app's small-group rule, which sets k (`create_app` checked it once; the read
    layer asks the same object through `reporting.rule.current_rule`)."""
    return current_app.extensions["small_groups"]


@dataclass(frozen=True)
class Waiting:
    """How many of a survey's responses and follow-ups are stored but not yet released."""

    responses: int = 0
    follow_ups: int = 0


# The statements of a release, built once: Core on the tables, not the ORM, since they run
# with every response stored (`bench/README.md` has what they cost).
_RESPONSES, _ANSWERS = cast(sa.Table, Response.__table__), cast(sa.Table, Answer.__table__)
_SURVEYS = cast(sa.Table, Survey.__table__)
_LOCK = (sa.select(_SURVEYS.c.id).where(_SURVEYS.c.id == sa.bindparam("survey_id"))
         .with_for_update(key_share=True))
# The WHERE of `ix_responses_unreleased`, term for term (SQLite uses a partial index only
# for the very same terms).
_UNRELEASED = [_RESPONSES.c.survey_id == sa.bindparam("survey_id"),
               _RESPONSES.c.is_follow_up == sa.bindparam("follow_ups"),
               ~_RESPONSES.c.released]
_WAITING = sa.select(_RESPONSES.c.id).where(*_UNRELEASED)
_BASELINE = _RESPONSES.alias("baseline")
_READY = (sa.select(_RESPONSES.c.id)
          .join(_BASELINE, sa.and_(_BASELINE.c.survey_id == _RESPONSES.c.survey_id,
                                   _BASELINE.c.pair_id == _RESPONSES.c.pair_id,
                                   _BASELINE.c.is_follow_up.is_(False),
                                   _BASELINE.c.released))
          .where(*_UNRELEASED))
_RELEASE = (sa.update(_RESPONSES).values(released=True, released_on=sa.bindparam("day"))
            .where(_RESPONSES.c.id.in_(sa.bindparam("ids", expanding=True))))
_ANSWERS_OF = (sa.select(_ANSWERS.c.response_id, _ANSWERS.c.item, _ANSWERS.c.position,
                         _ANSWERS.c.value_num, _ANSWERS.c.value_text)
               .where(_ANSWERS.c.response_id.in_(sa.bindparam("ids", expanding=True))))


def lock_survey(db: Session, survey_id: int) -> None:
    """Hold the survey's row until the transaction ends (see the module's docstring)."""
    if db.get_bind().dialect.name == "postgresql":
        db.connection().execute(_LOCK, {"survey_id": survey_id})


def release_ready(db: Session, survey_id: int, definition: s.Definition, day: dt.date,
                  rule: SmallGroups | None = None) -> Waiting:
    """Release the survey's waiting responses, and its waiting follow-ups whose baselines
    are released, each kind when at least k wait, marked released on `day` (the day of the
    response that completes the batch); in the caller's transaction, which has just stored
    that response. Returns how many were released of each kind."""
    rule = AT_ONCE if definition.id in TEAM_FORMS else rule or configured_rule()
    lock_survey(db, survey_id)
    connection = db.connection()
    waiting: list[uuid.UUID] = list(connection.execute(
        _WAITING, {"survey_id": survey_id, "follow_ups": False}).scalars())
    responses = 0
    if rule.shows(len(waiting)):
        connection.execute(_RELEASE, {"ids": waiting, "day": day})
        tallies.count_responses(db, survey_id, definition, _answers_of(connection, waiting))
        responses = len(waiting)
    follow_ups = 0
    if definition.follow_up is not None:
        ready: list[uuid.UUID] = list(connection.execute(
            _READY, {"survey_id": survey_id, "follow_ups": True}).scalars())
        if rule.shows(len(ready)):
            connection.execute(_RELEASE, {"ids": ready, "day": day})
            follow_ups = len(ready)
    return Waiting(responses, follow_ups)


def _answers_of(connection: sa.Connection,
                ids: Sequence[uuid.UUID]) -> list[list[AnswerValue]]:
    """The stored answers of each response in `ids` (a response may have none)."""
    found: dict[uuid.UUID, list[AnswerValue]] = {response_id: [] for response_id in ids}
    for row in connection.execute(_ANSWERS_OF, {"ids": list(ids)}):
        found[row.response_id].append(
            AnswerValue(row.item, row.position, row.value_num, row.value_text))
    return list(found.values())


def waiting(db: Session, survey_ids: Collection[int]) -> dict[int, Waiting]:
    """survey id → how many wait to be released; every asked survey is there. Counting
    existence, not content: staff are told how many wait (and know who answered anyway)."""
    result = dict.fromkeys(survey_ids, Waiting())
    if not survey_ids:
        return result
    counts: dict[int, dict[bool, int]] = {}
    for survey_id, is_follow_up, n in db.execute(
            sa.select(Response.survey_id, Response.is_follow_up, sa.func.count())
            .where(Response.survey_id.in_(list(survey_ids)), ~Response.released)
            .group_by(Response.survey_id, Response.is_follow_up)):
        counts.setdefault(survey_id, {})[bool(is_follow_up)] = n
    for survey_id, kinds in counts.items():
        result[survey_id] = Waiting(kinds.get(False, 0), kinds.get(True, 0))
    return result


def waiting_of(db: Session, survey_id: int) -> Waiting:
    return waiting(db, [survey_id])[survey_id]
