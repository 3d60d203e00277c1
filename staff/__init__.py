"""The staff side (`/admin`): one module per area, each with its routes on the staff
blueprint, and the WTForms the areas use (`*forms.py`).

Areas: `signin` (log in, passwords, overview), `organisation`, `surveys` (create, hand out,
paper answers), `follow_up`, `results`, `comparison`, `change`, `checklist`, `gatherings`,
`network`, `exports`, `fhir`, `questionnaires`, `tokens`.

May import: `reporting` (every figure a page shows), `surveys`, `questionnaires`, `hl7fhir`,
`analytics` (charts), `web`, `database`, `util`. Nothing imports `staff` but the app factory.
"""
