"""WTForms for changing a survey after it is made (`staff.survey_changes`): its details,
the survey of its next period, and the typed title that confirms deleting it. The fields a
survey is described by are the ones the creation form uses (`staff.survey_forms`)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

from questionnaires.item_types import clean_text
from staff.survey_forms import (
    closes_on_field,
    closing_after_opening,
    contact_field,
    invited_field,
    opens_on_field,
    period_field,
    phase_field,
    title_field,
    whole_number,
)
from surveys.operations import MAX_SINGLE_USE_LINKS


class EditSurveyForm(FlaskForm):
    """What may change in a survey after it is made: what it is called, its period and
    phase, its dates, the number invited and whom respondents may ask. Not its
    questionnaire, unit or links, which the responses already stored belong to."""

    title = title_field()
    period_label = period_field()
    phase = phase_field()
    opens_on = opens_on_field()
    closes_on = closes_on_field()
    invited = invited_field()
    contact = contact_field()

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        return closing_after_opening(self.opens_on, self.closes_on) & ok


class NextPeriodForm(EditSurveyForm):
    """«Ny periode»: what differs in a survey made from another for the next period, the
    details an edit may change and, for single-use links, how many. The rest
    (questionnaire, unit, layout, links, follow-up settings) is the earlier survey's."""

    link_count = whole_number(_l("Number of single-use links"),
                              _l("1 to %(max)d, one per person.", max=MAX_SINGLE_USE_LINKS),
                              minimum=1, maximum=MAX_SINGLE_USE_LINKS)

    def validate(self, extra_validators: Any = None, single_use: bool = False) -> bool:
        ok = super().validate(extra_validators)
        if single_use and not self.link_count.errors and self.link_count.data is None:
            self.link_count.errors.append(_l("Write how many single-use links you need."))
            ok = False
        return ok


class DeleteSurveyForm(FlaskForm):
    """Deleting a survey asks for its title, typed: a tick box is too easy to tick on the
    wrong survey's page."""

    title = StringField(_l("The survey's title"), filters=[clean_text],
                        validators=[DataRequired(message=_l("Fill this in."))])

    def __init__(self, expected: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.expected = expected

    def validate_title(self, field: StringField) -> None:
        if " ".join((field.data or "").split()) != " ".join(self.expected.split()):
            raise ValidationError(_l("Type the survey's title exactly as it is written "
                                     "above."))
