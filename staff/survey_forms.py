"""WTForms for the staff survey pages: create a survey, its follow-up settings, more links,
delete responses, and the language and follow-up code of a paper form. Messages are lazy so
they follow the user's language.

The choices (questionnaire versions, units, gatherings) are set per request from what the
account may see, and a posted id outside them is refused at the field: that is the scope
check for creating a survey.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from questionnaires.item_types import AllowedValues, clean_text
from staff.forms import short_text
from surveys import follow_up_codes
from surveys.models import Layout, LinkMode
from surveys.operations import MAX_SINGLE_USE_LINKS
from util.languages import KNOWN, STAFF

MAX_INVITED = 1_000_000
PHASE_NONE = "none"
PHASES = ("baseline", "follow_up")
# The staff languages by their own names (an account's digest is written in one of them).
LANGUAGE_NAMES = tuple((code, KNOWN[code].name) for code in STAFF)
MIN_FOLLOW_UP_WEEKS, MAX_FOLLOW_UP_WEEKS, DEFAULT_FOLLOW_UP_WEEKS = 1, 26, 4
MAX_EARLIEST_DAYS, DEFAULT_EARLIEST_DAYS = 182, 14


def choice_id(value: Any) -> int | None:
    """An id from a <select>: None when nothing is chosen, -1 (never an id) for junk."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else -1


class ChosenFromChoices:
    """A chosen id must be one of the options shown (the ones the account may see)."""

    def __call__(self, _form: Any, field: SelectField) -> None:
        if field.data is not None and field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Choose one of the options shown."))


def whole_number(label: Any, description: Any = "", minimum: int = 0,
                 maximum: int = MAX_INVITED) -> IntegerField:
    return IntegerField(label, description=description,
                        invalid_value_message=_l("Write a whole number."),
                        validators=[Optional(), NumberRange(
                            min=minimum, max=maximum,
                            message=_l("Write a whole number from %(min)s to %(max)s."))])


class Filled:
    """A number field posted empty is refused; a field not posted at all keeps its default
    only when `missing_ok` (a client that predates the field). A number that could not be
    read already has its error, so the chain stops there."""

    def __init__(self, missing_ok: bool = False) -> None:
        self.missing_ok = missing_ok

    def __call__(self, _form: Any, field: IntegerField) -> None:
        blank = bool(field.raw_data) and not str(field.raw_data[0]).strip()
        if blank or (not field.raw_data and not self.missing_ok):
            field.errors[:] = []  # not "Write a whole number." for an empty field
            raise StopValidation(_l("Fill this in."))
        if field.process_errors:
            raise StopValidation()


def follow_up_weeks_field(missing_ok: bool = False) -> IntegerField:
    return IntegerField(
        _l("Weeks to the follow-up"), default=DEFAULT_FOLLOW_UP_WEEKS,
        description=_l("For questionnaires with a follow-up, such as «Hva er viktig for "
                       "deg?»: weeks from the first answer to the suggested follow-up date."),
        invalid_value_message=_l("Write a whole number."),
        validators=[Filled(missing_ok), NumberRange(
            min=MIN_FOLLOW_UP_WEEKS, max=MAX_FOLLOW_UP_WEEKS,
            message=_l("Write a whole number from %(min)s to %(max)s."))])


def earliest_days_field() -> IntegerField:
    return IntegerField(
        _l("Earliest follow-up, in days after the first answer"),
        default=DEFAULT_EARLIEST_DAYS,
        description=_l("A follow-up sooner than this does not show the change yet: it is "
                       "refused online, and on paper saved only when you confirm it, marked "
                       "as early and left out of the change. Usually 14 days."),
        invalid_value_message=_l("Write a whole number."),
        validators=[Filled(missing_ok=True), NumberRange(
            min=0, max=MAX_EARLIEST_DAYS,
            message=_l("Write a whole number from %(min)s to %(max)s."))])


def earliest_before_due(weeks: IntegerField, earliest: IntegerField) -> bool:
    """The earliest follow-up day may not come after the suggested date, or the slip would
    suggest a day the follow-up is refused on."""
    if weeks.errors or earliest.errors or weeks.data is None or earliest.data is None:
        return True
    if earliest.data <= 7 * weeks.data:
        return True
    earliest.errors.append(_l("The earliest day must not come after the suggested follow-up "
                              "date, %(days)s days after the first answer.",
                              days=7 * weeks.data))
    return False


def show_baseline_score_field() -> BooleanField:
    return BooleanField(
        _l("Show the first score on the follow-up form"), default=False,
        description=_l("Usually left off: the user should score how things are now, without "
                       "being steered by the first score."))


def _strip(value: Any) -> Any:
    return clean_text(value)


def _options(empty: Any, choices: Iterable[tuple[int, str]]) -> list[SelectChoice]:
    return [SelectChoice("", empty), *(SelectChoice(value, label) for value, label in choices)]


# The details a survey is described by, shared by the form that creates it and the one that
# edits it (functions, so that each form's fields keep the order they are declared in).

def title_field() -> StringField:
    return StringField(_l("Title"), filters=[_strip],
                       validators=[DataRequired(message=_l("Fill this in.")), short_text(200)],
                       description=_l("For example «Brukerundersøkelse hjemmesykepleien, "
                                      "nullpunktsmåling 2026»."))


def period_field() -> StringField:
    return StringField(_l("Period"), filters=[_strip],
                       description=_l("Optional, for example «Spring 2026»."),
                       validators=[Optional(), short_text(100)])


def phase_field() -> RadioField:
    return RadioField(
        _l("Baseline or follow-up"), default=PHASE_NONE, validate_choice=False,
        choices=[SelectChoice(PHASE_NONE, _l("Neither")), SelectChoice("baseline", _l("Baseline")),
                 SelectChoice("follow_up", _l("Follow-up"))],
        validators=[AllowedValues({PHASE_NONE, *PHASES})])


def opens_on_field() -> DateField:
    return DateField(_l("Opens on"), validators=[Optional()],
                     invalid_value_message=_l("Write a date such as 2026-03-01."),
                     description=_l("Optional. Before this date the link does not open."))


def closes_on_field() -> DateField:
    return DateField(_l("Closes on"), validators=[Optional()],
                     invalid_value_message=_l("Write a date such as 2026-03-31."),
                     description=_l("Optional. After this date the link is closed."))


def invited_field() -> IntegerField:
    return whole_number(_l("Number invited"), _l("Optional. Used to show the response rate."))


class PlainText:
    """No markup: the text is shown to respondents as it is written, so «<» and «>» are
    refused rather than shown as tags the writer meant."""

    def __call__(self, _form: Any, field: StringField) -> None:
        if field.data and ("<" in field.data or ">" in field.data):
            raise ValidationError(_l("Write plain text only, without HTML code."))


def _one_line(value: Any) -> Any:
    """Control characters dropped and every run of spaces and line breaks made one space."""
    cleaned = clean_text(value)
    return " ".join(cleaned.split()) if isinstance(cleaned, str) else cleaned


def contact_field() -> StringField:
    return StringField(
        _l("Whom respondents may ask"), filters=[_one_line],
        description=_l("Optional. Shown on every page respondents see, so they know the "
                       "survey is real and whom to ask, for example «Spør sykepleier på "
                       "avdelingen, tlf. 12 34 56 78»."),
        validators=[Optional(), short_text(200), PlainText()])


def closing_after_opening(opens_on: DateField, closes_on: DateField) -> bool:
    """A closing date before the opening date is refused at the closing date."""
    opens, closes = opens_on.data, closes_on.data
    if opens and closes and closes < opens:
        closes_on.errors.append(_l("The closing date must be on or after the opening date."))
        return False
    return True


class SurveyForm(FlaskForm):
    questionnaire_version = SelectField(
        _l("Questionnaire"), coerce=choice_id, validate_choice=False,
        validators=[InputRequired(message=_l("Choose a questionnaire.")), ChosenFromChoices()])
    unit = SelectField(_l("Unit"), coerce=choice_id, validate_choice=False,
                       description=_l("Choose a unit or a gathering, not both."),
                       validators=[ChosenFromChoices()])
    gathering = SelectField(_l("Gathering"), coerce=choice_id, validate_choice=False,
                            validators=[ChosenFromChoices()])
    title = title_field()
    period_label = period_field()
    phase = phase_field()
    opens_on = opens_on_field()
    closes_on = closes_on_field()
    invited = invited_field()
    contact = contact_field()
    layout = RadioField(
        _l("Layout"), default=Layout.ONE_PAGE.value, validate_choice=False,
        choices=[SelectChoice(Layout.ONE_PAGE.value, _l("All questions on one page")),
                 SelectChoice(Layout.PAGE_PER_SECTION.value, _l("One page per section"))],
        validators=[AllowedValues({m.value for m in Layout})])
    link_mode = RadioField(
        _l("Links"), default=LinkMode.OPEN.value, validate_choice=False,
        choices=[SelectChoice(LinkMode.OPEN.value, _l("One open link for everybody (for a "
                                                      "poster or a screen)")),
                 SelectChoice(LinkMode.SINGLE_USE.value, _l("Single-use links, one per person"))],
        validators=[AllowedValues({m.value for m in LinkMode})])
    link_count = whole_number(_l("Number of single-use links"),
                              _l("Only for single-use links: 1 to %(max)d.",
                                 max=MAX_SINGLE_USE_LINKS),
                              minimum=1, maximum=MAX_SINGLE_USE_LINKS)
    follow_up_weeks = follow_up_weeks_field(missing_ok=True)
    follow_up_earliest_days = earliest_days_field()
    show_baseline_score = show_baseline_score_field()

    def set_choices(self, versions: Iterable[tuple[int, str]], units: Iterable[tuple[int, str]],
                    gatherings: Iterable[tuple[int, str]]) -> None:
        """The options the account may choose from, each list led by an empty choice."""
        self.questionnaire_version.choices = _options(_l("Choose a questionnaire"), versions)
        self.unit.choices = _options(_l("No unit"), units)
        self.gathering.choices = _options(_l("No gathering"), gatherings)

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks first, then the rules between fields."""
        ok = super().validate(extra_validators)
        return (self._check_target() & closing_after_opening(self.opens_on, self.closes_on)
                & self._check_links()
                & earliest_before_due(self.follow_up_weeks, self.follow_up_earliest_days) & ok)

    def _check_target(self) -> bool:
        if self.unit.errors or self.gathering.errors:
            return False
        chosen = [f for f in (self.unit, self.gathering) if f.data is not None]
        if len(chosen) == 1:
            return True
        self.unit.errors.append(_l("Choose a unit or a gathering, not both.") if chosen
                                else _l("Choose a unit or a gathering."))
        return False

    def _check_links(self) -> bool:
        if self.link_mode.data != LinkMode.SINGLE_USE.value or self.link_count.errors:
            return True
        if self.link_count.data is None:
            self.link_count.errors.append(_l("Write how many single-use links you need."))
            return False
        return True


class MoreLinksForm(FlaskForm):
    count = IntegerField(
        _l("Number of new single-use links"), invalid_value_message=_l("Write a whole number."),
        validators=[InputRequired(message=_l("Fill this in.")),
                    NumberRange(min=1, max=MAX_SINGLE_USE_LINKS,
                                message=_l("Write a whole number from %(min)s to %(max)s."))])
    replace = BooleanField(
        _l("A fresh set: the links not used yet stop working"),
        description=_l("Tick this if a list of links was lost or the old ones should no "
                       "longer be handed out. Without it, the earlier links keep working."))


class ConfirmDeleteForm(FlaskForm):
    confirm = BooleanField(_l("Yes, delete these responses for good"),
                           validators=[InputRequired(message=_l("Tick the box to confirm."))])


class EarlyFollowUpForm(FlaskForm):
    """The confirmation that a paper follow-up before the survey's earliest day is to be
    saved, marked as early; posted beside the follow-up form (a hyphen in the name, which
    no item id can have)."""

    class Meta:
        csrf = False  # posted with the follow-up form, which carries the token

    confirmed = BooleanField(
        _l("The paper form was answered before the earliest day: save it anyway, marked "
           "as early"), name="early-confirmed")


class PaperLanguageForm(FlaskForm):
    """The language of one paper form, posted beside the questionnaire's own fields.

    Its field name has a hyphen, which no item id can have, so it never clashes with an item.
    """

    class Meta:
        csrf = False  # the questionnaire form it is posted with carries the token

    language = RadioField(_l("Language of this paper form"), name="paper-language",
                          default="nb", validate_choice=False)

    def __init__(self, *args, **kwargs) -> None:
        """The languages the installation offers respondents (the `LANGUAGES` setting)."""
        super().__init__(*args, **kwargs)
        offered = current_app.config["LANGUAGES"]
        self.language.choices = [SelectChoice(code, KNOWN[code].name) for code in offered]
        self.language.validators = [AllowedValues(set(offered))]


class FollowUpSettingsForm(FlaskForm):
    """A survey's follow-up settings, changed after it was created."""

    follow_up_weeks = follow_up_weeks_field()
    follow_up_earliest_days = earliest_days_field()
    show_baseline_score = show_baseline_score_field()
    follow_up_target = whole_number(
        _l("Target: share of users followed up, in percent"),
        _l("Optional: the unit's goal, shown beside the share reached."), maximum=100)

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        return earliest_before_due(self.follow_up_weeks, self.follow_up_earliest_days) & ok


class ChangeForm(FlaskForm):
    """The day a unit introduced a change to its pathway, for its checklist's run chart."""

    change_on = DateField(_l("Date the change was introduced"),
                          validators=[InputRequired(message=_l("Fill this in."))],
                          invalid_value_message=_l("Write a date such as 2026-03-01."),
                          description=_l("Pathways that started on this day or later are "
                                         "shown after the change."))
    change_note = StringField(_l("What was changed"), filters=[_strip],
                              description=_l("Optional, for example «Checklist used at the "
                                             "morning meeting»."),
                              validators=[Optional(), short_text(200)])


class CodeFormat:
    """What is typed must be able to be a follow-up code (case, spaces and hyphens forgiven)."""

    def __call__(self, _form: Any, field: StringField) -> None:
        if follow_up_codes.normalise(field.data or "") is None:
            raise ValidationError(_l("Write the 8 letters and digits of the code, for example "
                                     "K7QM-3XTD."))


class PaperCodeForm(FlaskForm):
    """The follow-up code written on a paper follow-up form or in the journal.

    Its field name has a hyphen, which no item id can have, so in the second step it rides
    along beside the follow-up form's own fields without clashing with them.
    """

    class Meta:
        csrf = False  # posted with the language or the follow-up form; CSRFProtect checks it

    code = StringField(
        _l("Follow-up code"), name="follow-up-code", filters=[_strip],
        description=_l("As written on the paper form or in the journal, for example "
                       "K7QM-3XTD. Small letters, spaces and hyphens are fine."),
        validators=[DataRequired(message=_l("Fill this in.")), CodeFormat()])

    def normalised(self) -> str:
        """The code without separators, in capitals (only after `validate`)."""
        return follow_up_codes.normalise(self.code.data or "") or ""
