"""Before a gathering, the network lead's briefing: per team (unit) of the network, what has
happened since the last gathering, on one page.

Per team: the response rate of each survey running since the last gathering, how many of
its PSFS users have answered the follow-up (against the unit's target), what the run-chart
rules say of its checklists (and which shifts end after the last gathering), and how the
status of its improvement areas (oppfølgingsskjema) has moved from its previous form to its
newest. Then the wishes the participants wrote in the last gathering's evaluation.

Everything is read as the network's other pages read it, and obeys the same rules: released
responses only, counts under the small-group minimum shown as «fewer than k», the
checklists through the network's rule, improvement areas unsuppressed (see
`reporting.network_overview`, point 3), and the wishes only for a reader who may read the
gathering's free text and only when that gathering's evaluation has at least k responses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.small_groups import SmallGroups
from analytics.stats import share
from questionnaires import schema as s
from questionnaires.models import QuestionnaireVersion
from reporting import checklist
from reporting import network_overview as no
from reporting.checklist_summary import ChecklistSummary, checklist_summary
from reporting.checklist_words import signal_sentence
from reporting.follow_up_tracker import Tracker, tracker_of
from reporting.gathering_figures import evaluation_surveys, open_answers
from reporting.rule import current_rule
from surveys.access import member_ids
from surveys.counts import response_counts
from surveys.models import Gathering, Organisation, Survey, Unit

WISHES_ITEM = "onsker_neste"  # «Ønsker for neste samling» in the built-in evaluation


@dataclass(frozen=True)
class SurveyRate:
    """One survey of a team: its responses and share of those invited, as may be shown."""

    survey: Survey
    responses: int | None  # None: fewer than k
    rate: float | None  # None: not invited count, or too few responses to show


@dataclass(frozen=True)
class Checklist:
    """A team's checklist: its summary, and the shifts that end after the last gathering."""

    survey: Survey
    summary: ChecklistSummary
    new_signals: list[str]


@dataclass(frozen=True)
class StatusChange:
    """Improvement areas marked with one status, summed over areas and teams: before is
    the team's previous form (None when it has only one), now its newest."""

    label: str
    before: int | None
    now: int


@dataclass(frozen=True)
class Team:
    unit: Unit
    rates: list[SurveyRate]
    follow_ups: list[tuple[Survey, Tracker]]
    checklists: list[Checklist]
    statuses: list[StatusChange]

    @property
    def empty(self) -> bool:
        return not (self.rates or self.follow_ups or self.checklists or self.statuses)


@dataclass(frozen=True)
class Briefing:
    gathering: Gathering
    previous: Gathering | None  # the gathering before, whose evaluation gives the wishes
    teams: list[Team]
    wishes: list[str] | None  # None: the reader may not read them, or too few answered

    @property
    def since(self) -> dt.date | None:
        return self.previous.held_on if self.previous is not None else None


def briefing_of(db: Session, gathering: Gathering, *, may_read_wishes: bool,
                today: dt.date, lang: str) -> Briefing:
    """The briefing before `gathering`, on `today`, in the reader's language `lang`."""
    previous = previous_gathering(db, gathering)
    since = previous.held_on if previous is not None else None
    rule = current_rule()
    units = list(db.scalars(
        sa.select(Unit).join(Organisation)
        .where(Organisation.id.in_(member_ids({gathering.network_id})),
               Unit.archived.is_(False))
        .order_by(Organisation.name, Unit.name)))
    teams = [_team(db, unit, since, today, rule, lang) for unit in units]
    wishes = (_wishes(db, previous, rule) if previous is not None and may_read_wishes
              else None)
    return Briefing(gathering, previous, teams, wishes)


def previous_gathering(db: Session, gathering: Gathering) -> Gathering | None:
    """The network's gathering just before this one (by number)."""
    return db.scalars(
        sa.select(Gathering)
        .where(Gathering.network_id == gathering.network_id,
               Gathering.number < gathering.number)
        .order_by(Gathering.number.desc()).limit(1)).first()


def running_since(surveys: Sequence[Survey], since: dt.date | None) -> list[Survey]:
    """The surveys that have been open at some time since `since` (all, without a date)."""
    return [survey for survey in surveys if not survey.archived
            and (since is None or survey.closes_on is None or survey.closes_on >= since)]


def _team(db: Session, unit: Unit, since: dt.date | None, today: dt.date,
          rule: SmallGroups, lang: str) -> Team:
    surveys = running_since(list(db.scalars(
        sa.select(Survey).where(Survey.unit_id == unit.id).order_by(Survey.id))), since)
    definitions = {survey.id: survey.questionnaire.definition for survey in surveys}
    counts = response_counts(db, [survey.id for survey in surveys])
    rates = [_rate(survey, counts[survey.id], rule) for survey in surveys
             if definitions[survey.id].categories or definitions[survey.id].follow_up]
    follow_ups = [(survey, tracker_of(db, survey, today)) for survey in surveys
                  if definitions[survey.id].follow_up is not None]
    checklists = [_checklist(db, survey, since, rule) for survey in surveys
                  if checklist.is_checklist(definitions[survey.id])]
    return Team(unit, rates, follow_ups, checklists, _statuses(db, unit, lang))


def _rate(survey: Survey, responses: int, rule: SmallGroups) -> SurveyRate:
    shown = rule.count(responses)
    rate = share(shown, survey.invited or 0) if shown is not None else None
    return SurveyRate(survey, shown if responses else 0, rate)


def _checklist(db: Session, survey: Survey, since: dt.date | None,
               rule: SmallGroups) -> Checklist:
    """The checklist's summary through the network's rule, and its shifts whose last
    pathway lies on or after `since` (none when the summary is held back)."""
    summary = checklist_summary(survey, rule)
    if summary.suppressed:
        return Checklist(survey, summary, [])
    records = checklist.pathway_records(db, survey.id, survey.questionnaire.definition)
    series = checklist.analyse_series(records, survey.change_on, with_labels=False)
    points = series.observations
    new = [signal_sentence(signal) for signal in series.current.signals
           if signal.kind == "shift" and signal.end is not None
           and (since is None or points[signal.end].when >= since)]
    return Checklist(survey, summary, new)


def _statuses(db: Session, unit: Unit, lang: str) -> list[StatusChange]:
    """The improvement areas of the unit's two newest answered oppfølging forms, summed by
    status over areas and teams, in the options' order."""
    rows = db.execute(
        sa.select(Survey.id, QuestionnaireVersion)
        .join(QuestionnaireVersion, Survey.questionnaire_version_id == QuestionnaireVersion.id)
        .where(Survey.unit_id == unit.id, QuestionnaireVersion.slug == no.IMPROVEMENT_SLUG)
        .order_by(Survey.id.desc())).all()
    counts = response_counts(db, [survey_id for survey_id, _version in rows])
    answered = [(survey_id, version) for survey_id, version in rows if counts[survey_id]][:2]
    if not answered:
        return []
    items = no.improvement_items(answered[0][1].definition)
    if not items:
        return []
    found = no.status_counts(db, [survey_id for survey_id, _v in answered],
                             [item.id for item in items])
    totals = [_by_status(found, survey_id) for survey_id, _version in answered]
    before = totals[1] if len(totals) > 1 else None
    return [StatusChange(option.text.get(lang), before.get(option.value, 0) if before else None,
                         totals[0].get(option.value, 0))
            for option in _options(items)]


def _by_status(found: dict[tuple[int, str, str], int], survey_id: int) -> dict[str, int]:
    totals: dict[str, int] = {}
    for (survey, _item, value), count in found.items():
        if survey == survey_id:
            totals[value] = totals.get(value, 0) + count
    return totals


def _options(items: Sequence[s.SingleChoiceItem]) -> list[s.Option]:
    """The statuses, in the order of the first area's options (the form's areas share them)."""
    return list(items[0].options)


def _wishes(db: Session, previous: Gathering, rule: SmallGroups) -> list[str] | None:
    """The wishes written in the evaluation of `previous`: released answers only, and none
    when its evaluation has fewer than k responses (the evaluation page hides it too)."""
    listed = [found for found in evaluation_surveys(db, previous.network_id)
              if found.number == previous.number]
    ids = [found.survey.id for found in listed]
    if not ids or rule.hides(sum(response_counts(db, ids).values())):
        return None
    texts = open_answers(db, ids, [WISHES_ITEM]).get(previous.number, {})
    return sorted(texts.get(WISHES_ITEM, []))
