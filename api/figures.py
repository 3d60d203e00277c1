"""The JSON of the API's figures, built from the very objects the staff pages render.

Why from the pages' objects: `reporting.item_results`, `reporting.comparison`,
`analytics.paired` and `reporting.gathering_table` apply the small-group rule before a page
sees anything, so JSON made from their results cannot hold a figure a page holds back, and
its numbers equal the page's (unrounded: the page rounds to one decimal, a program may round
as it likes). A figure held back is `null` beside `"suppressed": true`, never a number.
Free text is not a figure and is never here. Shares (response rate, top box) are fractions
from 0 to 1. The shapes are described in `api.schema`; a test checks every answer
against it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from analytics.paired import IMPROVEMENT_THRESHOLD, PairedSummary
from analytics.stats import MeanCI
from questionnaires import schema as s
from reporting.comparison import CategoryComparison, Difference
from reporting.gathering_table import GatheringTable
from reporting.item_results import (
    CategorySummary,
    CountSummary,
    ItemResult,
    NumberSummary,
    ScaleSummary,
    SurveyResults,
)

JSON = dict[str, Any]


def mean_ci(ci: MeanCI | None) -> JSON | None:
    """n, mean and the 95 % interval (low/high null for a single value)."""
    if ci is None:
        return None
    return {"n": ci.n, "mean": ci.mean, "ci_low": ci.low, "ci_high": ci.high}


def flat_mean(ci: MeanCI | None) -> JSON:
    """n, mean and interval as fields of the object they describe (all null if none)."""
    return mean_ci(ci) or {"n": None, "mean": None, "ci_low": None, "ci_high": None}


def difference(found: Difference | None) -> JSON | None:
    if found is None:
        return None
    return {"difference": found.diff, "ci_low": found.low, "ci_high": found.high}


def scale(found: s.Scale | None) -> JSON | None:
    """The scale's ends and which end is good, so a program can read direction."""
    if found is None:
        return None
    return {"min": found.min, "max": found.max, "good": found.good}


# --- A survey's results -------------------------------------------------------------------

def category(found: s.Category, summary: CategorySummary, lang: str) -> JSON:
    return {"id": found.id, "text": found.text.get(lang), "suppressed": summary.suppressed,
            **flat_mean(summary.ci), "mean_0_100": summary.on_100}


def _empty_item(entry: ItemResult, definition: s.Definition, lang: str) -> JSON:
    """An item with every figure empty; a scale item names its scale all the same."""
    found = definition.scale_of(entry.item) if entry.kind == "scale" else None
    return {"id": entry.item.id, "kind": entry.kind, "text": entry.item.text.get(lang),
            "scale": scale(found), "suppressed": True, **flat_mean(None),
            "mean_0_100": None, "top_box": None, "dont_know": None, "steps": [], "counts": []}


def item(entry: ItemResult, definition: s.Definition, lang: str) -> JSON:
    """One scale, choice, checklist or whole-number item (the caller leaves out text)."""
    result = _empty_item(entry, definition, lang)
    summary = entry.summary
    if summary.suppressed:
        return result
    result["suppressed"] = False
    if isinstance(summary, ScaleSummary):
        labels = definition.scale_of(entry.item).labels
        result |= flat_mean(summary.ci) | {
            "mean_0_100": summary.on_100, "top_box": summary.top_box,
            "dont_know": summary.dont_know,
            "steps": [{"step": step, "label": labels[step].get(lang) if step in labels else None,
                       "count": count} for step, count in summary.steps]}
    elif isinstance(summary, CountSummary):
        texts = {option.value: option.text.get(lang)
                 for option in getattr(entry.item, "options", ())}
        result |= {"n": summary.n,
                   "counts": [{"value": value, "text": texts.get(value), "count": count}
                              for value, count in summary.counts]}
    elif isinstance(summary, NumberSummary):
        result |= flat_mean(summary.ci)
    return result


def results(found: SurveyResults, definition: s.Definition, lang: str) -> JSON:
    """The results page's figures: responses, response rate, categories and items."""
    sections = []
    for part in found.sections:
        items = [item(entry, definition, lang) for entry in part.items if entry.kind != "text"]
        if items:
            title = part.section.title.get(lang) if part.section.title else None
            sections.append({"id": part.section.id, "title": title, "items": items})
    return {**overview(found, lang), "sections": sections}


def overview(found: SurveyResults, lang: str) -> JSON:
    """Responses, response rate and category scores (the unit page's view of a survey)."""
    return {"suppressed": found.suppressed,
            "responses": None if found.suppressed else found.responses,
            "response_rate": found.response_rate,
            "categories": [category(c, summary, lang) for c, summary in found.categories]}


# --- The change over pairs (PSFS) ---------------------------------------------------------

def change(summary: PairedSummary) -> JSON:
    """The change page's headline figures and distribution; never a single pair."""
    return {"suppressed": summary.suppressed, "baselines": summary.baselines,
            "follow_ups": summary.follow_ups, "share_paired": summary.share_paired,
            "baseline_mean": mean_ci(summary.baseline_mean),
            "follow_up_mean": mean_ci(summary.follow_up_mean),
            "change": mean_ci(summary.change), "improved": summary.improved,
            "improved_share": summary.improved_share,
            "improvement_threshold": IMPROVEMENT_THRESHOLD,
            "distribution": [{"change": points, "users": users}
                             for points, users in summary.distribution]}


# --- Baseline against follow-up -----------------------------------------------------------

def comparison_row(row: CategoryComparison, left_out: Mapping[str, int], lang: str) -> JSON:
    return {"id": row.category.id, "text": row.category.text.get(lang),
            "suppressed": row.suppressed, "surveys_left_out": left_out.get(row.category.id, 0),
            "baseline": mean_ci(row.first), "follow_up": mean_ci(row.second),
            "difference": difference(row.difference),
            "baseline_0_100": row.first_100, "follow_up_0_100": row.second_100,
            "difference_0_100": difference(row.difference_100), "direction": row.direction}


def comparison(rows: Sequence[CategoryComparison], left_out: Mapping[str, int],
               lang: str) -> list[JSON]:
    return [comparison_row(row, left_out, lang) for row in rows]


# --- The gathering table ------------------------------------------------------------------

def gathering_table(table: GatheringTable) -> JSON:
    """One entry per gathering (responses, invited, rate) and per item its mean in each;
    a mean is null and suppressed when its gathering or the item has fewer than the
    minimum answers (the page leaves that cell empty)."""
    gatherings = [{"number": c.number, "label": c.label, "suppressed": c.suppressed,
                   "responses": c.responses, "invited": c.invited, "response_rate": c.rate}
                  for c in table.columns]
    items = [{"id": row.item, "text": row.text, "section": block.section,
              "section_title": block.title,
              "means": [{"gathering": column.number, "mean": mean, "suppressed": mean is None}
                        for column, mean in zip(table.columns, row.means, strict=True)]}
             for block in table.blocks for row in block.rows]
    return {"scale": scale(table.scale), "gatherings": gatherings, "items": items}
