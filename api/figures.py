"""The JSON of the API's figures, built from the very objects the staff pages render.

Why from the pages' objects: `reporting.item_results`, `reporting.comparison`,
`analytics.paired` and `reporting.gathering_table` apply the small-group rule before a page
sees anything, so JSON made from their results cannot hold a figure a page holds back, and
its numbers equal the page's, unrounded: JSON carries each figure's shortest decimal form
(43/40 as 1.075), so a program that rounds it half up in decimal, as the pages, downloads and
Excel do (`analytics.numbers.half_up`), gets the page's figure (1,08; a test checks every s/n
up to n = 400). Rounding here instead would round twice: 101 answers summing to 51 are
0.504950…, which is 0.50 rounded once but 0.5050 → 0.51 rounded via four decimals. A figure
held back is `null` beside `"suppressed": true`, never a number (the models in `api.models`
refuse anything else). Free text is not a figure and is never
here. Shares (response rate, top box) are fractions from 0 to 1. Each piece is built as its
model, from which the OpenAPI document is generated, so the two cannot differ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from analytics.paired import IMPROVEMENT_THRESHOLD, PairedSummary
from analytics.stats import MeanCI
from api import models as m
from questionnaires import schema as s
from reporting.comparison import CategoryComparison, Difference
from reporting.gathering_table import Cell, CellState, GatheringTable
from reporting.item_results import (
    CategorySummary,
    CountSummary,
    ItemResult,
    NumberSummary,
    ScaleSummary,
    SurveyResults,
)

Fields = dict[str, Any]  # keyword arguments for a model, when several build one object
NO_MEAN: Fields = {"n": None, "mean": None, "ci_low": None, "ci_high": None}


def mean_ci(ci: MeanCI | None) -> m.MeanCI | None:
    """n, mean and the 95 % interval (low/high null for a single value)."""
    if ci is None:
        return None
    return m.MeanCI(n=ci.n, mean=ci.mean, ci_low=ci.low, ci_high=ci.high)


def flat_mean(ci: MeanCI | None) -> Fields:
    """n, mean and interval as fields of the object they describe (all null if none)."""
    if ci is None:
        return dict(NO_MEAN)
    return {"n": ci.n, "mean": ci.mean, "ci_low": ci.low, "ci_high": ci.high}


def difference(found: Difference | None) -> m.Difference | None:
    if found is None:
        return None
    return m.Difference(difference=found.diff, ci_low=found.low, ci_high=found.high)


def scale(found: s.Scale | None) -> m.Scale | None:
    """The scale's ends and which end is good, so a program can read direction."""
    if found is None:
        return None
    return m.Scale(min=found.min, max=found.max, good=found.good)


# --- A survey's results -------------------------------------------------------------------

def category(found: s.Category, summary: CategorySummary, lang: str) -> m.Category:
    return m.Category(id=found.id, text=found.text.get(lang), suppressed=summary.suppressed,
                      **flat_mean(summary.ci), mean_0_100=summary.on_100)


EMPTY_ITEM: Fields = {**NO_MEAN, "mean_0_100": None, "top_box": None, "dont_know": None,
                      "steps": [], "counts": []}


def _item_figures(entry: ItemResult, definition: s.Definition, lang: str) -> Fields:
    """The figures of an item that is shown, by the kind of its summary."""
    summary = entry.summary
    if isinstance(summary, ScaleSummary):
        labels = definition.scale_of(entry.item).labels
        return flat_mean(summary.ci) | {
            "mean_0_100": summary.on_100, "top_box": summary.top_box,
            "dont_know": summary.dont_know,
            "steps": [m.Step(step=step, label=labels[step].get(lang) if step in labels else None,
                             count=count) for step, count in summary.steps]}
    if isinstance(summary, CountSummary):
        texts = {option.value: option.text.get(lang)
                 for option in getattr(entry.item, "options", ())}
        return {"n": summary.n,
                "counts": [m.Count(value=value, text=texts.get(value), count=count)
                           for value, count in summary.counts]}
    if isinstance(summary, NumberSummary):
        return flat_mean(summary.ci)
    return {}


def item(entry: ItemResult, definition: s.Definition, lang: str) -> m.Item:
    """One scale, choice, checklist or whole-number item (the caller leaves out text); a
    held-back item has every figure empty, though a scale item names its scale all the same."""
    kind = entry.kind
    if kind == "text":
        raise ValueError(f"free text ({entry.item.id}) is not among the API's figures")
    suppressed = entry.summary.suppressed
    figures = {} if suppressed else _item_figures(entry, definition, lang)
    found = definition.scale_of(entry.item) if kind == "scale" else None
    return m.Item(id=entry.item.id, kind=kind, text=entry.item.text.get(lang),
                  scale=scale(found), suppressed=suppressed, **(EMPTY_ITEM | figures))


def sections(found: SurveyResults, definition: s.Definition, lang: str) -> list[m.Section]:
    """The results page's items by section; a section of free text only is left out."""
    listed = []
    for part in found.sections:
        items = [item(entry, definition, lang) for entry in part.items if entry.kind != "text"]
        if items:
            title = part.section.title.get(lang) if part.section.title else None
            listed.append(m.Section(id=part.section.id, title=title, items=items))
    return listed


def overview(found: SurveyResults, lang: str) -> m.Overview:
    """Responses, response rate and category scores (the unit page's view of a survey)."""
    return m.Overview(
        suppressed=found.suppressed, responses=None if found.suppressed else found.responses,
        response_rate=found.response_rate,
        categories=[category(c, summary, lang) for c, summary in found.categories])


# --- The change over pairs (PSFS) ---------------------------------------------------------

def change(summary: PairedSummary) -> m.Change:
    """The change page's headline figures and distribution; never a single pair."""
    return m.Change(
        suppressed=summary.suppressed, baselines=summary.baselines,
        follow_ups=summary.follow_ups, share_paired=summary.share_paired,
        baseline_mean=mean_ci(summary.baseline_mean),
        follow_up_mean=mean_ci(summary.follow_up_mean),
        change=mean_ci(summary.change), improved=summary.improved,
        improved_share=summary.improved_share, improvement_threshold=IMPROVEMENT_THRESHOLD,
        distribution=[m.ChangeBin(change=points, users=users)
                      for points, users in summary.distribution],
        early_included=summary.early.included)


# --- Baseline against follow-up -----------------------------------------------------------

def comparison_row(row: CategoryComparison, left_out: Mapping[str, int],
                   lang: str) -> m.ComparisonCategory:
    return m.ComparisonCategory(
        id=row.category.id, text=row.category.text.get(lang), suppressed=row.suppressed,
        surveys_left_out=left_out.get(row.category.id, 0),
        a=mean_ci(row.first), b=mean_ci(row.second), difference=difference(row.difference),
        a_0_100=row.first_100, b_0_100=row.second_100,
        difference_0_100=difference(row.difference_100), direction=row.direction)


def comparison(rows: Sequence[CategoryComparison], left_out: Mapping[str, int],
               lang: str) -> list[m.ComparisonCategory]:
    return [comparison_row(row, left_out, lang) for row in rows]


# --- The gathering table ------------------------------------------------------------------

def gathering_table(table: GatheringTable | None) -> m.GatheringTable:
    """One entry per gathering (responses, invited, rate) and per item, in each gathering,
    its mean with n and 95 % interval: null and suppressed when its gathering or the item has
    fewer than the minimum answers, null and not asked when the gathering's questionnaires
    did not have it (the page says «not shown» and «not asked»). No table: all empty."""
    if table is None:
        return m.GatheringTable(scale=None, gatherings=[], items=[])
    gatherings = [m.GatheringColumn(number=c.number, label=c.label, suppressed=c.suppressed,
                                    responses=c.responses, invited=c.invited,
                                    response_rate=c.rate)
                  for c in table.columns]
    items = [m.GatheringItem(
        id=row.item, text=row.text, section=block.section, section_title=block.title,
        scale=m.Scale(min=row.scale.min, max=row.scale.max, good=row.scale.good),
        means=[gathering_mean(column.number, cell)
               for column, cell in zip(table.columns, row.cells, strict=True)])
        for block in table.blocks for row in block.rows]
    return m.GatheringTable(scale=scale(table.scale), gatherings=gatherings, items=items)


def gathering_mean(number: int, cell: Cell) -> m.GatheringMean:
    return m.GatheringMean(gathering=number, asked=cell.state is not CellState.NOT_ASKED,
                           suppressed=cell.state is CellState.SUPPRESSED, n=cell.n,
                           mean=cell.mean, ci_low=cell.low, ci_high=cell.high)
