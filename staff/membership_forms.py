"""WTForms for a network's members: taking an organisation in, and a membership's period."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import Optional, ValidationError

from staff.org_forms import ChoiceField, LenientDateField, check_date_range

_DATE_HINT = _l("Year-month-day. Leave empty if not known.")


def _in_range(form: FlaskForm, field: LenientDateField) -> None:
    if field.data is not None:
        check_date_range(field.data)


class MemberForm(FlaskForm):
    """An existing organisation taken into a network. `current` holds the organisations
    that are members now, which cannot be taken in twice."""

    organisation = ChoiceField(_l("Organisation"))
    joined_on = LenientDateField(_l("Member from"), validators=[Optional(), _in_range],
                                 description=_DATE_HINT)

    def __init__(self, *args, choices: list[tuple[int, str]], current: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self._current = current
        self.organisation.choices = [("", _("Choose"))] + [
            (str(i), name) for i, name in choices]

    def validate_organisation(self, field: ChoiceField) -> None:
        if field.errors:
            return
        if not field.data:
            raise ValidationError(_("Choose one of the options."))
        if int(field.data) in self._current:
            raise ValidationError(_("This organisation is already a member of the network."))


class MembershipForm(FlaskForm):
    """A membership's period, and whether the organisation withdrew."""

    joined_on = LenientDateField(_l("Member from"), validators=[Optional(), _in_range],
                                 description=_DATE_HINT)
    left_on = LenientDateField(_l("Member until"), validators=[Optional(), _in_range],
                               description=_DATE_HINT)
    withdrawn = BooleanField(_l("The organisation withdrew from the network"))

    def validate_left_on(self, field: LenientDateField) -> None:
        joined = self.joined_on.data
        if field.data is not None and joined is not None and field.data < joined:
            raise ValidationError(_("The last day cannot be before the first."))
