"""The network at a glance as its page, its downloads and the API read it: the heat map of
units × categories, the teams' improvement areas, and which questionnaire is shown. What is
shown and why it may be shown is in `reporting.network_overview`."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

import database
from questionnaires import schema as s
from questionnaires.queries import latest_version
from reporting import aggregation
from reporting import network_overview as no
from reporting.rule import current_rule
from surveys.counts import response_counts


@dataclass(frozen=True)
class HeatMap:
    slug: str
    definition: s.Definition
    categories: list[s.Category]
    scale: s.Scale | None  # the scale for the legend when all categories share one
    groups: tuple[no.Group, ...]
    bands: list[tuple[int, float, float]]  # (band, low, high) in scale values


@dataclass(frozen=True)
class Improvement:
    items: list[s.SingleChoiceItem]
    groups: tuple[no.Group, ...]
    labels: dict[str, dict[str, str]]  # item id → option value → its text in the page's language


def heat_map(slug: str, definition: s.Definition, units: list[no.UnitRow]) -> HeatMap:
    """Units × categories of the newest survey of `slug` in each unit."""
    db = database.session()
    surveys = no.newest_surveys(db, [u.id for u in units], slug)
    ids = list(surveys.values())
    figures = aggregation.score_means(db, ids, no.category_items(definition))
    groups = no.heat_rows(definition, units, surveys, response_counts(db, ids),
                          figures, current_rule())
    scale = no.shared_scale(definition)
    bands = ([(k, low, high) for k, (low, high) in enumerate(no.band_limits(scale))]
             if scale is not None else [])
    return HeatMap(slug, definition, no.shown_categories(definition), scale, groups, bands)


def improvement(units: list[no.UnitRow], lang: str) -> Improvement | None:
    """The teams' improvement areas: each unit's newest status per area."""
    db = database.session()
    version = latest_version(db, no.IMPROVEMENT_SLUG)
    if version is None:
        return None
    items = no.improvement_items(version.definition)
    surveys = no.newest_surveys(db, [u.id for u in units], no.IMPROVEMENT_SLUG)
    ids = list(surveys.values())
    counts = no.status_counts(db, ids, [item.id for item in items])
    labels = {item.id: {option.value: option.text.get(lang) for option in item.options}
              for item in items}
    return Improvement(items, no.status_rows(items, units, surveys,
                                             response_counts(db, ids), counts),
                       labels)


def chosen_questionnaire(wanted: str, choices: dict[str, s.Definition]
                         ) -> tuple[str | None, str | None]:
    """The questionnaire asked for (`wanted`, "" for none), or the default; and an error
    message for a choice not in the list."""
    if wanted in choices:
        return wanted, None
    default = no.DEFAULT_SLUG if no.DEFAULT_SLUG in choices else next(iter(choices), None)
    if wanted == "":
        return default, None
    return default, _("Choose one of the questionnaires in the list.")
