"""WTForms for an organisation administrator's accounts: inviting a unit lead."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from staff.org_forms import CheckboxesField, name_field
from surveys.auth import normalise_email


def _clean_email(value: str | None) -> str | None:
    return normalise_email(value) if value else value


class UnitLeadForm(FlaskForm):
    """A new lead of some of the organisation's units."""

    name = name_field(_l("Name"))
    email = EmailField(_l("E-mail"), filters=[_clean_email], validators=[
        DataRequired(message=_l("Fill this in.")),
        Length(max=254, message=_l("Write at most %(max)d characters.")),
        Email(message=_l("Write a valid e-mail address."))])
    units = CheckboxesField(_l("Units"))

    def __init__(self, *args, unit_choices: Iterable[tuple[int, str]] = (),
                 email_taken: Callable[[str], bool] = lambda _email: False, **kwargs):
        super().__init__(*args, **kwargs)
        self.units.choices = [(str(i), label) for i, label in unit_choices]
        self._email_taken = email_taken

    def validate_email(self, field: StringField) -> None:
        if field.data and not field.errors and self._email_taken(field.data):
            raise ValidationError(_("An account with this e-mail address already exists."))

    def validate_units(self, field: CheckboxesField) -> None:
        if not field.data:
            raise ValidationError(_("Choose at least one unit for a unit lead."))

    def unit_ids(self) -> list[int]:
        return [int(v) for v in self.units.data or ()]
