"""Analytics: statistics, statistical process control, paired PSFS analysis, charts and the
CSV/XLSX writer. Pure computation on numbers handed in: no database, no request.

May import: `questionnaires` (the schema and scale arithmetic). Never `surveys`, `reporting`
or a view.
"""
