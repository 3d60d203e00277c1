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


# Known deviations, each against the criteria it breaks (`Criterion("1.4.10",
# _l("Reflow"))`). Those issue 18 found (reflow at 320 px, scales that wrapped, the chosen
# step unseen in forced colours, errors lost on a language switch) are fixed and tested;
# none is known today. Add one when it is found; remove it in the change that fixes it.
DEVIATIONS: tuple[KnownProblem, ...] = ()

# Known problems that break no WCAG 2.1 criterion. REMOVE AN ENTRY WHEN ITS FIX LANDS.
OTHER_PROBLEMS: tuple[KnownProblem, ...] = (
    # Issue 18: the new respondent languages are machine-made and not yet checked.
    KnownProblem(
        _l("The pages and questionnaires in Northern Sami, Polish, Ukrainian and Arabic "
           "have not yet been checked by people who have these languages as their mother "
           "tongue, so some words may be unclear."),
        _l("The pages for answering, in those languages."),
    ),
)
