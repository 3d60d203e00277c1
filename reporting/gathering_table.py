"""The learning network's classic table of gathering evaluations.

After every samling the participants answer the built-in questionnaire «samling» (scale 1 =
«Meget bra» … 5 = «Meget dårlig», so lower is better). The network has always reported it as
one table: a row per item, a column per gathering, the mean in each cell, and below it the
number of responses, the number invited and the response rate. This module builds that table:
the counts come from the tallies kept as responses arrive (`surveys.tallies`), and
`build_table` is a pure function from those sums to what the page and the CSV show, so the
small-group rule is applied once, here, for both.

Small-group rule: a gathering with fewer than `minimum` responses shows no count, no mean and no
response rate; a single mean built on fewer than `minimum` answers (say, most said «vet ikke»)
is left empty as well. «Vet ikke» (value_text "dont_know", value_num NULL) never counts in a
mean. There is no total column, so nothing suppressed can be recovered by subtraction; for the
same reason a gathering's column leaves out each of its surveys with 1 to `minimum` − 1
responses (`pool`), which that survey's own page shows as «fewer than 5».
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics import numbers
from analytics.small_groups import SmallGroups
from questionnaires import schema as s
from questionnaires.models import QuestionnaireVersion
from questionnaires.queries import latest_version
from surveys.models import Answer, AnswerTally, Gathering, Response, Survey
from surveys.queries import released
from surveys.tallies import NUMBER, RESPONSES, SURVEY

SLUG = "samling"
DONT_KNOW = "dont_know"
TEXT_TYPES = ("text", "long_text")


# --- What the database gives -------------------------------------------------------------------

@dataclass(frozen=True)
class GatheringFigures:
    """The sums of one gathering over its evaluation surveys, pooled by `pool`.

    `invited` is None unless every pooled survey has its number invited: a sum over only some
    of them would make the response rate look better than it is. `left_out` counts the
    surveys with 1 to `minimum` − 1 responses that the pool leaves out.
    """

    number: int
    responses: int
    invited: int | None
    sums: dict[str, tuple[float, int]] = field(default_factory=dict)  # item -> (sum, n)
    left_out: int = 0


@dataclass(frozen=True)
class SurveyFigures:
    """The raw sums of one evaluation survey (before any pooling or suppression)."""

    responses: int
    invited: int | None
    sums: dict[str, tuple[float, int]] = field(default_factory=dict)


def pool(number: int, parts: Sequence[SurveyFigures], rule: SmallGroups) -> GatheringFigures:
    """One gathering's surveys together, leaving out each survey with 1 to `minimum` − 1
    responses. Why: such a survey shows «fewer than 5» on its own page, and if the gathering's
    figures included it, subtracting the other surveys' figures would recover it exactly.
    A survey left out stays out of the number invited too, so the rate stays honest."""
    kept = [part for part in parts if not rule.too_few(part.responses)]
    counted = kept or list(parts)
    invited = (sum(p.invited or 0 for p in counted)
               if counted and all(p.invited is not None for p in counted) else None)
    sums: dict[str, tuple[float, int]] = {}
    for part in kept:
        for item, (total, n) in part.sums.items():
            before, count = sums.get(item, (0.0, 0))
            sums[item] = (before + total, count + n)
    return GatheringFigures(number, sum(p.responses for p in kept), invited, sums,
                            len(parts) - len(kept))


def _network_surveys(network_id: int) -> sa.Select:
    """The evaluation surveys of a network's gatherings: (survey id, gathering number)."""
    return (sa.select(Survey.id.label("survey_id"), Gathering.number.label("number"))
            .join(Gathering, Survey.gathering_id == Gathering.id)
            .join(QuestionnaireVersion, Survey.questionnaire_version_id == QuestionnaireVersion.id)
            .where(Gathering.network_id == network_id, QuestionnaireVersion.slug == SLUG))


def evaluation_definition(db: Session, network_id: int) -> s.Definition | None:
    """The definition whose items make the rows: the newest «samling» version the network
    used, else the newest stored one (None if there is none at all)."""
    surveys = _network_surveys(network_id).subquery()
    version = db.scalars(
        sa.select(QuestionnaireVersion)
        .join(Survey, Survey.questionnaire_version_id == QuestionnaireVersion.id)
        .where(Survey.id.in_(sa.select(surveys.c.survey_id)))
        .order_by(QuestionnaireVersion.version.desc()).limit(1)).first()
    version = version or latest_version(db, SLUG)
    return version.definition if version is not None else None


def gathering_figures(db: Session, network_id: int, item_ids: Sequence[str],
                      rule: SmallGroups) -> list[GatheringFigures]:
    """Responses, invited and per-item sums for each gathering that has an evaluation survey,
    in gathering order, pooled through `rule` (`pool`); three small queries on the surveys
    and their tallies."""
    surveys = _network_surveys(network_id).subquery()
    number_of: sa.ColumnElement[int] = surveys.c.number  # typed, so rows are too
    survey_of: sa.ColumnElement[int] = surveys.c.survey_id
    listed = db.execute(sa.select(survey_of, number_of, Survey.invited)
                        .join(Survey, Survey.id == survey_of)
                        .order_by(number_of, survey_of)).all()
    responses: dict[int, int] = dict(db.execute(
        sa.select(AnswerTally.survey_id, AnswerTally.count)
        .where(AnswerTally.survey_id.in_(sa.select(surveys.c.survey_id)),
               AnswerTally.item == SURVEY, AnswerTally.kind == RESPONSES)).all())
    sums: dict[int, dict[str, tuple[float, int]]] = {}
    for survey_id, item, value, count in db.execute(
            sa.select(AnswerTally.survey_id, AnswerTally.item, AnswerTally.value,
                      AnswerTally.count)
            .where(AnswerTally.survey_id.in_(sa.select(surveys.c.survey_id)),
                   AnswerTally.item.in_(list(item_ids)), AnswerTally.kind == NUMBER)):
        total, n = sums.setdefault(survey_id, {}).get(item, (0.0, 0))
        sums[survey_id][item] = (total + float(value) * count, n + count)
    parts: dict[int, list[SurveyFigures]] = {}
    for listed_id, number, invited in listed:
        parts.setdefault(number, []).append(SurveyFigures(
            responses.get(listed_id, 0) or 0, invited, sums.get(listed_id, {})))
    return [pool(number, found, rule) for number, found in sorted(parts.items())]


def open_answers(db: Session, survey_ids: Sequence[int],
                 item_ids: Sequence[str]) -> dict[int, dict[str, list[str]]]:
    """Free-text answers of the given surveys' released responses: gathering number ->
    item -> texts.

    Sorted alphabetically, not by when they came, so the order tells nothing about who wrote
    what. The caller decides whose surveys may be read (`access.may_read_free_text`).
    """
    if not survey_ids or not item_ids:
        return {}
    rows = db.execute(
        sa.select(Gathering.number, Answer.item, Answer.value_text)
        .join(Response, Response.id == Answer.response_id)
        .join(Survey, Survey.id == Answer.survey_id)
        .join(Gathering, Survey.gathering_id == Gathering.id)
        .where(Answer.survey_id.in_(list(survey_ids)), Answer.item.in_(list(item_ids)),
               released(), Answer.value_text.is_not(None), Answer.value_text != "")
        .order_by(Gathering.number, Answer.item, Answer.value_text))
    found: dict[int, dict[str, list[str]]] = {}
    for number, item, text in rows:
        if text is not None:  # always so (see the query); said again for the type
            found.setdefault(number, {}).setdefault(item, []).append(text)
    return found


def network_surveys(db: Session, network_id: int) -> list[Survey]:
    """The network's evaluation surveys (to check, one by one, who may read their free text)."""
    ids = sa.select(_network_surveys(network_id).subquery().c.survey_id)
    return list(db.scalars(sa.select(Survey).where(Survey.id.in_(ids)).order_by(Survey.id)))


# --- What the page and the CSV show ------------------------------------------------------------

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


@dataclass(frozen=True)
class Row:
    item: str
    text: str
    means: tuple[float | None, ...]  # one per column; None: suppressed or no answers


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
    scale: s.Scale | None  # the scale of the rows, for stating its direction

    @property
    def empty(self) -> bool:
        return not self.columns


def scale_items(definition: s.Definition) -> list[s.ScaleItem]:
    return [item for item in definition.items() if isinstance(item, s.ScaleItem)]


def text_items(definition: s.Definition) -> list[s.Item]:
    return [item for item in definition.items() if item.type in TEXT_TYPES]


def _column(figures: GatheringFigures, label: str, rule: SmallGroups) -> Column:
    if rule.hides(figures.responses):
        return Column(figures.number, label, True, None, figures.invited, None,
                      figures.left_out)
    rate = figures.responses / figures.invited if figures.invited else None
    return Column(figures.number, label, False, figures.responses, figures.invited, rate,
                  figures.left_out)


def _mean(figures: GatheringFigures, column: Column, item: str, rule: SmallGroups) -> float | None:
    total, n = figures.sums.get(item, (0.0, 0))
    if column.suppressed or rule.hides(n):
        return None
    return total / n


def build_table(definition: s.Definition, lang: str, figures: Sequence[GatheringFigures],
                rule: SmallGroups, label: Callable[[int], str]) -> GatheringTable:
    """The table from the raw sums, through the small-group rule: one block per section with
    scale items, one row per item (its text in `lang`), one column per gathering."""
    columns = tuple(_column(f, label(f.number), rule) for f in figures)
    blocks = []
    for section in definition.sections:
        rows = tuple(
            Row(item.id, item.text.get(lang),
                tuple(_mean(f, c, item.id, rule)
                      for f, c in zip(figures, columns, strict=True)))
            for item in section.items if isinstance(item, s.ScaleItem))
        if rows:
            title = section.title.get(lang) if section.title else section.id
            blocks.append(Block(section.id, title, rows))
    items = scale_items(definition)
    scale = definition.scale_of(items[0]) if items else None
    return GatheringTable(columns, tuple(blocks), scale)


@dataclass(frozen=True)
class CsvLabels:
    """The words of the CSV in the reader's language."""

    section: str
    item: str
    responses: str
    invited: str
    rate: str
    suppressed: str


def csv_rows(table: GatheringTable, labels: CsvLabels) -> tuple[list[str], list[list]]:
    """Header and rows of the CSV: the same cells as the page, means rounded half up to two
    decimals (trailing zeros kept: 1,30) and the response rate in whole percent. Text is
    neutralised by `exports`."""
    header = [labels.section, labels.item, *(c.label for c in table.columns)]
    rows: list[list] = [
        [block.title, row.text, *(None if m is None else numbers.half_up(m, 2)
                                  for m in row.means)]
        for block in table.blocks for row in block.rows]
    rows.append(["", labels.responses,
                 *(labels.suppressed if c.suppressed else c.responses for c in table.columns)])
    rows.append(["", labels.invited, *(c.invited for c in table.columns)])
    rows.append(["", labels.rate,
                 *(None if c.rate is None else numbers.percent(c.rate) for c in table.columns)])
    return header, rows
