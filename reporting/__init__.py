"""The read layer of every figure staff see: results per item and category, comparisons,
the gathering table, the network overview, the checklist's series, what a one-page report
holds, and the rows of their exports. Pages, downloads and the API all call these, so a
figure is the same everywhere and the small-group rule is applied in one place.

May import: `analytics` (statistics, charts, CSV/XLSX), `surveys` (models and queries),
`questionnaires`, `database`, `util`. Never a view or a blueprint.
"""
