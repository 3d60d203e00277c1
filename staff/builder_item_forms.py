"""The builder's question forms: one for each item type of the schema, and the choices they
offer from the draft (its scales, its categories, the earlier questions a condition may test).

A form reads what was posted and `item_of` turns it into the item the schema reads (keys
made from the bokmål text, option values kept from before); the schema judges the result
(`questionnaires.drafts`), and `problem_fields` says which field each of its paths concerns.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp, ValidationError

from questionnaires.keys import new_key
from staff.builder_forms import ITEM_TYPE_NAMES, fill_text, text_value, texts_field
from staff.survey_forms import Filled

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
ITEM_TYPES = tuple(ITEM_TYPE_NAMES)
CHILD_TYPES = ("scale", "single_choice", "text", "long_text", "integer", "checklist", "date")
FIRST_CHILD_TYPES = ("text", "long_text", "date", "checklist", "scale")
MAX_OPTIONS = 30
NEW_OPTION_ROWS = 3


class ShownChoice:
    """The chosen value must be one of the choices the page offered."""

    def __call__(self, _form: Any, field: Any) -> None:
        if field.data not in {choice.value for choice in field.choices or []}:
            raise ValidationError(_l("Choose one of the options shown."))


class WellFormedCondition:
    """A condition is «item=value», or empty for «always shown». Whether the item comes
    before this one and has that value is the schema's to say, at this field."""

    def __call__(self, _form: Any, field: Any) -> None:
        item, found, value = (field.data or "").partition("=")
        if field.data and not (found and re_key(item) and 0 < len(value) <= 40):
            raise ValidationError(_l("Choose one of the options shown."))


def re_key(text: str) -> bool:
    return re.fullmatch(KEY_PATTERN, text) is not None


def number(label: Any, low: int, high: int, default: int | None = None,
           description: Any = None) -> IntegerField:
    """A whole number from `low` to `high`, as the schema bounds it."""
    return IntegerField(label, default=default, description=description,
                        invalid_value_message=_l("Write a whole number."),
                        validators=[Filled(), NumberRange(
                            min=low, max=high,
                            message=_l("Write a whole number from %(min)s to %(max)s."))])


class TypeForm(Form):
    """The first step of a new question: its type (sent with GET, so no token)."""

    type = RadioField(_l("Type of question"), validate_choice=False,
                      validators=[InputRequired(message=_l("Choose the type of question."))])


class OptionRow(Form):
    """One option of a choice: its text in every language; an empty row is no option, and
    a row written in other languages only needs its bokmål too."""

    text = texts_field(_l("Option"), required=False, maximum=200)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        texts = self.text.form
        if not texts["nb"].data and any(sub.data for sub in texts):
            texts["nb"].errors = [*texts["nb"].errors, _l("Write the text in bokmål.")]
            return False
        return valid


class ItemForm(FlaskForm):
    """What every question has: its text, hint, required or not, key and category."""

    text = texts_field(_l("Question"), maximum=1000)
    hint = texts_field(_l("Hint (optional)"), required=False, maximum=1000,
                       description=_l("Shown under the question, in smaller type."))
    required = BooleanField(_l("An answer is required"), default=True)
    key = StringField(
        _l("Key (optional)"), filters=[lambda v: v.strip() if isinstance(v, str) else v],
        description=_l("Results are compared across questionnaires by this key. Leave it "
                       "empty and it is made from the bokmål text. Small letters a–z, digits "
                       "and _, starting with a letter, at most 40."),
        validators=[Optional(), Regexp(KEY_PATTERN, message=_l(
            "Use small letters a–z, digits and _, starting with a letter (at most 40)."))])
    category = SelectField(_l("Category"), default="", validate_choice=False,
                           validators=[ShownChoice()])

    taken: set[str] = set()

    def validate_key(self, field: StringField) -> None:
        if field.data and field.data in self.taken:
            raise ValidationError(_l("Another question has this key. Choose another."))


class TopLevel(ItemForm):
    """A question directly in a section may be shown only after an earlier answer."""

    show_if = SelectField(
        _l("When it is shown"), default="", validate_choice=False,
        validators=[WellFormedCondition()],
        description=_l("Show this question only when an earlier question has this answer."))


class ScaleFields(Form):
    scale = SelectField(_l("Scale"), validate_choice=False, validators=[ShownChoice()])
    dont_know = BooleanField(_l("Offer «Vet ikke / ikke aktuelt»"))


class ChoiceFields(Form):
    option_list = HiddenField(_l("Options"))  # where problems of the whole list are shown
    options = FieldList(FormField(OptionRow), max_entries=MAX_OPTIONS + NEW_OPTION_ROWS)


class TextFields(Form):
    max_length = number(_l("Longest answer, in characters"), 1, 1000, 200)


class LongTextFields(Form):
    max_length = number(_l("Longest answer, in characters"), 1, 10000, 2000)


class IntegerFields(Form):
    min = number(_l("Smallest number allowed"), -1_000_000, 1_000_000, 0)
    max = number(_l("Largest number allowed"), -1_000_000, 1_000_000, 10)


class DateFields(Form):
    years_back = number(_l("How many years back a date may be"), 1, 100, 5)


class GroupFields(Form):
    min_repeat = number(_l("Fewest rows to answer"), 0, 20, 1)
    max_repeat = number(_l("Most rows"), 1, 20, 5)
    row_label = texts_field(_l("Name of a row"), maximum=200,
                            description=_l("For example «Aktivitet»: each row is numbered "
                                           "after it."))


class FirstChildFields(Form):
    first_type = SelectField(_l("Type of the group's first question"), default="text",
                             validate_choice=False, validators=[ShownChoice()])
    first_text = texts_field(_l("The group's first question"), maximum=1000)


EXTRA_FIELDS: dict[str, tuple[type[Form], ...]] = {
    "scale": (ScaleFields,), "single_choice": (ChoiceFields,),
    "multiple_choice": (ChoiceFields,), "text": (TextFields,), "long_text": (LongTextFields,),
    "integer": (IntegerFields,), "date": (DateFields,), "checklist": (),
    "group": (GroupFields,),
}


@cache
def form_class(item_type: str, *, child: bool = False, new: bool = False) -> type[ItemForm]:
    """The form of one item type: a group's question has no condition (the schema allows
    none there); a new group asks for its first question too."""
    bases: tuple[type, ...] = EXTRA_FIELDS[item_type]
    if item_type == "group" and new:
        bases += (FirstChildFields,)
    base = ItemForm if child else TopLevel
    fields = {name: value for extra in bases for name, value in vars(extra).items()
              if hasattr(value, "field_class") or name.startswith("validate_")}
    return type(f"{item_type.title()}ItemForm", (base,), fields)


def type_choices(types: tuple[str, ...]) -> list[SelectChoice]:
    return [SelectChoice(key, ITEM_TYPE_NAMES[key]) for key in types]


def shown(text: dict[str, str] | None, lang: str) -> str:
    """A questionnaire text in the staff's language, else in bokmål."""
    return (text or {}).get(lang) or (text or {}).get("nb") or ""


def set_choices(form: ItemForm, content: dict[str, Any], earlier: list[dict[str, Any]],
                lang: str) -> None:
    """Offer the draft's categories and scales, and the answers of the earlier questions a
    condition may test («item=value»)."""
    form.category.choices = [SelectChoice("", _("No category"))] + [
        SelectChoice(c["id"], shown(c.get("text"), lang)) for c in content.get("categories") or []]
    scales = content.get("scales") or {}
    if "scale" in form:
        form.scale.choices = [SelectChoice(key, _scale_label(key, scale, lang))
                              for key, scale in scales.items()]
    if "first_type" in form:
        form.first_type.choices = type_choices(
            tuple(t for t in FIRST_CHILD_TYPES if t != "scale" or scales))
    if "show_if" in form:
        choices = [SelectChoice("", _("Always shown")),
                   *condition_choices(content, earlier, lang)]
        if form.show_if.data and form.show_if.data not in {c.value for c in choices}:
            choices.append(SelectChoice(form.show_if.data, form.show_if.data))
        form.show_if.choices = choices
    for number, entry in enumerate(form.options if "options" in form else (), start=1):
        entry.form.text.label.text = _("Option %(number)d", number=number)


def _scale_label(key: str, scale: dict[str, Any], lang: str) -> str:
    labels = scale.get("labels") or {}
    ends = [shown(labels.get(str(scale.get(end))) or labels.get(scale.get(end)), lang)
            for end in ("min", "max")]
    return f"{key}: {scale.get('min')}–{scale.get('max')} ({ends[0]} … {ends[1]})"


def condition_choices(content: dict[str, Any], earlier: list[dict[str, Any]],
                      lang: str) -> list[SelectChoice]:
    """«Question = answer» for every answer of the earlier questions that can be tested:
    a choice's options, a scale's steps, a checklist step's three answers."""
    choices = []
    for item in earlier:
        answers = _answers(item, content, lang)
        question = shown(item.get("text"), lang)
        choices += [SelectChoice(f"{item['id']}={value}", f"«{question}» = {answer}")
                    for value, answer in answers]
    return choices


def _answers(item: dict[str, Any], content: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    kind = item.get("type")
    if kind in ("single_choice", "multiple_choice"):
        return [(o["value"], shown(o.get("text"), lang)) for o in item.get("options") or []]
    if kind == "checklist":
        return [("done", _("Done")), ("not_done", _("Not done")),
                ("not_relevant", _("Not relevant"))]
    scale = (content.get("scales") or {}).get(item.get("scale"))
    if kind != "scale" or scale is None:
        return []
    labels = scale.get("labels") or {}
    steps = range(scale["min"], scale["max"] + 1)
    return [(str(n), f"{n} ({shown(labels[str(n)], lang)})" if str(n) in labels else str(n))
            for n in steps]


def show_rows(form: ItemForm, item: dict[str, Any] | None) -> None:
    """The option rows shown: the item's options, then empty rows for new ones."""
    if "options" not in form:
        return
    options = (item or {}).get("options") or []
    while len(form.options) < len(options) + NEW_OPTION_ROWS:
        form.options.append_entry()
    for entry, option in zip(form.options, options, strict=False):
        fill_text(entry.form.text, option.get("text"))


NUMBERS = ("max_length", "min", "max", "years_back", "min_repeat", "max_repeat")


def fill(form: ItemForm, item: dict[str, Any]) -> None:
    """Show a stored item in its form."""
    fill_text(form.text, item.get("text"))
    fill_text(form.hint, item.get("hint"))
    form.required.data = item.get("required", True)
    form.key.data = item.get("id", "")
    form.category.data = item.get("category") or ""
    condition = item.get("show_if")
    if "show_if" in form and condition:
        form.show_if.data = f"{condition.get('item')}={condition.get('equals')}"
    if "scale" in form:
        form.scale.data, form.dont_know.data = item.get("scale"), item.get("dont_know", False)
    if "row_label" in form:
        fill_text(form.row_label, item.get("row_label"))
    for name in NUMBERS:
        if name in form and name in item:
            form[name].data = item[name]
    show_rows(form, item)


def item_of(form: ItemForm, item_type: str, content: dict[str, Any],
            old: dict[str, Any] | None) -> dict[str, Any]:
    """The item as the schema reads it. An empty key is made from the bokmål text (kept,
    when editing); the rows the options came from are kept on the form (`option_rows`), so
    a problem with option 2 is shown at its row."""
    text = text_value(form.text) or {}
    key = form.key.data or (old or {}).get("id") or new_key(text.get("nb", ""), form.taken)
    item: dict[str, Any] = {"id": key, "type": item_type, "text": text}
    hint = text_value(form.hint)
    if hint:
        item["hint"] = hint
    if not form.required.data:
        item["required"] = False
    if form.category.data:
        item["category"] = form.category.data
    if "show_if" in form and form.show_if.data:
        item["show_if"] = _condition(form.show_if.data, content)
    if "scale" in form:
        item["scale"] = form.scale.data
        if form.dont_know.data:
            item["dont_know"] = True
    item.update({name: form[name].data for name in NUMBERS if name in form})
    if "row_label" in form:
        item["row_label"] = text_value(form.row_label) or {}
    if "options" in form:
        item["options"] = _options(form, (old or {}).get("options") or [])
    if "first_type" in form:
        item["items"] = [_first_child(form, content, form.taken | {key})]
    return item


def _condition(value: str, content: dict[str, Any]) -> dict[str, Any]:
    """«item=value» as a condition; a scale's step as the number it is."""
    item_id, _sep, equals = value.partition("=")
    items = (i for s in content.get("sections") or [] for i in s.get("items") or [])
    target: dict[str, Any] = next((i for i in items if i.get("id") == item_id), {})
    if target.get("type") == "scale" and re.fullmatch(r"-?\d{1,3}", equals):
        return {"item": item_id, "equals": int(equals)}
    return {"item": item_id, "equals": equals}


def _options(form: ItemForm, old: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The written rows as options: a row that held an option keeps its value (answers are
    stored by it), a new one (the rows after them) gets a value made from its bokmål text."""
    kept = [option.get("value") for option in old]
    options: list[dict[str, Any]] = []
    rows: list[Any] = []
    for index, entry in enumerate(form.options):
        text = text_value(entry.form.text)
        if not text:
            continue
        value = (kept[index] if index < len(kept)
                 else new_key(text.get("nb", ""), {o["value"] for o in options}, fallback="v"))
        options.append({"value": value, "text": text})
        rows.append(entry)
    form.option_rows = rows
    return options


def _first_child(form: ItemForm, content: dict[str, Any], taken: set[str]) -> dict[str, Any]:
    text = text_value(form.first_text) or {}
    child = {"id": new_key(text.get("nb", ""), taken), "type": form.first_type.data,
             "text": text}
    if child["type"] == "scale":
        child["scale"] = next(iter(content.get("scales") or {}), "")
    return child


def problem_fields(form: ItemForm, prefix: str) -> dict[str, Any]:
    """Which field shows a problem of the schema at each path under the item's `prefix`."""
    names = {"id": "key", "options": "option_list", "items[0].text": "first_text",
             "items[0]": "first_type"}
    fields = {f"{prefix}.{path}": form[name] for path, name in names.items() if name in form}
    fields |= {f"{prefix}.{name}": field for name, field in form._fields.items()
               if name not in ("key", "options", "csrf_token")}
    for index, entry in enumerate(getattr(form, "option_rows", [])):
        fields[f"{prefix}.options[{index}].text"] = entry.form.text
    return fields
