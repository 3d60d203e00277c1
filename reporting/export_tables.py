"""The rows of the table exports: what the results, comparison and network pages show, as plain
rows for `analytics.exports` (CSV or XLSX).

Why pure functions on the pages' own objects: each function takes exactly what its page
renders, already through the small-group rule of `reporting.item_results`,
`reporting.comparison` or `reporting.network_overview`. An export therefore can never show a
figure its page holds back, and its rows can be checked against the page by hand. A row or
cell held back says so in words (the page's «fewer than 5», passed in as `Words`) and leaves
its figures empty.

Figures are rounded to at most 4 decimals (the pages show 1), which is plenty for further
analysis and spares the reader floating-point noise such as 2.4166666666666665; shares are in
percent. They are rounded half up in decimal by `analytics.numbers`, as the pages are, so a
figure of the download rounded to the page's decimals is the page's (for means of up to 400
answers; a test checks every one).
Column headers are short English identifiers, as in the raw export.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from analytics import numbers
from analytics.exports import Table
from analytics.stats import MeanCI
from questionnaires import schema as s
from reporting import item_results
from reporting.comparison import CategoryComparison
from reporting.comparison_queries import Comparison
from reporting.item_results import SurveyResults
from reporting.network_overview import Group

DECIMALS = 4
RESULTS_HEADER = ("kind", "id", "text", "note", "n", "mean", "ci_low", "ci_high",
                  "mean_0_100", "top_box_percent", "response_rate_percent", "dont_know")
COMPARISON_HEADER = (
    "category", "text", "note", "surveys_left_out",
    "n_baseline", "mean_baseline", "ci_low_baseline", "ci_high_baseline",
    "n_follow_up", "mean_follow_up", "ci_low_follow_up", "ci_high_follow_up",
    "difference", "difference_ci_low", "difference_ci_high",
    "baseline_0_100", "follow_up_0_100",
    "difference_0_100", "difference_0_100_ci_low", "difference_0_100_ci_high", "direction")
# Two surveys or periods not marked baseline and follow-up: A and B, the difference B − A.
A_B_NAMES = {"baseline": "a", "follow_up": "b", "difference": "difference_b_minus_a"}


@dataclass(frozen=True)
class Words:
    """The words an export writes into cells, in the reader's language."""

    suppressed: str  # «fewer than 5»
    no_survey: str = ""
    no_answer: str = ""
    directions: Mapping[str, str] = field(default_factory=dict)  # better/worse/unclear


def rounded(value: float | None, decimals: int = DECIMALS) -> Decimal | None:
    """Half up to `decimals`, without trailing zeros (3.4, not 3.4000)."""
    return None if value is None else numbers.half_up(value, decimals).normalize()


def percent(share: float | None) -> Decimal | None:
    """A share in percent, half up to `DECIMALS`, in decimal (0.575 → 57.5, never 57.49…)."""
    return None if share is None else numbers.percent(share, DECIMALS).normalize()


def _in_order(header: Sequence[str], cells: Mapping[str, Any]) -> list[Any]:
    return [cells.get(column) for column in header]


def _mean_cells(ci: MeanCI | None, suffix: str = "") -> dict[str, Any]:
    if ci is None:
        return {}
    return {f"n{suffix}": ci.n, f"mean{suffix}": rounded(ci.mean),
            f"ci_low{suffix}": rounded(ci.low), f"ci_high{suffix}": rounded(ci.high)}


# --- The results page ---------------------------------------------------------------------

def count_values(definition: s.Definition) -> list[str]:
    """Every scale step and option value the page counts, in order of first appearance: one
    `count_<value>` column each."""
    values: list[str] = []
    for item in item_results.shown_items(definition):
        kind = item_results.KINDS[item.type]
        if kind == "scale":
            found = [str(step) for step in definition.scale_of(item).steps]
        elif kind == "choice":
            found = [option.value for option in item.options]
        elif kind == "checklist":
            found = list(s.CHECKLIST_VALUES)
        else:
            continue
        values += [value for value in found if value not in values]
    return values


def results_table(results: SurveyResults, definition: s.Definition, survey_id: int,
                  title: str, lang: str, words: Words) -> Table:
    """One row for the survey, then one per category and per item with figures (free text is
    not a figure and is left out): n, mean with its 95 % CI, 0–100, top-box share, "don't
    know" and the counts per step or option. Below the survey's small-group limit only the
    survey row is written, as the page shows only «fewer than 5»."""
    values = count_values(definition)
    header = [*RESULTS_HEADER, *(f"count_{value}" for value in values)]
    survey: dict[str, Any] = {"kind": "survey", "id": survey_id, "text": title}
    if results.suppressed:
        survey["note"] = words.suppressed
    else:
        survey |= {"n": results.responses,
                   "response_rate_percent": percent(results.response_rate)}
    rows = [_in_order(header, survey)]
    if results.suppressed:
        return Table("results", header, rows)
    for category, summary in results.categories:
        cells: dict[str, Any] = {"kind": "category", "id": category.id,
                                 "text": category.text.get(lang)}
        if summary.suppressed:
            cells["note"] = words.suppressed
        else:
            cells |= _mean_cells(summary.ci) | {"mean_0_100": rounded(summary.on_100)}
        rows.append(_in_order(header, cells))
    for section in results.sections:
        for entry in section.items:
            if entry.kind == "text":
                continue
            rows.append(_in_order(header, _item_cells(entry, lang, words)))
    return Table("results", header, rows)


def _item_cells(entry: item_results.ItemResult, lang: str, words: Words) -> dict[str, Any]:
    summary = entry.summary
    cells: dict[str, Any] = {"kind": entry.kind, "id": entry.item.id,
                             "text": entry.item.text.get(lang)}
    if summary.suppressed:
        return cells | {"note": words.suppressed}
    if entry.kind == "scale":
        return (cells | _mean_cells(summary.ci)
                | {"mean_0_100": rounded(summary.on_100),
                   "top_box_percent": percent(summary.top_box),
                   "dont_know": summary.dont_know}
                | {f"count_{step}": count for step, count in summary.steps})
    if entry.kind == "number":
        return cells | _mean_cells(summary.ci)
    return cells | {"n": summary.n} | {f"count_{value}": count
                                       for value, count in summary.counts}


# --- The comparison pages -----------------------------------------------------------------

def a_b_header(name: str) -> str:
    """A column of `COMPARISON_HEADER` named for A and B (mean_baseline → mean_a)."""
    for old, new in A_B_NAMES.items():
        name = name.replace(old, new)
    return name


def comparison_table(result: Comparison, lang: str, words: Words) -> Table:
    """One row per category: both means with CIs and n, the difference with its Welch CI,
    the same on 0–100, and the direction; a category held back has only its note. Columns
    say baseline and follow-up only when the surveys are so marked, else A and B."""
    header = list(COMPARISON_HEADER)
    table = [_comparison_row(header, row, result.left_out, lang, words)
             for row in result.rows]
    if not result.before_after:
        header = [a_b_header(name) for name in header]
    return Table("comparison", header, table)


def _comparison_row(header: Sequence[str], row: CategoryComparison,
                    left_out: Mapping[str, int], lang: str, words: Words) -> list[Any]:
    cells: dict[str, Any] = {"category": row.category.id,
                             "text": row.category.text.get(lang),
                             "surveys_left_out": left_out.get(row.category.id, 0)}
    if row.suppressed:
        return _in_order(header, cells | {"note": words.suppressed})
    cells |= _mean_cells(row.first, "_baseline") | _mean_cells(row.second, "_follow_up")
    if row.difference is not None:
        cells |= {"difference": rounded(row.difference.diff),
                  "difference_ci_low": rounded(row.difference.low),
                  "difference_ci_high": rounded(row.difference.high)}
    if row.difference_100 is not None:
        cells |= {"difference_0_100": rounded(row.difference_100.diff),
                  "difference_0_100_ci_low": rounded(row.difference_100.low),
                  "difference_0_100_ci_high": rounded(row.difference_100.high)}
    cells |= {"baseline_0_100": rounded(row.first_100),
              "follow_up_0_100": rounded(row.second_100),
              "direction": words.directions.get(row.direction or "")}
    return _in_order(header, cells)


# --- The network overview -----------------------------------------------------------------

def heat_table(categories: Sequence[s.Category], groups: Sequence[Group],
               words: Words) -> Table:
    """The heat map: a row per unit, its responses and a column per category (the mean, or
    «fewer than 5», or empty when the unit has no survey), as on the page."""
    header = ["organisation", "unit", "responses", *(c.id for c in categories)]
    rows = []
    for group in groups:
        for row in group.rows:
            if row.responses is None:
                responses: Any = words.no_survey
            elif row.suppressed:
                responses = words.suppressed
            else:
                responses = row.responses
            cells = [rounded(cell.mean) if cell.state == "shown"
                     else words.suppressed if cell.state == "suppressed" else None
                     for cell in row.cells]
            rows.append([group.organisation, row.unit.name, responses, *cells])
    return Table("heat", header, rows)


def phases_table(groups: Sequence[Group], words: Words) -> Table:
    """Baseline and follow-up per unit: the responses, «fewer than 5», or 0 for none."""
    header = ["organisation", "unit", "baseline", "follow_up"]
    rows = []
    for group in groups:
        for row in group.rows:
            cells = [cell.responses if cell.responses is not None
                     else words.suppressed if cell.present else 0 for cell in row.cells]
            rows.append([group.organisation, row.unit.name, *cells])
    return Table("phases", header, rows)


def status_table(items: Sequence[s.SingleChoiceItem], groups: Sequence[Group], lang: str,
                 words: Words) -> Table:
    """The improvement areas per unit: teams, and per area the statuses as the page writes
    them («status: teams», or only the status when the unit has one team)."""
    header = ["organisation", "unit", "teams", *(item.id for item in items)]
    rows = []
    for group in groups:
        for row in group.rows:
            cells = []
            for item, statuses in zip(items, row.areas, strict=True):
                labels = {option.value: option.text.get(lang) for option in item.options}
                if not statuses:
                    cells.append(words.no_answer)
                elif row.teams == 1:
                    cells.append(" | ".join(labels[value] for value, _count in statuses))
                else:
                    cells.append(" | ".join(f"{labels[value]}: {count}"
                                            for value, count in statuses))
            rows.append([group.organisation, row.unit.name, row.teams, *cells])
    return Table("status", header, rows)
