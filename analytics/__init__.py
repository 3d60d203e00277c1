"""Analytics: statistics, statistical process control, paired PSFS analysis, charts, the
CSV/XLSX writer and `numbers` (the one rounding rule and how a number is written). Pure
computation on numbers handed in: no database, no request.

May import: `questionnaires` (the schema and scale arithmetic). Never `surveys`, `reporting`
or a view.
"""
