"""The checklist's series as export tables: pathways, steps and months.

Built from the objects the checklist page renders (`reporting.checklist`, `analytics.spc`),
so the file holds the same numbers as the page: the pathways' labels only when the reader
may see them there. Headers are short English identifiers, as in the other exports.
"""

from __future__ import annotations

from collections.abc import Sequence

from analytics.exports import Table
from analytics.p_charts import PChart, PChartSplit
from analytics.run_charts import p_chart_rows, phases_of, run_chart_rows
from reporting.checklist import SeriesAnalysis, StepCompliance
from reporting.export_tables import percent

PATHWAY_HEADER = ("position", "start_date", "label", "compliance_percent", "phase",
                  "median_percent", "side_of_median", "part_of_signal",
                  "in_run_against_median_before_change")
STEP_HEADER = ("id", "text", "done", "not_done", "not_relevant", "compliance_percent")
MONTH_HEADER = ("month", "phase", "steps_done", "steps_relevant", "share_percent",
                "centre_percent", "lower_limit_percent", "upper_limit_percent",
                "outside_limits", "laney")
PHASES = ("before", "after")


def pathway_table(series: SeriesAnalysis) -> Table:
    """One row per pathway on the run chart; `phase` is before/after a marked change, or
    empty without one; `part_of_signal` a signal around the phase's own median, the last
    column a run after the change against the median from before it (the chart's two
    kinds of marked point)."""
    split = len(phases_of(series.analysis)) > 1
    rows = [[row.position, row.when.isoformat(), row.label or "", percent(row.value),
             PHASES[row.phase] if split else "", percent(row.median), row.side or "on",
             "yes" if row.signal else "no", "yes" if row.carried else "no"]
            for row in run_chart_rows(series.observations, series.analysis,
                                      series.against_before)]
    return Table("pathways", PATHWAY_HEADER, rows)


def step_table(steps: Sequence[StepCompliance], lang: str) -> Table:
    rows = [[step.item.id, step.item.text.get(lang), step.done, step.not_done,
             step.not_relevant, percent(step.compliance)] for step in steps]
    return Table("steps", STEP_HEADER, rows)


def month_table(chart: PChart | PChartSplit) -> Table:
    """One row per month and phase: `phase` is before/after a marked change (the month of
    the change may be in both, each with its own pathways), or empty without one;
    `centre_percent` is the phase's p̄."""
    split = isinstance(chart, PChartSplit)
    rows = [[row.month.strftime("%Y-%m"), PHASES[row.phase] if split else "", row.done,
             row.total, percent(row.share), percent(row.centre), percent(row.lower),
             percent(row.upper), row.outside or "", "yes" if chart.laney else "no"]
            for row in p_chart_rows(chart)]
    return Table("months", MONTH_HEADER, rows)


def series_tables(series: SeriesAnalysis, steps: Sequence[StepCompliance],
                  chart: PChart | PChartSplit, lang: str) -> list[Table]:
    """Pathways first (the CSV download holds only them), then steps and months."""
    return [pathway_table(series), step_table(steps, lang), month_table(chart)]
