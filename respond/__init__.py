"""The anonymous answering flow, for the respondent: `/s/<token>` page by page, the
thank-you page, and the follow-up (the code page, its slip, answering again by code).

May import: `surveys` (operations and queries), `questionnaires`, `web`, `database`, `util`.
Nothing imports `respond` but the app factory: staff's paper entry takes its forms from
`surveys.pages`. `views` asks one `questionnaires.answering.Answering` about each post;
`rendering` draws a page once per version, layout, page and language and fills in each
visitor's part.
"""

from flask import Blueprint


def blueprint() -> Blueprint:
    """The respondent blueprint with every route on it: the answering flow's own and the
    follow-up's, which `respond.follow_up` adds to it."""
    from respond import follow_up, views

    assert follow_up.__name__  # imported for its routes
    return views.bp
