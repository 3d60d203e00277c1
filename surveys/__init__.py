"""Surveys: the domain and its rules. Networks, organisations, units, surveys, links and
codes, responses and their tallies, staff accounts and their scopes, and the operations
(writes) and queries (reads) on them; the CLI commands and the demo data.

May import: `questionnaires`, `analytics`, `database`, `util`. Never a view or a blueprint.
"""
