"""The API's objects: surveys, units and networks as a program needs to find them.

Only what the staff pages show about an object, and its ids so a program can ask for its
figures. A survey's number of responses follows the results page: below the small-group
limit it is null with `"suppressed": true`, as a count of 1–4 would tell too much together
with what a unit knows about who answered. Each is built as its model in `api.models`, so
it holds exactly what the OpenAPI document describes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from analytics.small_groups import SmallGroups
from api import models as m
from questionnaires.models import QuestionnaireVersion
from surveys.labels import gathering_label, version_title
from surveys.models import Gathering, Network, Organisation, Survey, Unit


def named(obj: Network | Organisation | Unit) -> m.Named:
    return m.Named(id=obj.id, name=obj.name)


def gathering(found: Gathering) -> m.Gathering:
    return m.Gathering(id=found.id, number=found.number, label=gathering_label(found.number),
                       held_on=found.held_on)


def questionnaire(version: QuestionnaireVersion, lang: str) -> m.Questionnaire:
    return m.Questionnaire(slug=version.slug, version=version.version,
                           title=version_title(version, lang))


def networks_of(organisation: Organisation) -> list[Network]:
    """The networks the organisation is or was a member of, by name."""
    return sorted(organisation.networks, key=lambda n: (n.name.casefold(), n.id))


def network_of(survey: Survey) -> Network | None:
    """A gathering's network; a unit's organisation's network if it has exactly one."""
    target = survey.target()
    if isinstance(target, Unit):
        found = networks_of(target.organisation)
        return found[0] if len(found) == 1 else None
    return target.network


def survey(found: Survey, responses: int, rule: SmallGroups, today: dt.date,
           lang: str) -> m.Survey:
    """What the list of surveys shows, with the responses through the small-group rule."""
    suppressed = rule.hides(responses)
    return m.Survey(
        id=found.id, title=found.title,
        questionnaire=questionnaire(found.questionnaire, lang),
        unit=named(found.unit) if found.unit is not None else None,
        organisation=named(found.unit.organisation) if found.unit is not None else None,
        gathering=gathering(found.gathering) if found.gathering is not None else None,
        network=_named_or_none(network_of(found)),
        period_label=found.period_label or None, phase=found.phase,
        opens_on=found.opens_on, closes_on=found.closes_on,
        status=found.status(today).value, invited=found.invited,
        suppressed=suppressed, responses=None if suppressed else responses,
    )


def surveys(found: list[Survey], totals: Mapping[int, int], rule: SmallGroups, today: dt.date,
            lang: str) -> list[m.Survey]:
    return [survey(s, totals.get(s.id, 0), rule, today, lang) for s in found]


def unit(found: Unit) -> m.Unit:
    return m.Unit(id=found.id, name=found.name, archived=found.archived,
                  organisation=named(found.organisation),
                  network=_named_or_none(network_of_unit(found)),
                  networks=[named(n) for n in networks_of(found.organisation)])


def network_of_unit(found: Unit) -> Network | None:
    networks = networks_of(found.organisation)
    return networks[0] if len(networks) == 1 else None


def _named_or_none(found: Network | None) -> m.Named | None:
    return named(found) if found is not None else None


def network(found: Network) -> m.Network:
    return m.Network(id=found.id, name=found.name, archived=found.archived,
                     gatherings=[gathering(g) for g in found.gatherings])
