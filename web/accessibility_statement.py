"""What this code knows about its own accessibility, for the statement at `/tilgjengelighet`:
the known deviations from WCAG 2.1 level AA, other known problems, and the dates this text
was made and last reviewed.

The one place to update. When a fix lands, remove its entry (each names the issue it came
from) in the same change, and set `REVIEWED_ON` to that day; when a problem is found, add
one. The operator's part of the statement (status, contact, the link to uustatus.no, their
own dates) is read from settings at start-up (`web/accessibility_settings.py`), which warns
when the operator says «fully» while this module still lists deviations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

# The day this text was written, and the day it was last checked against the code. The
# operator may give their own (SURVEY_ACCESSIBILITY_MADE_ON, SURVEY_ACCESSIBILITY_REVIEWED_ON).
MADE_ON = dt.date(2026, 12, 4)
REVIEWED_ON = dt.date(2026, 12, 4)


@dataclass(frozen=True)
class Criterion:
    """A WCAG 2.1 success criterion: its number and its name (translated on the page)."""

    number: str
    name: LazyString


@dataclass(frozen=True)
class KnownProblem:
    """What does not work, in plain words, where it applies, and the WCAG 2.1 criteria it
    breaks (none for a problem that breaks no criterion but still gets in the way)."""

    what: LazyString
    where: LazyString
    criteria: tuple[Criterion, ...] = ()


MEANINGFUL_SEQUENCE = Criterion("1.3.2", _l("Meaningful Sequence"))
USE_OF_COLOR = Criterion("1.4.1", _l("Use of Color"))
REFLOW = Criterion("1.4.10", _l("Reflow"))
NON_TEXT_CONTRAST = Criterion("1.4.11", _l("Non-text Contrast"))
ERROR_IDENTIFICATION = Criterion("3.3.1", _l("Error Identification"))

# Known deviations, each against the criteria it breaks. All from issue 18; other workers
# are fixing them: REMOVE AN ENTRY IN THE SAME CHANGE THAT FIXES IT.
DEVIATIONS: tuple[KnownProblem, ...] = (
    # Issue 18: switching language after a failed send loses the error messages.
    KnownProblem(
        _l("If you change the language after the form has told you about a mistake, the "
           "messages about the mistake disappear, and you are not told again until you send "
           "the form once more."),
        _l("The pages for answering, after sending a form with a mistake in it."),
        (ERROR_IDENTIFICATION,)),
)

# Known problems that break no WCAG 2.1 criterion. REMOVE AN ENTRY WHEN ITS FIX LANDS.
OTHER_PROBLEMS: tuple[KnownProblem, ...] = (
    # Issue 18: a PSFS score cannot be cleared once chosen (a radio group has no «none»).
    KnownProblem(
        _l("Once you have chosen a score for an activity, you can change it but not remove it."),
        _l("The scores in «Hva er viktig for deg?»."),
    ),
    # Issue 18: Back after sending asks to «Confirm form resubmission».
    KnownProblem(
        _l("If you use the browser's Back button after sending a page, the browser may ask "
           "you to send the form again."),
        _l("The pages for answering."),
    ),
)
