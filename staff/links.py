"""Staff pages for single-use links just issued: the page that shows a set once, and the
CSV and slips made from it.

The post that issues a set (`staff.surveys`) redirects here with the set's seed in the
session (`surveys.handout.hand_over_links`); this page takes it out, so a reload, Back or
Forward shows that the links were shown, and never issues or withdraws a set: only the
survey page's form, sent on purpose, does. Why only once: a list fetched later could show
which links are still unused, and a lead who knows who got which link would know who has
answered.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from analytics import exports
from staff.blueprint import SIGNED_IN, StaffBlueprint, export_delimiter
from staff.lookups import single_use_survey
from surveys import handout
from web.errors import FriendlyError
from web.i18n import current_language

bp = StaffBlueprint("links", __name__)
NOT_KEPT = {"Cache-Control": "no-store"}


@bp.get("/surveys/<int:survey_id>/links/issued", allow=SIGNED_IN)
def issued_links(survey_id: int):
    """The links just issued, this once: the list, a CSV and the slips (never cached)."""
    survey = single_use_survey(survey_id)
    issued = handout.take_links(survey.id)
    if issued is None:
        return render_template("admin/surveys/issued_shown.html", survey=survey), 410, NOT_KEPT
    tokens = issued.tokens()
    html = render_template("admin/surveys/issued.html", survey=survey, issued=issued,
                           tokens=" ".join(tokens),
                           urls=[handout.link_url(token) for token in tokens])
    return html, 200, NOT_KEPT


def _posted_tokens() -> list[str]:
    """The tokens the issuing page posts back for its CSV or slips (400 when malformed).

    They are written out as posted and never looked up, so these routes cannot tell which
    links are still unused: no list of the survey's links can be had except at issuance."""
    tokens = handout.parse_tokens(request.form.get("tokens", ""))
    if tokens is None:
        raise FriendlyError(400, _("The list of links is not valid. Issue the links again."))
    return tokens


@bp.post("/surveys/<int:survey_id>/links.csv", allow=SIGNED_IN)
def survey_links_csv(survey_id: int):
    survey = single_use_survey(survey_id)
    rows = [(number, handout.link_url(token))
            for number, token in enumerate(_posted_tokens(), 1)]
    return exports.csv_response(f"survey-{survey.id}-links.csv", ["number", "link"], rows,
                                export_delimiter("csv"))


@bp.post("/surveys/<int:survey_id>/slips", allow=SIGNED_IN)
def survey_slips(survey_id: int):
    survey = single_use_survey(survey_id)
    tokens = _posted_tokens()
    lang = handout.print_language(request.form.get("lang"), current_language())
    if lang is None:
        abort(400)
    page = request.form.get("page", "1")
    page_number = int(page) if page.isascii() and page.isdigit() and len(page) < 6 else 1
    sheets, pages = handout.slips(tokens, page_number)
    with force_locale(lang):
        html = render_template("admin/surveys/slips.html", survey=survey, lang=lang,
                               definition=survey.questionnaire.definition, sheets=sheets,
                               page=min(page_number, pages), pages=pages,
                               tokens=" ".join(tokens))
    return html, 200, NOT_KEPT
