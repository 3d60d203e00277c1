"""Finding a survey in the list: search the titles, filter by unit, questionnaire, phase,
status and year, and the archived surveys apart (issue 17).

The filters come in the address (`GET /admin/surveys?unit=3&status=open`), so a filtered
list can be bookmarked and sent on. Every value is checked against the options shown, which
come from the surveys the account may see; anything else is refused with the reason (400).
The list is filtered in Python: it holds one account's surveys, a few hundred at most.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Optional

from questionnaires.item_types import AllowedValues, clean_text
from staff.forms import short_text
from surveys.labels import version_title
from surveys.models import Survey, SurveyStatus

NO_PHASE = "none"
ARCHIVED = "1"


def survey_year(survey: Survey) -> int | None:
    """The year a survey belongs to: of its opening date, else of its closing date."""
    day = survey.opens_on or survey.closes_on
    return day.year if day is not None else None


class SurveyFilterForm(FlaskForm):
    """The list's filters, read from the address; every field may be left empty (all)."""

    class Meta:
        csrf = False  # a GET that changes nothing

    q = StringField(_l("Search in the titles"), filters=[clean_text],
                    validators=[Optional(), short_text(100)])
    unit = SelectField(_l("Unit"), default="", validate_choice=False)
    questionnaire = SelectField(_l("Questionnaire"), default="", validate_choice=False)
    phase = SelectField(_l("Baseline or follow-up"), default="", validate_choice=False)
    status = SelectField(_l("Status"), default="", validate_choice=False)
    year = SelectField(_l("Year"), default="", validate_choice=False)
    archived = StringField(validators=[Optional(), AllowedValues({ARCHIVED})])

    def set_choices(self, surveys: Sequence[Survey], lang: str) -> None:
        """The options, from the surveys the account may see; each list led by «all»."""
        units = {s.unit_id: f"{s.unit.name} ({s.unit.organisation.name})"
                 for s in surveys if s.unit is not None}
        titles = {s.questionnaire.slug: version_title(s.questionnaire, lang) for s in surveys}
        years = sorted({y for s in surveys if (y := survey_year(s)) is not None}, reverse=True)
        self.unit.choices = _all(sorted(((str(i), name) for i, name in units.items()),
                                        key=lambda c: c[1]))
        self.questionnaire.choices = _all(sorted(titles.items(), key=lambda c: c[1]))
        self.phase.choices = _all([("baseline", _l("Baseline")), ("follow_up", _l("Follow-up")),
                                   (NO_PHASE, _l("Neither"))])
        self.status.choices = _all([(SurveyStatus.DRAFT.value, _l("Not open yet")),
                                    (SurveyStatus.OPEN.value, _l("Open")),
                                    (SurveyStatus.CLOSED.value, _l("Closed"))])
        self.year.choices = _all([(str(y), str(y)) for y in years])
        for field in (self.unit, self.questionnaire, self.phase, self.status, self.year):
            field.validators = [AllowedValues({c.value for c in field.choices})]

    def chosen(self) -> SurveyFilter:
        """The filters as chosen (after `validate`)."""
        return SurveyFilter(text=(self.q.data or "").casefold(), unit=self.unit.data or "",
                            questionnaire=self.questionnaire.data or "",
                            phase=self.phase.data or "", status=self.status.data or "",
                            year=self.year.data or "", archived=self.archived.data == ARCHIVED)


def _all(choices: Sequence[tuple[str, Any]]) -> list[SelectChoice]:
    return [SelectChoice("", _l("All")), *(SelectChoice(v, label) for v, label in choices)]


@dataclass(frozen=True)
class SurveyFilter:
    """What the list keeps: every field empty keeps all (of the archived or the others)."""

    text: str = ""
    unit: str = ""
    questionnaire: str = ""
    phase: str = ""
    status: str = ""
    year: str = ""
    archived: bool = False

    @property
    def narrowed(self) -> bool:
        """Whether any filter but the archived/current choice is set."""
        return any((self.text, self.unit, self.questionnaire, self.phase, self.status,
                    self.year))

    def keeps(self, survey: Survey, day: dt.date) -> bool:
        """Whether the list shows `survey`, its status taken on `day`."""
        return (survey.archived == self.archived
                and (not self.text or self.text in survey.title.casefold())
                and (not self.unit or str(survey.unit_id) == self.unit)
                and (not self.questionnaire or survey.questionnaire.slug == self.questionnaire)
                and (not self.phase or (survey.phase or NO_PHASE) == self.phase)
                and (not self.status or survey.status(day).value == self.status)
                and (not self.year or str(survey_year(survey)) == self.year))
