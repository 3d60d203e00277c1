"""What the reader chose in a page's GET form, read from the query string: the survey to
compare with (`?with=`), the organisation's questionnaire and two periods, the network's
questionnaire. Shared by each page and its downloads, so both read a choice the same way."""

from __future__ import annotations

from flask import abort, request

from questionnaires import schema as s
from reporting.comparison_queries import PeriodChoice, period_choice
from reporting.network import chosen_questionnaire
from staff.lookups import visible_survey
from surveys.models import Survey


def other_survey() -> Survey | None:
    """The survey named by `?with=` (comparisons); None when none was chosen; 404 when it
    is not a number or out of the account's scope. `isdecimal`, not `isdigit`: «²» is a
    digit that `int` refuses (a 500)."""
    value = request.args.get("with", "").strip()
    if not value:
        return None
    if not value.isdecimal():
        abort(404)
    return visible_survey(int(value))


def chosen_periods(labels: dict[str, list[str]]) -> PeriodChoice:
    """The questionnaire and two periods the organisation form asked for (`?questionnaire=
    &first=&second=`), checked against the periods that exist."""
    slug, first, second = (request.args.get(name, "").strip()
                           for name in ("questionnaire", "first", "second"))
    return period_choice(labels, slug, first, second)


def network_questionnaire(choices: dict[str, s.Definition]) -> tuple[str | None, str | None]:
    """The network overview's questionnaire (`?questionnaire=`), or the default; and an
    error message for a choice not in the list."""
    return chosen_questionnaire(request.args.get("questionnaire", ""), choices)
