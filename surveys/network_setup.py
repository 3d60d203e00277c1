"""A network's year in one go: gatherings 1–4 and the erfaringssamling with their dates and
places, and an evaluation survey for each (issue 17).

One commit for all of it, each gathering and survey with its own audit entry, as when they
are made one by one. A gathering that has a survey already is not given another, so the
page can be sent again to move a date without doubling the evaluations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys import access
from surveys.account_models import Account
from surveys.models import Gathering, Layout, LinkMode, Network, Survey
from surveys.org_operations import audit_gathering
from surveys.survey_admin_operations import describe as describe_survey

# An evaluation opens on the day of its gathering and stays open a week, for those who
# answer at home; the survey's page changes it.
EVALUATION_OPEN_DAYS = 7


@dataclass(frozen=True)
class GatheringPlan:
    """One row of the set-up page, already validated."""

    number: int
    held_on: dt.date | None
    place: str | None
    invited: int | None
    evaluate: bool


def evaluated_numbers(db: Session, network_id: int) -> set[int]:
    """The numbers of the network's gatherings that have a survey already."""
    return set(db.scalars(sa.select(Gathering.number).join(
        Survey, Survey.gathering_id == Gathering.id).where(Gathering.network_id == network_id)))


def set_up_gatherings(db: Session, account: Account, network: Network, version_id: int,
                      plans: Sequence[GatheringPlan], title_of: Callable[[int], str]) -> int:
    """Make or change each planned gathering, and its evaluation (of `version_id`, titled
    `title_of(number)`) where asked and none exists; returns how many surveys were made."""
    existing = {g.number: g for g in network.gatherings}
    evaluated = evaluated_numbers(db, network.id)
    made = 0
    for plan in plans:
        gathering = existing.get(plan.number)
        if gathering is None and not (plan.held_on or plan.place or plan.evaluate):
            continue
        gathering = _save_gathering(db, account, network, gathering, plan)
        if plan.evaluate and plan.number not in evaluated:
            _add_evaluation(db, account, gathering, version_id, plan, title_of(plan.number))
            made += 1
    db.commit()
    return made


def _save_gathering(db: Session, account: Account, network: Network,
                    gathering: Gathering | None, plan: GatheringPlan) -> Gathering:
    """The gathering with the plan's date and place, audited when it is new or changed."""
    is_new = gathering is None
    if gathering is None:
        gathering = Gathering(network=network, number=plan.number)
        db.add(gathering)
    elif (gathering.held_on, gathering.place) == (plan.held_on, plan.place or None):
        return gathering
    gathering.held_on, gathering.place = plan.held_on, plan.place or None
    db.flush()
    audit_gathering(db, account, gathering, is_new)
    return gathering


def _add_evaluation(db: Session, account: Account, gathering: Gathering, version_id: int,
                    plan: GatheringPlan, title: str) -> None:
    survey = Survey(
        title=title, questionnaire_version_id=version_id, gathering=gathering,
        opens_on=plan.held_on,
        closes_on=plan.held_on + dt.timedelta(days=EVALUATION_OPEN_DAYS) if plan.held_on
        else None, invited=plan.invited, layout=Layout.PAGE_PER_SECTION,
        link_mode=LinkMode.OPEN)
    db.add(survey)
    db.flush()
    access.audit(db, account, "survey.create", describe_survey(survey))
