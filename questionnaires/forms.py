"""The form builder: a definition becomes a WTForms form, and posted data becomes answers.

One path for every way answers arrive: the respondent's pages and staff entering paper
forms both build the form here, validate it with `validate_items` and turn it into rows
with `collect_answers`.

Format checks (allowed values, lengths, number ranges) are WTForms validators on each
field. Whether an answer is required depends on other answers (conditions, rows of a
repeating group), so that is checked here, item by item, after the field checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField

from questionnaires import schema as s
from questionnaires.item_types import AnswerValue, item_type

# `shown_errors`: the page posted showed errors (drawn again in another language, it does).
CONTROL_FIELDS = frozenset({"csrf_token", "submission_key", "page", "nav", "switch_lang",
                            "shown_errors"})
_GROUP_FIELD = re.compile(r"^([a-z][a-z0-9_]*)-(\d{1,3})-([a-z][a-z0-9_]*)$")


class UnknownFieldError(ValueError):
    """The post named a field the questionnaire does not have (tampering or a stale form)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def row_field(group_id: str, row: int, child_id: str) -> str:
    """The field name of a child item in row `row` (0-based) of a repeating group."""
    return f"{group_id}-{row}-{child_id}"


def build_form_class(definition: s.Definition) -> type[FlaskForm]:
    """A FlaskForm subclass with one field per item (per row and child for groups)."""
    attrs: dict[str, Any] = {
        "submission_key": HiddenField(),
        "page": HiddenField(default="0"),
    }
    for item in definition.items():
        for name, child in _field_slots(item):
            attrs[name] = item_type(child).field(child, definition)
    return type(f"{definition.id.title()}Form", (FlaskForm,), attrs)


def _field_slots(item: s.Item) -> Iterator[tuple[str, Any]]:
    """(field name, item) for an item; a group yields one slot per row and child."""
    if isinstance(item, s.GroupItem):
        for row in range(item.max_repeat):
            for child in item.items:
                yield row_field(item.id, row, child.id), child
    else:
        yield item.id, item


def field_names(items: Iterable[s.Item]) -> list[str]:
    """Every form field name that belongs to `items`."""
    return [name for item in items for name, _ in _field_slots(item)]


def check_known_fields(definition: s.Definition, posted: Iterable[str], lang: str) -> None:
    """Refuse a post that names fields this questionnaire does not have."""
    known = set(field_names(definition.items())) | CONTROL_FIELDS
    groups = {i.id: i for i in definition.items() if isinstance(i, s.GroupItem)}
    for name in posted:
        if name in known:
            continue
        # A multipart part whose name cannot be parsed arrives with the name None.
        match = _GROUP_FIELD.match(name) if isinstance(name, str) else None
        if match and match.group(1) in groups:
            group = groups[match.group(1)]
            raise UnknownFieldError(
                _l("You can fill in at most %(max)d rows of «%(question)s».",
                   max=group.max_repeat, question=group.text.get(lang))
            )
        raise UnknownFieldError(_l("The form contained a question that is not in this survey."))


def not_to_keep(definition: s.Definition, form: FlaskForm) -> bool:
    """Whether any field holds what must not be kept between pages: what no page of
    `definition` can send, or an identity number (`ItemType.may_keep`)."""
    return any(form[name].raw_data and not item_type(child).may_keep(
                   child, definition, [str(v) for v in form[name].raw_data])
               for item in definition.items() for name, child in _field_slots(item))


def is_shown(item: s.Item, form: FlaskForm) -> bool:
    """Whether an item's condition (if any) is met by the answers in `form`."""
    if item.show_if is None:
        return True
    data = form[item.show_if.item].data
    wanted = str(item.show_if.equals)
    return wanted in data if isinstance(data, list) else data == wanted


def _is_answered(item: Any, field: Field) -> bool:
    return item_type(item).is_answered(field.data)


def validate_items(form: FlaskForm, items: Iterable[s.Item], required: bool = True) -> bool:
    """Validate the fields of `items` (one page, or all); errors land on the fields.

    With `required=False` only the format of what was given is checked: paper entry records
    what is on the paper, so there any item may be blank, whatever the definition asks of
    an online answer (`validate_paper`)."""
    ok = True
    for item in items:
        if isinstance(item, s.GroupItem):
            ok &= _validate_group(form, item, required)
            continue
        field = form[item.id]
        if not is_shown(item, form):
            continue
        if not field.validate(form):
            ok = False
        elif required and item.required and not _is_answered(item, field):
            field.errors.append(_l("Answer this question."))
            ok = False
    return ok


def validate_paper(form: FlaskForm, definition: s.Definition) -> bool:
    """Validate a paper form typed in by staff: every item may be blank, but a form with
    nothing typed in at all is refused, since it is most often a second press of Enter and
    would count as a response that answered nothing. The message lands on the first field,
    so the error summary links to it like any other."""
    items = list(definition.items())
    if not validate_items(form, items, required=False):
        return False
    if collect_answers(definition, form):
        return True
    first = form[field_names(items)[0]]
    first.errors = [*first.errors, _l("Nothing was typed in. Type in the answers on the paper "
                                      "form; a form that came back blank is not saved.")]
    return False


def _validate_group(form: FlaskForm, group: s.GroupItem, required: bool = True) -> bool:
    """Each row that is started must be complete; the number of rows must be in bounds
    (neither when `required` is False: a paper row is stored as far as it was written)."""
    ok = True
    filled = 0
    for row in range(group.max_repeat):
        fields = [(child, form[row_field(group.id, row, child.id)]) for child in group.items]
        row_ok = all(field.validate(form) for _, field in fields)
        ok &= row_ok
        if not row_ok or not required or not any(_is_answered(c, f) for c, f in fields):
            continue
        filled += 1
        for child, field in fields:
            if child.required and not _is_answered(child, field):
                field.errors.append(_l("Fill this in too, or empty the whole row."))
                ok = False
    if ok and required and filled < group.min_repeat and (group.required or filled):
        first = form[row_field(group.id, 0, group.items[0].id)]
        first.errors.append(_l("Fill in at least %(count)d row(s).", count=group.min_repeat))
        ok = False
    return ok


def collect_answers(definition: s.Definition, form: FlaskForm) -> list[AnswerValue]:
    """The answer rows of a validated form; hidden and empty items give none."""
    rows: list[AnswerValue] = []
    for item in definition.items():
        if not is_shown(item, form):
            continue
        if isinstance(item, s.GroupItem):
            rows.extend(_group_answers(form, item))
            continue
        field = form[item.id]
        if _is_answered(item, field):
            rows.extend(item_type(item).values(item, field.data, item.id, 0))
    return rows


def _group_answers(form: FlaskForm, group: s.GroupItem) -> list[AnswerValue]:
    rows: list[AnswerValue] = []
    position = 0
    for row in range(group.max_repeat):
        fields = [(child, form[row_field(group.id, row, child.id)]) for child in group.items]
        if not any(_is_answered(c, f) for c, f in fields):
            continue
        for child, field in fields:
            if _is_answered(child, field):
                key = f"{group.id}.{child.id}"
                rows.extend(item_type(child).values(child, field.data, key, position))
        position += 1
    return rows
