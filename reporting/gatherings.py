"""A network's gathering evaluations as its page, its downloads and the API read them: the
classic table (`reporting.gathering_table`, which applies the small-group rule) in the
reader's language, the surveys of its gatherings that the table does not read (so the page
can name them), and the table's CSV/XLSX rows."""

from __future__ import annotations

from dataclasses import dataclass

import database
from analytics import numbers
from questionnaires import schema as s
from reporting.gathering_figures import (
    Listed,
    evaluation_definitions,
    evaluation_surveys,
    gathering_figures,
    other_surveys,
)
from reporting.gathering_table import Cell, CellState, GatheringTable, build_table, rows_of
from reporting.rule import current_rule
from surveys.labels import gathering_label
from surveys.models import Network


@dataclass(frozen=True)
class Evaluations:
    """The table, the questionnaires behind it, and the gathering surveys it leaves out."""

    table: GatheringTable
    definitions: list[s.Definition]
    surveys: list[Listed]
    others: list[Listed]


def evaluations_of(network: Network, lang: str) -> Evaluations:
    """Everything the evaluations page shows of one network, in `lang`."""
    db = database.session()
    listed = evaluation_surveys(db, network.id)
    definitions = evaluation_definitions(listed)
    rows = rows_of(definitions)
    rule = current_rule()
    table = build_table(rows, lang, gathering_figures(db, listed, rows, rule), rule,
                        gathering_label)
    return Evaluations(table, definitions, listed, other_surveys(db, network.id))


def table_of(network: Network, lang: str) -> GatheringTable:
    """The network's table in `lang` (empty when no gathering has an evaluation survey)."""
    return evaluations_of(network, lang).table


# --- The download --------------------------------------------------------------------------

@dataclass(frozen=True)
class CsvLabels:
    """The words of the CSV in the reader's language."""

    section: str
    item: str
    figure: str
    mean: str
    n: str
    low: str
    high: str
    responses: str
    invited: str
    rate: str
    suppressed: str  # a gathering with too few responses: «fewer than 5»
    hidden: str  # a suppressed cell: «vises ikke»
    not_asked: str  # «ikke spurt»


def _figures(cell: Cell, labels: CsvLabels) -> tuple[object, object, object, object]:
    """Mean, n, lower and upper limit of one cell as the CSV writes them."""
    if cell.state is CellState.NOT_ASKED:
        return (labels.not_asked,) * 4
    if cell.state is CellState.SUPPRESSED:
        return (labels.hidden,) * 4
    mean, low, high = (None if v is None else numbers.half_up(v, 2)
                       for v in (cell.mean, cell.low, cell.high))
    return mean, cell.n, low, high


def csv_rows(table: GatheringTable, labels: CsvLabels) -> tuple[list[str], list[list]]:
    """Header and rows of the CSV: per item its mean, n and 95 % interval in each gathering
    (four rows), then responses, invited and rate; the same cells as the page, means and
    limits rounded half up to two decimals (trailing zeros kept: 1,30), the rate in whole
    percent (`analytics.numbers`). Text is neutralised by `exports`."""
    header = [labels.section, labels.item, labels.figure, *(c.label for c in table.columns)]
    rows: list[list] = []
    names = (labels.mean, labels.n, labels.low, labels.high)
    for block in table.blocks:
        for row in block.rows:
            figures = [_figures(cell, labels) for cell in row.cells]
            rows.extend([block.title, row.text, name, *(f[index] for f in figures)]
                        for index, name in enumerate(names))
    rows.append(["", labels.responses, "",
                 *(labels.suppressed if c.suppressed else c.responses for c in table.columns)])
    rows.append(["", labels.invited, "", *(c.invited for c in table.columns)])
    rows.append(["", labels.rate, "",
                 *(None if c.rate is None else numbers.percent(c.rate) for c in table.columns)])
    return header, rows
