"""A checklist survey at a glance, for the unit page and the network's page of checklists:
pathways, the current median and what the run-chart rules say, in the reader's language."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import database
from analytics.small_groups import SmallGroups
from reporting import checklist
from reporting.checklist_words import change_verdict, findings
from surveys.models import Survey


@dataclass(frozen=True)
class ChecklistSummary:
    """A checklist survey at a glance: how many pathways, the median of the current phase
    (after the marked change, if any) and what the rules say about it. `suppressed` when
    fewer pathways than the small-group limit are on the chart (the network's page)."""

    pathways: int
    median: float | None
    sentences: list[str]
    changed_on: datetime.date | None
    suppressed: bool = False


def checklist_summary(survey: Survey, rule: SmallGroups | None) -> ChecklistSummary:
    """The summary of one checklist survey. With a `rule` (pages outside the unit: the
    network's), below its minimum of pathways on the chart nothing but the count of pathways
    is given; None for the unit's own leads, who see their single pathways anyway (the
    checklist records staff's own work, no patient's answer: see `reporting.checklist`)."""
    records = checklist.pathway_records(database.session(), survey.id,
                                        survey.questionnaire.definition)
    series = checklist.analyse_series(records, survey.change_on, with_labels=False)
    if rule is not None and rule.hides(len(series.observations)):
        return ChecklistSummary(len(records), None, [], survey.change_on, suppressed=True)
    sentences = findings(series.current, split=series.against_before is not None)
    verdict = change_verdict(series)
    return ChecklistSummary(len(records), series.current.median,
                            sentences + ([verdict] if verdict else []), survey.change_on)
