"""The staff side (`/admin`): one module per area, each with its routes on the staff
blueprint, and the WTForms the areas use (`*forms.py`).

Areas (`AREAS`): `signin` (log in, passwords, overview), `organisation`, `accounts`,
`surveys` (create, hand out, paper answers), `links` (single-use links just issued, shown
once), `follow_up`, `units`, `results`, `comparison`, `change`, `checklist`, `gatherings`,
`network`, `exports`, `fhir`, `questionnaires`, `tokens`. Each adds its routes to the one
blueprint of `staff.blueprint`, which checks who may see each route;
`blueprint_with_every_area` is what the app registers. Shared by the areas, and no area
imports another: `blueprint`, `downloads`, `lookups`, `choices`, `baseline_codes` and the
forms.

May import: `reporting` (every figure a page shows), `surveys`, `questionnaires`, `hl7fhir`,
`analytics` (charts), `web`, `database`, `util`. Nothing imports `staff` but the app factory.
"""

import importlib

from flask import Blueprint

AREAS = ("signin", "organisation", "accounts", "surveys", "links", "follow_up", "units",
         "results", "comparison", "change", "checklist", "gatherings", "network", "exports",
         "fhir", "questionnaires", "tokens")


def blueprint_with_every_area() -> Blueprint:
    """The staff blueprint after every area in `AREAS` has added its routes to it."""
    from staff.blueprint import bp

    for area in AREAS:
        importlib.import_module(f"staff.{area}")
    return bp
