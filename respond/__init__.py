"""The anonymous answering flow, for the respondent: `/s/<token>` page by page, the
thank-you page, and the follow-up (the code page, its slip, answering again by code).

May import: `surveys` (operations and queries), `questionnaires`, `web`, `database`, `util`.
Nothing imports `respond` but the app factory (and `staff` for paper entry, until that form
moves to `surveys`).
"""

from flask import Blueprint


def blueprint() -> Blueprint:
    """The respondent blueprint with every route on it: the answering flow's own and the
    follow-up's, which `respond.follow_up` adds to it."""
    from respond import follow_up, views

    assert follow_up.__name__  # imported for its routes
    return views.bp
