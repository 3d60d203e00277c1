"""The pathway checklist as a process measure: each pathway's steps, in time order.

Why it reads answers and not the tallies: a run chart needs every pathway on its own, in
the order the pathways started, and a unit records a few pathways a week, so a survey holds
hundreds of rows rather than the hundred thousands the tallies exist for.

A pathway is one response to a questionnaire with checklist steps. Its date is the answer
to the definition's `pathway.start` item (the day the pathway started), or the day the
checklist was stored when the questionnaire has no such item or it was left empty. Its
compliance (programoppfyllelse) is done ÷ (done + not done); a pathway where no step was
relevant has none and is left off the run chart, as in the network's own spreadsheets.

Who may see what (decided here, applied by the pages):
- The unit's page plots each pathway: that is what a run chart is. The checklist holds no
  answer from a patient: staff record whether they did their own work, and the label is
  the unit's own reference, never a name. The label is free text all the same, so it is
  shown only to those who may read a survey's free text.
- Outside the unit (the network's page) only a unit's median and signals are shown, and
  only from `minimum` pathways on, like every other figure that leaves a unit.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.p_charts import MonthCount, PChart, PChartSplit, p_chart_limits, split_p_chart
from analytics.spc import Observation, PhaseSplit, RunsAnalysis, analyse_runs, compliance, split_at
from questionnaires import schema as s
from surveys.models import Answer, Response
from surveys.queries import released

DONE, NOT_DONE, NOT_RELEVANT = "done", "not_done", "not_relevant"


def is_checklist(definition: s.Definition) -> bool:
    """Whether a questionnaire is a process checklist (it has checklist steps)."""
    return bool(definition.checklist_items())


@dataclass(frozen=True)
class PathwayRecord:
    """One filled-in checklist: its pathway's date and label, and each step's mark."""

    response_id: uuid.UUID
    when: datetime.date
    label: str | None
    steps: dict[str, str]  # step item id → done / not_done / not_relevant

    def count(self, mark: str) -> int:
        return sum(1 for value in self.steps.values() if value == mark)

    @property
    def compliance(self) -> float | None:
        return compliance(self.count(DONE), self.count(NOT_DONE))


def pathway_records(db: Session, survey_id: int, definition: s.Definition
                    ) -> list[PathwayRecord]:
    """The survey's released checklists in time order: by pathway date, then by the day
    stored.

    Two pathways of the same day and stored the same day keep a fixed order (by label, then
    by the response's random id), so the chart does not change between two page views.
    """
    steps = {item.id for item in definition.checklist_items()}
    pathway = definition.pathway
    wanted = steps | ({pathway.start} | ({pathway.label} if pathway.label else set())
                      if pathway else set())
    rows = db.execute(
        sa.select(Response.id, Response.submitted_on, Answer.item, Answer.value_text)
        .join(Answer, sa.and_(Answer.response_id == Response.id,
                              Answer.item.in_(sorted(wanted))), isouter=True)
        .where(Response.survey_id == survey_id, Response.is_follow_up.is_(False), released())
    )
    stored: dict[uuid.UUID, datetime.date] = {}
    values: dict[uuid.UUID, dict[str, str]] = defaultdict(dict)
    for response_id, submitted_on, item, text in rows:
        stored[response_id] = submitted_on
        if item is not None and text is not None:
            values[response_id][item] = text
    records = [_record(response_id, day, values[response_id], steps, pathway)
               for response_id, day in stored.items()]
    records.sort(key=lambda r: (r.when, stored[r.response_id], r.label or "", r.response_id))
    return records


def _record(response_id: uuid.UUID, stored_on: datetime.date, values: dict[str, str],
            steps: set[str], pathway: s.Pathway | None) -> PathwayRecord:
    when, label = stored_on, None
    if pathway is not None:
        if pathway.start in values:
            when = datetime.date.fromisoformat(values[pathway.start])
        label = values.get(pathway.label) if pathway.label else None
    return PathwayRecord(response_id, when, label,
                         {item: value for item, value in values.items() if item in steps})


def observations(records: Iterable[PathwayRecord], *, with_labels: bool
                 ) -> list[Observation]:
    """The run chart's points: pathways with at least one relevant step, in time order.
    Labels only `with_labels` (for those who may read free text)."""
    return [Observation(record.when, value, record.label if with_labels else None)
            for record in records if (value := record.compliance) is not None]


@dataclass(frozen=True)
class StepCompliance:
    """One checklist step over all pathways: how often it was done where it was relevant."""

    item: s.ChecklistItem
    done: int
    not_done: int
    not_relevant: int

    @property
    def relevant(self) -> int:
        return self.done + self.not_done

    @property
    def compliance(self) -> float | None:
        return compliance(self.done, self.not_done)


def step_compliance(definition: s.Definition, records: Sequence[PathwayRecord]
                    ) -> list[StepCompliance]:
    """Every step, the most skipped first (lowest compliance); steps never relevant last,
    in the order of the checklist."""
    found = []
    for item in definition.checklist_items():
        marks = [record.steps.get(item.id) for record in records]
        found.append(StepCompliance(item, marks.count(DONE), marks.count(NOT_DONE),
                                    marks.count(NOT_RELEVANT)))
    order = {step.item.id: index for index, step in enumerate(found)}
    return sorted(found, key=lambda step: (step.compliance is None, step.compliance or 0.0,
                                           order[step.item.id]))


def month_counts(records: Iterable[PathwayRecord]) -> list[MonthCount]:
    """Steps done and relevant per month of the pathways' dates, in time order; months
    without a relevant step are left out (they have no share to plot)."""
    done: dict[datetime.date, int] = defaultdict(int)
    total: dict[datetime.date, int] = defaultdict(int)
    for record in records:
        month = record.when.replace(day=1)
        done[month] += record.count(DONE)
        total[month] += record.count(DONE) + record.count(NOT_DONE)
    return [MonthCount(month, done[month], total[month])
            for month in sorted(total) if total[month]]


def p_chart_of(records: Sequence[PathwayRecord], change_on: datetime.date | None, *,
               laney: bool) -> PChart | PChartSplit:
    """The monthly p-chart (Laney's p′ with `laney`), split at the marked change as the run
    chart is (`analyse_series`): each pathway goes to the phase of its start date, so the
    month of the change is counted in each phase with that phase's pathways only, and each
    phase has its own p̄ and limits."""
    if change_on is None:
        return p_chart_limits(month_counts(records), laney=laney)
    before = [record for record in records if record.when < change_on]
    after = [record for record in records if record.when >= change_on]
    return split_p_chart(month_counts(before), month_counts(after), change_on, laney=laney)


@dataclass(frozen=True)
class SeriesAnalysis:
    """A unit's run chart: the points, their analysis (split at the marked change, if
    any), and the phase that says how the unit is doing now."""

    observations: list[Observation]
    analysis: RunsAnalysis | PhaseSplit
    without_relevant_steps: int  # pathways left off the chart

    @cached_property
    def against_before(self) -> RunsAnalysis | None:
        """The pathways after the change held against the median from before it (the
        baseline median carried forward), or None without a change or without pathways on
        both sides of it."""
        if not isinstance(self.analysis, PhaseSplit):
            return None
        before, after = self.analysis.phases
        if before.median is None or after.n == 0:
            return None
        values = [point.value for point in self.observations[after.offset:]]
        return analyse_runs(values, centre=before.median, offset=after.offset)

    @property
    def current(self) -> RunsAnalysis:
        """The phase after the change when one is marked, otherwise the whole series."""
        return self.analysis.after if isinstance(self.analysis, PhaseSplit) else self.analysis


def analyse_series(records: Sequence[PathwayRecord], change_on: datetime.date | None, *,
                   with_labels: bool) -> SeriesAnalysis:
    """The Anhøj analysis of the pathways' compliance, split into before and after when the
    unit has marked the day a change was introduced."""
    points = observations(records, with_labels=with_labels)
    analysis: RunsAnalysis | PhaseSplit = (
        split_at(points, change_on) if change_on is not None
        else analyse_runs([point.value for point in points]))
    return SeriesAnalysis(points, analysis, len(records) - len(points))
