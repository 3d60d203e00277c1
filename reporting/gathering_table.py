"""The learning network's classic table of gathering evaluations.

After every samling the participants answer a gathering evaluation: the built-in «samling»
(scale 1 = «Meget bra» … 5 = «Meget dårlig», so lower is better) or any questionnaire that
declares `purpose: gathering_evaluation`. The network has always reported it as one table:
a row per item, a column per gathering, the mean in each cell, and below it the number of
responses, the number invited and the response rate. This module builds that table from
sums the database gives (`reporting.gathering_figures`); `build_table` is a pure function
from those counts to what the page, the CSV and the API show, so the small-group rule is
applied once, here, for all of them.

Rows are lined up by item key across the questionnaires used (`rows_of`): a copy or an
adapted version that keeps an item's id adds its answers to that row; an item with the same
id on another scale gets a row of its own, since a mean over two scales means nothing. Each
cell says which of four things holds (`CellState`): shown (mean, n and the 95 % t interval,
clipped to the scale's ends as on every results page: `analytics.stats.within`),
not asked (the item was in none of that gathering's questionnaires), no answers (asked, but
everyone skipped it or said «vet ikke») or suppressed.

Small-group rule: a gathering with fewer than `minimum` responses shows no count, no mean and no
response rate; a single mean built on fewer than `minimum` answers (say, most skipped it or
said «vet ikke») is suppressed as well. «Vet ikke» (value_text "dont_know", value_num NULL)
and a skipped item never count in a mean: they leave that item's n, not the response. There is
no total column, so nothing suppressed can be recovered by subtraction; for the same reason a
gathering's column leaves out each of its surveys with 1 to `minimum` − 1 responses (`pool`),
which that survey's own page shows as «fewer than 5».
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from analytics.small_groups import SmallGroups
from analytics.stats import mean_ci_from_counts, within
from questionnaires import schema as s

TEXT_TYPES = ("text", "long_text")
Counts = Mapping[float, int]  # value -> how many gave it


# --- The rows: items lined up by key ------------------------------------------------------

@dataclass(frozen=True)
class RowSpec:
    """One row: an item key on one scale, worded as in the first questionnaire that has it."""

    key: str
    item: str
    section: str
    section_title: s.Text | None
    text: s.Text
    scale: s.Scale


def _signature(scale: s.Scale) -> tuple[int, int, str]:
    return scale.min, scale.max, scale.good


def rows_of(definitions: Sequence[s.Definition]) -> list[RowSpec]:
    """The rows of the table, from `definitions` in the order given (the one used at the
    latest gathering first): each scale item once per key and scale, in the order of the
    first questionnaire that has it, grouped by section id."""
    rows: list[RowSpec] = []
    keys: set[str] = set()
    for definition in definitions:
        for section in definition.sections:
            for item in section.items:
                if not isinstance(item, s.ScaleItem):
                    continue
                scale = definition.scale_of(item)
                key = _key(item.id, scale, rows)
                if key not in keys:
                    keys.add(key)
                    rows.append(RowSpec(key, item.id, section.id, section.title, item.text,
                                        scale))
    order = list(dict.fromkeys(row.section for row in rows))
    return sorted(rows, key=lambda row: order.index(row.section))  # stable within a section


def _key(item_id: str, scale: s.Scale, rows: Sequence[RowSpec]) -> str:
    """The row key of an item: its id, or id~min-max-good when an earlier row already has
    the id on another scale."""
    first = next((row for row in rows if row.item == item_id), None)
    if first is None or _signature(first.scale) == _signature(scale):
        return item_id
    return "{}~{}-{}-{}".format(item_id, *_signature(scale))


def line_up(definitions: Sequence[s.Definition], rows: Sequence[RowSpec]) -> list[dict[str, str]]:
    """For each of `definitions`, its scale items' ids -> their row keys in `rows`."""
    found = []
    for definition in definitions:
        by_id = {}
        for item in definition.items():
            if isinstance(item, s.ScaleItem):
                key = _key(item.id, definition.scale_of(item), rows)
                if any(row.key == key for row in rows):
                    by_id[item.id] = key
        found.append(by_id)
    return found


def text_items(definitions: Sequence[s.Definition]) -> list[s.Item]:
    """The free-text items of the questionnaires, each id once (first wording wins)."""
    found: dict[str, s.Item] = {}
    for definition in definitions:
        for item in definition.items():
            if item.type in TEXT_TYPES:
                found.setdefault(item.id, item)
    return list(found.values())


# --- What the database gives, pooled ------------------------------------------------------

@dataclass(frozen=True)
class SurveyFigures:
    """The raw counts of one evaluation survey (before any pooling or suppression):
    `asked` the row keys its questionnaire has, `counts` row key -> value -> how many."""

    responses: int
    invited: int | None
    asked: frozenset[str] = frozenset()
    counts: Mapping[str, Counts] = field(default_factory=dict)


@dataclass(frozen=True)
class GatheringFigures:
    """The counts of one gathering over its evaluation surveys, pooled by `pool`.

    `invited` is None unless every pooled survey has its number invited: a sum over only some
    of them would make the response rate look better than it is. `asked` holds the rows any
    of its surveys asked; `counted` those asked by the surveys kept. `left_out` counts the
    surveys with 1 to `minimum` − 1 responses that the pool leaves out.
    """

    number: int
    responses: int
    invited: int | None
    counts: Mapping[str, Counts] = field(default_factory=dict)
    asked: frozenset[str] = frozenset()
    counted: frozenset[str] = frozenset()
    left_out: int = 0


def pool(number: int, parts: Sequence[SurveyFigures], rule: SmallGroups) -> GatheringFigures:
    """One gathering's surveys together, leaving out each survey with 1 to `minimum` − 1
    responses. Why: such a survey shows «fewer than 5» on its own page, and if the gathering's
    figures included it, subtracting the other surveys' figures would recover it exactly.
    A survey left out stays out of the number invited too, so the rate stays honest."""
    kept = [part for part in parts if not rule.too_few(part.responses)]
    counted = kept or list(parts)
    invited = (sum(p.invited or 0 for p in counted)
               if counted and all(p.invited is not None for p in counted) else None)
    counts: dict[str, dict[float, int]] = {}
    for part in kept:
        for key, values in part.counts.items():
            into = counts.setdefault(key, {})
            for value, count in values.items():
                into[value] = into.get(value, 0) + count
    return GatheringFigures(
        number, sum(p.responses for p in kept), invited, counts,
        frozenset().union(*(p.asked for p in parts)),
        frozenset().union(*(p.asked for p in kept)), len(parts) - len(kept))


# --- What the page, the CSV and the API show ----------------------------------------------

@dataclass(frozen=True)
class Column:
    """One gathering. `responses`, `rate` are None when the small-group rule holds them back."""

    number: int
    label: str
    suppressed: bool
    responses: int | None
    invited: int | None
    rate: float | None
    left_out: int = 0  # surveys with 1 to minimum − 1 responses not in the column


class CellState(enum.StrEnum):
    SHOWN = "shown"
    SUPPRESSED = "suppressed"  # «vises ikke»: built on 1 to minimum − 1 answers or responses
    NOT_ASKED = "not_asked"  # «ikke spurt»: in none of the gathering's questionnaires
    NO_ANSWERS = "no_answers"  # asked, but no one gave a number


@dataclass(frozen=True)
class Cell:
    """One item at one gathering: the mean with its n and 95 % t interval when shown."""

    state: CellState
    n: int | None = None
    mean: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Row:
    item: str
    text: str
    cells: tuple[Cell, ...]  # one per column
    scale: s.Scale

    @property
    def means(self) -> tuple[float | None, ...]:
        return tuple(cell.mean for cell in self.cells)


@dataclass(frozen=True)
class Block:
    """The scale items of one section, e.g. «about the gathering» or «before and between»."""

    section: str
    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class GatheringTable:
    columns: tuple[Column, ...]
    blocks: tuple[Block, ...]

    @property
    def empty(self) -> bool:
        return not self.columns

    @property
    def rows(self) -> list[Row]:
        return [row for block in self.blocks for row in block.rows]

    @property
    def scales(self) -> list[s.Scale]:
        """The distinct scales of the rows, the first row's first (for stating direction)."""
        found: dict[tuple[int, int, str], s.Scale] = {}
        for row in self.rows:
            found.setdefault(_signature(row.scale), row.scale)
        return list(found.values())

    @property
    def scale(self) -> s.Scale | None:
        return self.scales[0] if self.scales else None

    def has(self, state: CellState | str) -> bool:
        """Whether any cell is in `state` (so the page explains it in a footnote)."""
        return any(cell.state == state for row in self.rows for cell in row.cells)


def _column(figures: GatheringFigures, label: str, rule: SmallGroups) -> Column:
    if rule.hides(figures.responses):
        return Column(figures.number, label, True, None, figures.invited, None,
                      figures.left_out)
    rate = figures.responses / figures.invited if figures.invited else None
    return Column(figures.number, label, False, figures.responses, figures.invited, rate,
                  figures.left_out)


def _cell(figures: GatheringFigures, column: Column, spec: RowSpec, rule: SmallGroups) -> Cell:
    """One item at one gathering; its interval clipped to the item's scale (`within`)."""
    key = spec.key
    if key not in figures.asked:
        return Cell(CellState.NOT_ASKED)
    if column.suppressed or key not in figures.counted:
        return Cell(CellState.SUPPRESSED)
    counts = figures.counts.get(key, {})
    n = sum(counts.values())
    if n == 0:
        return Cell(CellState.NO_ANSWERS, n=0)
    ci = within(mean_ci_from_counts(counts), spec.scale.min, spec.scale.max)
    if ci is None or rule.hides(n):
        return Cell(CellState.SUPPRESSED)
    return Cell(CellState.SHOWN, n, ci.mean, ci.low, ci.high)


def build_table(rows: Sequence[RowSpec], lang: str, figures: Sequence[GatheringFigures],
                rule: SmallGroups, label: Callable[[int], str]) -> GatheringTable:
    """The table from the pooled counts, through the small-group rule: one block per
    section, one row per `rows` entry (its text in `lang`), one column per gathering."""
    columns = tuple(_column(f, label(f.number), rule) for f in figures)
    blocks: dict[str, tuple[str, list[Row]]] = {}
    for spec in rows:
        title = spec.section_title.get(lang) if spec.section_title else spec.section
        cells = tuple(_cell(f, c, spec, rule) for f, c in zip(figures, columns, strict=True))
        blocks.setdefault(spec.section, (title, []))[1].append(
            Row(spec.key, spec.text.get(lang), cells, spec.scale))
    return GatheringTable(columns, tuple(Block(section, title, tuple(found))
                                         for section, (title, found) in blocks.items()))
