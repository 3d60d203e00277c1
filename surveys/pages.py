"""The forms a survey shows: its questionnaire split into pages for the survey's layout,
and the follow-up form of one code. Online answering and staff's paper entry both take
their forms from here, so neither imports the other's views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

import database
from questionnaires import answering
from questionnaires import follow_up as qfollow
from questionnaires import forms as qforms
from questionnaires import schema as s
from questionnaires.answering import Answering, Page
from questionnaires.follow_up import Translate
from surveys.follow_up_queries import FollowUpCode, baseline_activities
from surveys.link_lookups import LinkedSurvey
from surveys.models import Layout, Response, Survey
from util import app_cache

__all__ = ["USED_CODE", "Answering", "Page", "answering_for", "follow_up_form", "pages_of",
           "posted_form"]

USED_CODE = _l("This code has already been used for a follow-up. Each code works once.")
MAX_CACHED = 256  # versions × layouts kept per app; a few dozen are in use at a time


def pages_of(definition: s.Definition, layout: Layout) -> list[Page]:
    """One page with everything, or one page per section."""
    if layout == Layout.PAGE_PER_SECTION:
        return [Page((section,)) for section in definition.sections]
    return [Page(tuple(definition.sections))]


def answering_for(survey: Survey | LinkedSurvey) -> Answering:
    """The survey's questionnaire version, answered in its layout: built once per version
    and layout in this app, since a stored version never changes (its definition is
    validated and its form class built once instead of at every request).

    Kept per app (`util.app_cache`) and shared read-only afterwards: an `Answering` holds
    no visitor's data."""
    layout = Layout(survey.layout)

    def build() -> Answering:
        definition = survey.questionnaire.definition
        found = Answering(definition, [p.sections for p in pages_of(definition, layout)])
        found.form_class(formdata=None, meta={"csrf": False})  # fills WTForms' caches
        return found

    return app_cache.kept("answering", (survey.questionnaire_version_id, layout), build, MAX_CACHED)


def posted_form(definition: s.Definition, ignore: Collection[str] = ()) -> FlaskForm:
    """The posted form of `definition` for staff's entry pages (see
    `questionnaires.answering.posted_form`), in the language of the request."""
    lang = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    return answering.posted_form(qforms.build_form_class(definition), definition, lang,
                                 ignore)


def follow_up_form(survey: Survey, row: FollowUpCode, intro: Callable[[dt.date], Translate],
                   hint: Callable[[str, float], str]) -> tuple[s.Definition, type]:
    """The follow-up form of one code (online and on staff's paper entry): the baseline's
    activities, with `intro(baseline date)` above them and, when the survey shows it, the
    baseline score under each as `hint(lang, score)`. Built for each code, never cached:
    it holds the user's own activities."""
    db = database.session()
    definition = survey.questionnaire.definition
    rows = baseline_activities(db, definition, row.baseline_id)
    baseline = db.get(Response, row.baseline_id)
    if baseline is None:  # the code's foreign key keeps its baseline while the code exists
        raise LookupError(f"no baseline {row.baseline_id} for a follow-up code")
    form_definition = qfollow.follow_up_definition(
        definition, rows, intro(baseline.submitted_on),
        hint if survey.show_baseline_score else None)
    return form_definition, qforms.build_form_class(form_definition)
