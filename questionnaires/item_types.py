"""The item types: one class each, with one contract.

An item type knows
- which form field it needs and how to validate its format (`field`),
- which answer rows a valid value becomes (`values`),
- whether a posted value counts as answered (`is_answered`).
Adding a type means adding one class here and one macro in `templates/respond/_items.html`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional, StopValidation, ValidationError

from questionnaires import schema as s
from util.dates import today

DONT_KNOW = "dont_know"
CHECKLIST_NUMBERS = {"done": 1.0, "not_done": 0.0, "not_relevant": None}


@dataclass(frozen=True)
class AnswerValue:
    """One value to store: `item` is the item id, or 'group.child' inside a group."""

    item: str
    position: int
    value_num: float | None
    value_text: str | None


def clean_text(value: Any) -> Any:
    """Drop control characters (PostgreSQL refuses NUL) and surrounding spaces."""
    if not isinstance(value, str):
        return value
    kept = "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32)
    return kept.replace("\r\n", "\n").strip()


class AllowedValues:
    """The posted value(s) must be among the options shown."""

    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed

    def __call__(self, _form: Any, field: Field) -> None:
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(v not in self.allowed for v in values):
            raise ValidationError(_l("Choose one of the options shown."))


class NothingChosen:
    """Skip a choice's checks when nothing was chosen. WTForms' `Optional` also skips for a
    blank " ", and looks at the first posted value only, so a blank first value would
    let any value after it through (and " " would be stored as a choice)."""

    field_flags = {"optional": True}

    def __call__(self, _form: Any, field: Field) -> None:
        if not any(field.raw_data or ()):
            field.errors.clear()
            raise StopValidation()


class MaxChars:
    def __init__(self, maximum: int) -> None:
        self.maximum = maximum

    def __call__(self, _form: Any, field: Field) -> None:
        if field.data and len(field.data) > self.maximum:
            raise ValidationError(
                _l("Write at most %(max)d characters (you wrote %(count)d).",
                   max=self.maximum, count=len(field.data))
            )


_IDENTITY_NUMBER = re.compile(r"(?<!\d)\d{6}[ .-]?\d{5}(?!\d)")


class NoIdentityNumber:
    """Refuse what looks like a Norwegian national identity number (11 digits, 6 + 5).

    Answers and pathway labels must never identify a patient; a name cannot be detected,
    but a fødselsnummer can, so it is stopped before it is stored.
    """

    def __call__(self, _form: Any, field: Field) -> None:
        if field.data and _IDENTITY_NUMBER.search(field.data):
            raise ValidationError(_l("Do not write a national identity number here."))


class WholeNumber:
    def __init__(self, minimum: int, maximum: int) -> None:
        self.minimum, self.maximum = minimum, maximum

    def __call__(self, _form: Any, field: Field) -> None:
        text = (field.data or "").strip()
        try:
            number = int(text, 10) if len(text) <= 9 else None
        except ValueError:
            number = None
        if number is None or not self.minimum <= number <= self.maximum:
            raise ValidationError(
                _l("Write a whole number from %(min)d to %(max)d.",
                   min=self.minimum, max=self.maximum)
            )


_NORWEGIAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_date(text: str) -> dt.date | None:
    """A date typed as 2026-11-23 (what a date picker sends) or 23.11.2026 (what a person
    writes where the browser has no picker); None for anything else."""
    text = (text or "").strip()
    try:
        match = _NORWEGIAN_DATE.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if len(text) == 10:
            return dt.date.fromisoformat(text)
    except ValueError:
        return None
    return None


def date_bounds(item: s.DateItem) -> tuple[dt.date, dt.date]:
    """The first and last day `item` accepts: `years_back` years ago, and today."""
    last = today()
    try:
        first = last.replace(year=last.year - item.years_back)
    except ValueError:  # 29 February
        first = last.replace(year=last.year - item.years_back, day=28)
    return first, last


class DateInRange:
    def __init__(self, item: s.DateItem) -> None:
        self.item = item

    def __call__(self, _form: Any, field: Field) -> None:
        date = parse_date(field.data)
        if date is None:
            raise ValidationError(_l("Write the date as dd.mm.yyyy, for example 23.11.2026."))
        first, last = date_bounds(self.item)
        if not first <= date <= last:
            raise ValidationError(
                _l("The date must be between %(first)s and today.",
                   first=first.strftime("%d.%m.%Y"))
            )


LONGEST_TYPED = 100  # characters a number or a date can be typed with, and then some


class ItemType:
    """Base contract; subclasses set `name` and override what differs."""

    name: ClassVar[str]

    def field(self, item: Any, definition: s.Definition) -> Field:
        """The (unbound) WTForms field for one item, with its format validators."""
        raise NotImplementedError

    def may_keep(self, item: Any, definition: s.Definition, raw: list[str]) -> bool:
        """Whether the posted values `raw` may be kept between pages (`answer_drafts`) until
        the answers are sent: what the page's control can send at all (a person may still
        have typed a wrong number), and never an identity number. Anything else is refused
        at once, with the page and its error, and kept nowhere."""
        return len(raw) <= 1 and all(len(value) <= LONGEST_TYPED for value in raw)

    def values(self, item: Any, raw: Any, item_key: str, position: int) -> list[AnswerValue]:
        return [AnswerValue(item_key, position, None, raw)]

    def is_answered(self, raw: Any) -> bool:
        return bool(raw)


class ScaleType(ItemType):
    name = "scale"

    def field(self, item, definition):
        scale = definition.scale_of(item)
        allowed = {str(step) for step in scale.steps} | ({DONT_KNOW} if item.dont_know else set())
        return RadioField(
            choices=sorted(allowed), validate_choice=False,
            validators=[NothingChosen(), AllowedValues(allowed)],
        )

    def may_keep(self, item, definition, raw):
        allowed = {str(step) for step in definition.scale_of(item).steps}
        return _one_of(raw, allowed | ({DONT_KNOW} if item.dont_know else set()))

    def values(self, item, raw, item_key, position):
        if raw == DONT_KNOW:
            return [AnswerValue(item_key, position, None, DONT_KNOW)]
        return [AnswerValue(item_key, position, float(raw), None)]


class SingleChoiceType(ItemType):
    name = "single_choice"

    def field(self, item, definition):
        allowed = {o.value for o in item.options}
        return RadioField(choices=sorted(allowed), validate_choice=False,
                          validators=[NothingChosen(), AllowedValues(allowed)])

    def may_keep(self, item, definition, raw):
        return _one_of(raw, {o.value for o in item.options})


class MultipleChoiceType(ItemType):
    name = "multiple_choice"

    def field(self, item, definition):
        allowed = {o.value for o in item.options}
        return SelectMultipleField(choices=sorted(allowed), validate_choice=False,
                                   validators=[NothingChosen(), AllowedValues(allowed)])

    def may_keep(self, item, definition, raw):
        return len(raw) <= len(item.options) and set(raw) <= {o.value for o in item.options}

    def values(self, item, raw, item_key, position):
        order = [o.value for o in item.options]
        chosen = sorted(set(raw), key=order.index)
        return [AnswerValue(item_key, position, None, value) for value in chosen]


class TextType(ItemType):
    name = "text"

    def field(self, item, definition):
        return StringField(filters=[clean_text],
                           validators=[Optional(), MaxChars(item.max_length), NoIdentityNumber()])

    def may_keep(self, item, definition, raw):
        return len(raw) <= 1 and all(len(clean_text(v)) <= item.max_length
                                     and not _IDENTITY_NUMBER.search(clean_text(v)) for v in raw)


class LongTextType(TextType):
    name = "long_text"

    def field(self, item, definition):
        return TextAreaField(filters=[clean_text], validators=[
            Optional(), MaxChars(item.max_length), NoIdentityNumber()])


class IntegerType(ItemType):
    name = "integer"

    def field(self, item, definition):
        return StringField(filters=[clean_text],
                           validators=[Optional(), WholeNumber(item.min, item.max)])

    def values(self, item, raw, item_key, position):
        return [AnswerValue(item_key, position, float(int(raw, 10)), None)]


class ChecklistType(ItemType):
    name = "checklist"

    def field(self, item, definition):
        allowed = set(s.CHECKLIST_VALUES)
        return RadioField(choices=sorted(allowed), validate_choice=False,
                          validators=[NothingChosen(), AllowedValues(allowed)])

    def may_keep(self, item, definition, raw):
        return _one_of(raw, set(s.CHECKLIST_VALUES))

    def values(self, item, raw, item_key, position):
        return [AnswerValue(item_key, position, CHECKLIST_NUMBERS[raw], raw)]


class DateType(ItemType):
    name = "date"

    def field(self, item, definition):
        return StringField(filters=[clean_text], validators=[Optional(), DateInRange(item)])

    def values(self, item, raw, item_key, position):
        date = parse_date(raw)
        if date is None:  # never after validation: DateInRange refuses what does not parse
            raise ValueError(f"{item_key}: {raw!r} is not a date")
        return [AnswerValue(item_key, position, None, date.isoformat())]


def _one_of(raw: list[str], allowed: set[str]) -> bool:
    """One value at most, among `allowed` or empty (what a choice's «No answer» sends)."""
    return len(raw) <= 1 and set(raw) <= allowed | {""}


REGISTRY: dict[str, ItemType] = {
    t.name: t
    for t in (ScaleType(), SingleChoiceType(), MultipleChoiceType(), TextType(),
              LongTextType(), IntegerType(), ChecklistType(), DateType())
}


def item_type(item: Any) -> ItemType:
    """The type object for a (non-group) item."""
    return REGISTRY[item.type]
