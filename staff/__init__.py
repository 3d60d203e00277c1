"""The staff side (`/admin`): one module per area, each with its own blueprint, and the
WTForms the areas use (`*forms.py`).

Areas (`AREAS`, the one list of them): `signin` (log in, passwords, overview), `oidc`
(logging in with a work account over OpenID Connect), `organisation`, `accounts`, `surveys`
(create, list, hand out, paper answers), `survey_changes` (change a survey, its next
period, archive, delete), `links` (single-use links just issued, shown once), `follow_up`,
`units`, `results`, `comparison`, `reports` (one-page reports of a survey and of a
comparison, for A4 and the board), `change`, `checklist`, `gatherings`, `network`,
`exports`, `fhir`, `questionnaires`, `tokens`, `notifications` (the weekly digest: asking
for it, and stopping it from its link), `memberships` (a network's members and their
periods, an organisation's networks), `org_accounts` (an organisation administrator's unit
leads), `builder` (a new questionnaire, its draft, publishing), `builder_items` (its
questions), `builder_parts` (title, sections, scales, categories), `builder_library` (the
item library and the preview). Each module makes `bp = StaffBlueprint("<area>",
__name__)` and puts its routes on it; `blueprint()` nests every area's blueprint in the
`admin` parent under `/admin` (endpoints `admin.<area>.<view>`, such as
`admin.surveys.survey`), which checks who may see each route and gives the staff templates
their helpers; that parent is what the app registers. Shared by the areas, and no area
imports another: `blueprint`, `downloads`, `lookups`, `choices`, `baseline_codes` and the
forms.

May import: `reporting` (every figure a page shows), `surveys`, `questionnaires`, `hl7fhir`,
`analytics` (charts), `web`, `database`, `util`, and of `respond` only `respond.rendering`
(the builder's preview draws a draft as respondents get it). Nothing imports `staff` but
the app factory.
"""

from types import ModuleType

from staff import (
    accounts,
    builder,
    builder_items,
    builder_library,
    builder_parts,
    change,
    checklist,
    comparison,
    exports,
    fhir,
    follow_up,
    gatherings,
    links,
    memberships,
    network,
    notifications,
    oidc,
    org_accounts,
    organisation,
    questionnaires,
    reports,
    results,
    signin,
    survey_changes,
    surveys,
    tokens,
    units,
)
from staff.blueprint import StaffBlueprint, admin_blueprint

AREAS: tuple[ModuleType, ...] = (
    signin, oidc, organisation, accounts, surveys, survey_changes, links, follow_up, units, results,
    comparison, reports, change, checklist, gatherings, network, exports, fhir, questionnaires,
    tokens, notifications, memberships, org_accounts, builder, builder_items, builder_parts,
    builder_library)


def blueprint() -> StaffBlueprint:
    """The `admin` blueprint with every area in `AREAS` nested in it, for one app."""
    return admin_blueprint(area.bp for area in AREAS)
