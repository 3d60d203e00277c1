"""The network at a glance: units × categories, baseline and follow-up, improvement areas.

A network lead compares units across the network. This module reads what the overview page
needs from the tallies (`surveys.tallies`: only counts travel, never single answers) and builds
the page's three tables with pure functions, so the small-group rule is applied here, once.

1. Heat map. For each unit the *newest* survey of the chosen questionnaire that has at least
   one response (older surveys are not mixed in: they are other periods). A cell is the
   category score as on the results page: per response the mean of its numbers to the
   category's items («vet ikke» has no number), then the mean over responses. A cell built
   on fewer than `minimum` responses shows «fewer than 5» and no colour. A shown cell always
   prints its number; its colour is one of five bands of a sequential, colour-blind-safe
   blue scale (ColorBrewer «Blues») on the direction-aware 0–100 axis, darker = better, and
   its text colour is whichever of black and white contrasts more with it (≥ 4.5:1, WCAG
   1.4.3). The colours live in static/css/network.css as `.heat-0` … `.heat-4`; `BANDS`
   here must match them (tests/test_network_overview.py checks that, and the text colours).
   A category whose items use different scales has no common 0–100 axis: its cells get the
   number but no colour.
2. Baseline and follow-up: per unit, the responses to its surveys of the questionnaire
   marked `phase` "baseline" and "follow_up" (summed over surveys of the same phase, leaving
   out each survey with 1 to `minimum` − 1 responses, as `comparison.pool` does). «Yes»
   with the count when it is at least `minimum`, «Yes, fewer than 5» under it, «No» at 0.
   There is no total beside them, so no suppressed count can be recovered by subtraction.
3. Improvement areas (oppfølgingsskjema). Decision: these cells are NOT suppressed. The
   form is filled in by an improvement team about the team's own work (one response per
   team); a status such as «in daily operation» is not a person's answer about themselves
   or their care, and the network's documented practice is to show every team's status at
   once (the report's 41 teams in red/yellow/green). Suppressing units with fewer than 5
   teams would hide nearly every row and defeat the form's purpose. Per unit the page shows
   the newest oppfølging survey with responses and, per area, how many teams reported each
   status (the status text when there is one team). The free-text comment is never shown.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from analytics.small_groups import SmallGroups
from questionnaires import schema as s
from questionnaires.models import QuestionnaireVersion
from questionnaires.queries import all_versions
from questionnaires.scoring import to_0_100
from reporting.aggregation import item_counts_by_survey
from reporting.item_results import category_items, category_scale
from surveys.access import member_ids
from surveys.models import AnswerTally, Organisation, Survey, Unit
from surveys.tallies import RESPONSES, SURVEY

DEFAULT_SLUG = "brukerundersokelse"
IMPROVEMENT_SLUG = "oppfolging"
PHASES = ("baseline", "follow_up")
# ColorBrewer «Blues», 5 classes (colour-blind safe, sequential); index 4 is the best band.
BANDS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")


# --- Colours ------------------------------------------------------------------------------

def band(on_100: float) -> int:
    """The colour band 0–4 of a value on the 0–100 axis (100 = the scale's good end)."""
    return min(len(BANDS) - 1, max(0, int(on_100 // (100 / len(BANDS)))))


def band_limits(scale: s.Scale) -> list[tuple[float, float]]:
    """Each band's range in the scale's own values, lower value first (for the legend)."""
    width = (scale.best - scale.worst) / len(BANDS)
    edges = [(scale.worst + k * width, scale.worst + (k + 1) * width) for k in range(len(BANDS))]
    return [(min(a, b), max(a, b)) for a, b in edges]


# --- Reads ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitRow:
    id: int
    name: str
    organisation: str


def network_units(db: Session, network_id: int) -> list[UnitRow]:
    """The network's units that are not archived (nor their organisation), by organisation:
    those of every member, past and present (`surveys.access`)."""
    rows = db.execute(
        sa.select(Unit.id, Unit.name, Organisation.name).join(Organisation)
        .where(Organisation.id.in_(member_ids({network_id})), Unit.archived.is_(False),
               Organisation.archived.is_(False))
        .order_by(Organisation.name, Organisation.id, Unit.name, Unit.id))
    return [UnitRow(*row) for row in rows]


def category_questionnaires(db: Session, hidden: Collection[str] = ()
                            ) -> dict[str, s.Definition]:
    """slug → newest stored definition, for questionnaires that have categories, but those
    whose ids are `hidden` (those the reader may not see: `questionnaire_owners`)."""
    newest = {version.slug: version for version in all_versions(db) if version.slug not in hidden}
    return {slug: version.definition for slug, version in sorted(newest.items())
            if version.definition.categories}


def _answered() -> sa.ColumnElement[bool]:
    """The survey has at least one response (follow-ups not counted): its tally row."""
    return sa.exists().where(AnswerTally.survey_id == Survey.id, AnswerTally.item == SURVEY,
                             AnswerTally.kind == RESPONSES)


def newest_surveys(db: Session, unit_ids: Collection[int], slug: str) -> dict[int, int]:
    """unit id → id of its newest survey of questionnaire `slug` with at least one response."""
    if not unit_ids:
        return {}
    rows = db.execute(
        sa.select(Survey.unit_id, sa.func.max(Survey.id))
        .join(QuestionnaireVersion, Survey.questionnaire_version_id == QuestionnaireVersion.id)
        .where(Survey.unit_id.in_(list(unit_ids)), QuestionnaireVersion.slug == slug,
               _answered())
        .group_by(Survey.unit_id))
    return {unit_id: survey_id for unit_id, survey_id in rows
            if unit_id is not None}  # always so (see the query); said again for the type


def phase_counts(db: Session, unit_ids: Collection[int], slug: str
                 ) -> dict[tuple[int, str], tuple[int, ...]]:
    """(unit id, phase) → the responses of each of the unit's surveys of `slug` marked with
    that phase, one count per survey (`phase_cell` pools them)."""
    if not unit_ids:
        return {}
    rows = db.execute(
        sa.select(Survey.unit_id, Survey.phase, AnswerTally.count)
        .join(QuestionnaireVersion, Survey.questionnaire_version_id == QuestionnaireVersion.id)
        .join(AnswerTally, sa.and_(AnswerTally.survey_id == Survey.id,
                                   AnswerTally.item == SURVEY, AnswerTally.kind == RESPONSES))
        .where(Survey.unit_id.in_(list(unit_ids)), QuestionnaireVersion.slug == slug,
               Survey.phase.in_(PHASES))
        .order_by(Survey.id))
    found: dict[tuple[int, str], tuple[int, ...]] = {}
    for unit_id, phase, count in rows:
        if unit_id is None or phase is None:  # never so: the query asks for both
            continue
        found[(unit_id, phase)] = (*found.get((unit_id, phase), ()), int(count))
    return found


def status_counts(db: Session, survey_ids: Collection[int], items: Collection[str]
                  ) -> dict[tuple[int, str, str], int]:
    """(survey id, item, option value) → answers, for single-choice items."""
    return {(survey_id, item, value): count
            for survey_id, by_item in item_counts_by_survey(db, survey_ids, items).items()
            for item, counts in by_item.items() for value, count in counts.texts.items()}


# --- Tables ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """One heat-map cell. `state` is "shown", "suppressed" or "none" (no survey)."""

    state: str
    mean: float | None = None
    band: int | None = None  # None: no colour (not shown, or no common 0–100 axis)


@dataclass(frozen=True)
class HeatRow:
    unit: UnitRow
    responses: int | None  # None: no survey with responses
    suppressed: bool  # fewer than `minimum` responses: the count is not printed
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Group:
    """The rows of one organisation."""

    organisation: str
    rows: tuple


def grouped(rows: Sequence, name=lambda row: row.unit.organisation) -> tuple[Group, ...]:
    groups: list[Group] = []
    for row in rows:
        if groups and groups[-1].organisation == name(row):
            groups[-1] = Group(groups[-1].organisation, (*groups[-1].rows, row))
        else:
            groups.append(Group(name(row), (row,)))
    return tuple(groups)


def _cell(figure: tuple[float, int] | None, scale: s.Scale | None, has_survey: bool,
          rule: SmallGroups) -> Cell:
    if not has_survey:
        return Cell("none")
    if figure is None or rule.hides(figure[1]):
        return Cell("suppressed")
    mean = figure[0]
    return Cell("shown", mean, band(to_0_100(mean, scale)) if scale is not None else None)


def heat_rows(definition: s.Definition, units: Sequence[UnitRow], surveys: Mapping[int, int],
              responses: Mapping[int, int],
              figures: Mapping[tuple[int, str], tuple[float, int]],
              rule: SmallGroups) -> tuple[Group, ...]:
    """Rows of the heat map, one per unit, a cell per category, grouped by organisation."""
    members = category_items(definition)
    categories = [c for c in definition.categories if members[c.id]]
    scales = {c.id: category_scale(definition, members[c.id]) for c in categories}
    rows = []
    for unit in units:
        survey = surveys.get(unit.id)
        count = responses.get(survey, 0) if survey is not None else None
        cells = tuple(_cell(figures.get((survey, c.id)) if survey is not None else None,
                            scales[c.id], survey is not None, rule) for c in categories)
        rows.append(HeatRow(unit, count, count is not None and rule.hides(count), cells))
    return grouped(rows)


def shown_categories(definition: s.Definition) -> list[s.Category]:
    """The categories that have scale items, in the definition's order (the columns)."""
    members = category_items(definition)
    return [c for c in definition.categories if members[c.id]]


def shared_scale(definition: s.Definition) -> s.Scale | None:
    """The one scale of all categorised scale items (for the legend), else None."""
    names = {definition.scale_item(item_id).scale
             for ids in category_items(definition).values() for item_id in ids}
    return definition.scales[names.pop()] if len(names) == 1 else None


@dataclass(frozen=True)
class PhaseCell:
    """Responses of one phase: `responses` None when there are some but fewer than minimum."""

    present: bool
    responses: int | None


@dataclass(frozen=True)
class PhaseRow:
    unit: UnitRow
    cells: tuple[PhaseCell, ...]  # one per PHASES


def phase_cell(counts: Sequence[int], rule: SmallGroups) -> PhaseCell:
    """The responses of a unit's surveys of one phase together, leaving out each survey with
    1 to `minimum` − 1 responses: that survey's own page says «fewer than 5», and a sum that
    included it would give it back by subtraction. Only such surveys: «Yes, fewer than 5»."""
    kept = sum(n for n in counts if not rule.too_few(n))
    return PhaseCell(any(counts), kept if kept and rule.shows(kept) else None)


def phase_rows(units: Sequence[UnitRow], counts: Mapping[tuple[int, str], tuple[int, ...]],
               rule: SmallGroups) -> tuple[Group, ...]:
    return grouped([PhaseRow(unit, tuple(phase_cell(counts.get((unit.id, phase), ()), rule)
                                         for phase in PHASES)) for unit in units])


def improvement_items(definition: s.Definition) -> list[s.SingleChoiceItem]:
    """The key areas: the single-choice items of the oppfølgingsskjema."""
    return [item for item in definition.items() if isinstance(item, s.SingleChoiceItem)]


@dataclass(frozen=True)
class StatusRow:
    """One unit's teams: per area, (option value, teams) for each status reported."""

    unit: UnitRow
    teams: int
    areas: tuple[tuple[tuple[str, int], ...], ...]


def status_rows(items: Sequence[s.SingleChoiceItem], units: Sequence[UnitRow],
                surveys: Mapping[int, int], teams: Mapping[int, int],
                counts: Mapping[tuple[int, str, str], int]) -> tuple[Group, ...]:
    """Rows of the improvement-area matrix, for units with an answered oppfølging survey;
    statuses in the options' order, those no team reported left out."""
    rows = []
    for unit in units:
        survey = surveys.get(unit.id)
        if survey is None:
            continue
        areas = tuple(
            tuple((option.value, counts[(survey, item.id, option.value)])
                  for option in item.options if counts.get((survey, item.id, option.value)))
            for item in items)
        rows.append(StatusRow(unit, teams.get(survey, 0), areas))
    return grouped(rows)
