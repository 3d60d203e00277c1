"""WTForms for the organisation pages and accounts.

Every rule a person can break is checked here, with a message at the field, so a view only
asks `validate_on_submit()`. Checks that need the database (a name already taken, a gathering
number already used) get what they compare against from the view, never the session itself.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from staff.survey_forms import whole_number
from surveys.auth import normalise_email
from surveys.labels import ERFARINGSSAMLING, gathering_label
from surveys.models import OrganisationKind

MAX_NAME = 200
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)

KIND_LABELS = {OrganisationKind.MUNICIPALITY: _l("Municipality (kommune)"),
               OrganisationKind.HOSPITAL: _l("Hospital trust (helseforetak)")}
ROLE_LABELS = {"admin": _l("Administrator: manages everything"),
               "network_lead": _l("Network lead: the networks chosen below"),
               "org_admin": _l("Organisation administrator: the organisations chosen below"),
               "unit_lead": _l("Unit lead: the units chosen below")}

_SPACES = re.compile(r"\s+")


def clean_text(value: str | None) -> str | None:
    """One line of plain text: control characters dropped (PostgreSQL refuses NUL), runs of
    white space made one space, the ends trimmed."""
    if value is None:
        return None
    kept = "".join(" " if c.isspace() else c for c in value
                   if c.isspace() or unicodedata.category(c)[0] != "C")
    return _SPACES.sub(" ", kept).strip()


def name_field(label: str, description: str | None = None) -> StringField:
    return StringField(label, description=description, filters=[clean_text], validators=[
        DataRequired(message=_l("Fill this in.")),
        Length(max=MAX_NAME, message=_l("Write at most %(max)d characters."))])


def _known_values(field: SelectField) -> set[str]:
    return {str(value) for value, *_rest in field.iter_choices()}


class ChoiceField(SelectField):
    """A select whose values stay strings and whose unknown-value message is ours.
    (Choices are set after construction: WTForms 3.3 warns about tuples given to it.)"""

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data not in _known_values(self):
            raise ValidationError(_("Choose one of the options."))


class ChoiceRadioField(RadioField):
    """Radio buttons with the same rules and message as `ChoiceField`."""

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data not in _known_values(self):
            raise ValidationError(_("Choose one of the options."))


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes (fieldset and legend in the template); values stay strings."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: FlaskForm) -> None:
        known = _known_values(self)
        if any(value not in known for value in self.data or ()):
            raise ValidationError(_("Choose among the options shown."))


class LenientDateField(DateField):
    """A date in ISO form (what <input type=date> sends), with our message when it is not."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            self.data = None
            raise ValueError(_("Write the date as year-month-day, for example 2026-03-31.")) \
                from exc


class NameForm(FlaskForm):
    """Create or rename a network or a unit. `taken` says whether a name is already used."""

    name = name_field(_l("Name"))

    def __init__(self, *args, taken: Callable[[str], bool] = lambda _name: False, **kwargs):
        super().__init__(*args, **kwargs)
        self._taken = taken

    def validate_name(self, field: StringField) -> None:
        if field.data and self._taken(field.data):
            raise ValidationError(_("This name is already used. Choose another."))


class OrganisationForm(NameForm):
    kind = ChoiceRadioField(_l("Kind"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, str(label)) for k, label in KIND_LABELS.items()]


class GatheringForm(FlaskForm):
    """A samling. `dates` maps the network's other gatherings' numbers to their dates, so
    the dates can be checked to follow the numbers (Samling 2 is not before Samling 1)."""

    number = ChoiceField(_l("Which gathering"))
    held_on = LenientDateField(_l("Date"), validators=[Optional()],
                               description=_l("Year-month-day. Leave empty if not decided."))
    place = StringField(_l("Place"), filters=[clean_text], validators=[
        Optional(), Length(max=MAX_NAME, message=_l("Write at most %(max)d characters."))])

    def __init__(self, *args, others: dict[int, dt.date | None] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._others = others or {}
        self.number.choices = [("", _("Choose"))] + [
            (str(n), gathering_label(n)) for n in range(1, ERFARINGSSAMLING + 1)]

    def validate_number(self, field: ChoiceField) -> None:
        if field.errors:  # not one of the choices; already said
            return
        if not field.data:
            raise ValidationError(_("Choose one of the options."))
        if int(field.data) in self._others:
            raise ValidationError(_("This network already has %(gathering)s.",
                                    gathering=gathering_label(int(field.data))))

    def validate_held_on(self, field: LenientDateField) -> None:
        if field.data is None:
            return
        check_date_range(field.data)
        if self.number.errors or not self.number.data:
            return
        problem = date_out_of_order(int(self.number.data), field.data, self._others)
        if problem is not None:
            raise ValidationError(problem)


def check_date_range(day: dt.date) -> None:
    """A gathering's date within the years the app takes (else ValidationError)."""
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(_("Write a date between %(first)s and %(last)s.",
                                first=EARLIEST_DATE.isoformat(), last=LATEST_DATE.isoformat()))


def date_out_of_order(number: int, day: dt.date,
                      others: Mapping[int, dt.date | None]) -> str | None:
    """Why gathering `number` cannot be on `day` given the `others` (number → date): the
    dates must follow the numbers (Samling 2 is not before Samling 1); None when they do."""
    for other, held_on in sorted(others.items()):
        if held_on is None:
            continue
        if (other < number and held_on > day) or (other > number and held_on < day):
            return _("%(gathering)s is on %(date)s; the gatherings' dates must follow their "
                     "numbers.", gathering=gathering_label(other), date=held_on.isoformat())
    return None


class DeleteForm(FlaskForm):
    """Confirm a deletion. When something is stored underneath, the box must be ticked and
    the numbers shown (`seen`) must still be true, so nothing more is lost than was shown."""

    confirm = BooleanField(_l("Yes, delete it and everything listed above"))
    seen = HiddenField()

    def __init__(self, *args, current: str = "", has_data: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._current = current
        self._has_data = has_data

    def validate_confirm(self, field: BooleanField) -> None:
        if not self._has_data:
            return
        if self.seen.data != self._current:
            raise ValidationError(_("The numbers changed since the page was shown. Check "
                                    "them again."))
        if not field.data:
            raise ValidationError(_("Tick the box to confirm that this may be deleted."))


def _clean_email(value: str | None) -> str | None:
    return normalise_email(value) if value else value


class NewAccountForm(FlaskForm):
    """A new staff account: who, and which role over which networks or units. The address
    is stored as `auth.normalise_email` makes it, so logging in finds it whatever the case."""

    name = name_field(_l("Name"))
    email = EmailField(_l("E-mail"), filters=[_clean_email], validators=[
        DataRequired(message=_l("Fill this in.")),
        Length(max=254, message=_l("Write at most %(max)d characters.")),
        Email(message=_l("Write a valid e-mail address."))])
    role = ChoiceRadioField(_l("Role"))
    networks = CheckboxesField(_l("Networks (for a network lead)"))
    organisations = CheckboxesField(_l("Organisations (for an organisation administrator)"))
    units = CheckboxesField(_l("Units (for a unit lead)"))

    def __init__(self, *args, network_choices: Iterable[tuple[int, str]] = (),
                 unit_choices: Iterable[tuple[int, str]] = (),
                 organisation_choices: Iterable[tuple[int, str]] = (),
                 email_taken: Callable[[str], bool] = lambda _email: False, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(key, str(label)) for key, label in ROLE_LABELS.items()]
        self.networks.choices = [(str(i), label) for i, label in network_choices]
        self.units.choices = [(str(i), label) for i, label in unit_choices]
        self.organisations.choices = [(str(i), label) for i, label in organisation_choices]
        self._email_taken = email_taken

    def validate_email(self, field: StringField) -> None:
        # Only a valid address is looked up (PostgreSQL refuses some text, such as NUL).
        if field.data and not field.errors and self._email_taken(field.data):
            raise ValidationError(_("An account with this e-mail address already exists."))

    def validate_networks(self, field: CheckboxesField) -> None:
        if self.role.data == "network_lead" and not field.data:
            raise ValidationError(_("Choose at least one network for a network lead."))

    def validate_organisations(self, field: CheckboxesField) -> None:
        if self.role.data == "org_admin" and not field.data:
            raise ValidationError(_("Choose at least one organisation for an organisation "
                                    "administrator."))

    def validate_units(self, field: CheckboxesField) -> None:
        if self.role.data == "unit_lead" and not field.data:
            raise ValidationError(_("Choose at least one unit for a unit lead."))

    def scope(self) -> tuple[list[int], list[int], list[int]]:
        """The network, unit and organisation ids that go with the chosen role (the others
        are ignored)."""
        def chosen(field: CheckboxesField, role: str) -> list[int]:
            return [int(v) for v in field.data or ()] if self.role.data == role else []

        return (chosen(self.networks, "network_lead"), chosen(self.units, "unit_lead"),
                chosen(self.organisations, "org_admin"))


# --- The network's year in one go -------------------------------------------------------------

MAX_INVITED = 100_000


class GatheringRowForm(Form):
    """One gathering of the set-up page: its date, place, the number invited to its
    evaluation, and whether to make the evaluation now (the row's number is its place)."""

    held_on = LenientDateField(_l("Date"), validators=[Optional()])
    place = StringField(_l("Place"), filters=[clean_text], validators=[
        Optional(), Length(max=MAX_NAME, message=_l("Write at most %(max)d characters."))])
    invited = whole_number(_l("Number invited"), maximum=MAX_INVITED)
    evaluate = BooleanField(_l("Make its evaluation survey"), default=True)

    def validate_held_on(self, field: LenientDateField) -> None:
        if field.data is not None:
            check_date_range(field.data)


class NetworkSetupForm(FlaskForm):
    """Gatherings 1–4 and the erfaringssamling in one form, with the questionnaire their
    evaluations use; `versions` are the gathering evaluation questionnaires to choose from."""

    questionnaire = SelectField(_l("Evaluation questionnaire"), validate_choice=False)
    gatherings = FieldList(FormField(GatheringRowForm), min_entries=ERFARINGSSAMLING,
                           max_entries=ERFARINGSSAMLING)

    def __init__(self, *args, versions: Iterable[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire.choices = [(str(i), label) for i, label in versions]

    def validate_questionnaire(self, field: SelectField) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_("Choose one of the options shown."))

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the rules across rows: dates follow the numbers, and at least
        one row asks for something."""
        ok = super().validate(extra_validators)
        rows = list(self.gatherings)
        dated = {n: row.form.held_on for n, row in enumerate(rows, 1)
                 if row.form.held_on.data is not None and not row.form.held_on.errors}
        for number, field in dated.items():  # each against the ones before it
            problem = date_out_of_order(number, field.data, {
                other: earlier.data for other, earlier in dated.items() if other < number})
            if problem is not None:
                field.errors.append(problem)
                ok = False
        if not any(row.form.held_on.data or row.form.evaluate.data for row in rows):
            rows[0].form.held_on.errors.append(
                _("Fill in a date or tick an evaluation for at least one gathering."))
            ok = False
        if not ok:
            self._count_row_errors()
        return ok

    def _count_row_errors(self) -> None:
        """WTForms keeps each row's errors as they were when the row was validated, so
        the errors added above across rows are counted again (the page and its summary
        read `errors`)."""
        for row in self.gatherings:
            row.form._errors = None
        self.gatherings.errors = [row.errors for row in self.gatherings]
        self._errors = None
