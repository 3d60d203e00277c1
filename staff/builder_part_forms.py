"""The forms of the builder's frame pages (`staff.builder_parts`): details and kind,
sections, scales and categories.

A scale's labels are one text field per step, named by the step (`label_3`, `label_m2` for
-2), so a person who changes the range and asks for the rows again keeps the labels already
written for the steps that remain: the page works without JavaScript by posting the range
back (`ScaleForm.RANGE`) before saving.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, IntegerField, RadioField, SelectChoice, SelectField
from wtforms.validators import InputRequired, NumberRange, StopValidation, ValidationError

from questionnaires import part_edits
from questionnaires.item_types import AllowedValues
from questionnaires.part_edits import Refused
from questionnaires.schema import MAX_SCALE_STEPS
from staff.builder_forms import KINDS, fill_text, texts_field

DEFAULT_RANGE = (1, 5)
DETAIL_PATHS = ("title", "intro", "source")
SCALE_LIMIT = 100  # the schema's bound on a scale's ends
Choices = list[tuple[str, str]]


class DetailsForm(FlaskForm):
    """The questionnaire's texts and kind; a checklist's pathway items and a repeating
    group's follow-up are chosen from what the draft has (`set_choices`)."""

    title = texts_field(_l("Title"), maximum=200, description=_l(
        "The name respondents and staff see. No other questionnaire may have it."))
    intro = texts_field(_l("Introduction"), required=False, long=True,
                        description=_l("Shown before the first question. Optional."))
    source = texts_field(_l("Source"), long=True, description=_l(
        "Who made it and what it builds on, for those who read the results."))
    kind = RadioField(_l("Kind"), validate_choice=False,
                      choices=[SelectChoice(key, label) for key, label in KINDS.items()],
                      validators=[InputRequired(message=_l("Choose the kind.")),
                                  AllowedValues(set(KINDS))])
    pathway_start = SelectField(_l("The day the pathway started (for a checklist)"),
                                validate_choice=False, description=_l(
                                    "A date question of the questionnaire."))
    pathway_label = SelectField(_l("The unit's own reference (for a checklist, optional)"),
                                validate_choice=False, description=_l(
                                    "A short text question, never a name."))
    follow_up_group = SelectField(_l("Follow-up of a repeating group (optional)"),
                                  validate_choice=False, description=_l(
                                      "Its rows are scored again later, as in PSFS."))
    follow_up_label = SelectField(_l("Follow-up: the text that names each row"),
                                  validate_choice=False)
    follow_up_score = SelectField(_l("Follow-up: the scale scored again"),
                                  validate_choice=False)

    def set_choices(self, content: dict[str, Any], shown: Any) -> None:
        """What may be chosen: the draft's top-level date and text items, and its groups'
        text and scale questions (as 'group.question'); `shown` words a text."""
        def listed(items: list[dict[str, Any]]) -> list[SelectChoice]:
            return [SelectChoice(item["id"], shown(item.get("text"))) for item in items]

        none = [SelectChoice("", _("None"))]
        self.pathway_start.choices = listed(part_edits.top_items(content, ("date",)))
        self.pathway_label.choices = none + listed(part_edits.top_items(content, ("text",)))
        self.follow_up_group.choices = none + listed(part_edits.top_items(content, ("group",)))
        for field, kind in ((self.follow_up_label, "text"), (self.follow_up_score, "scale")):
            field.choices = none + [
                SelectChoice(f"{group['id']}.{child['id']}",
                             f"{shown(group.get('text'))} › {shown(child.get('text'))}")
                for group, child in part_edits.group_children(content, kind)]

    def validate_pathway_start(self, field: SelectField) -> None:
        if self.kind.data != "checklist":
            return
        if not field.choices:
            raise ValidationError(_l("A checklist needs a date question for the day the "
                                     "pathway started: add one first."))
        _chosen(field, required=True)

    def validate_pathway_label(self, field: SelectField) -> None:
        _chosen(field)

    def validate_follow_up_group(self, field: SelectField) -> None:
        _chosen(field)

    def validate_follow_up_label(self, field: SelectField) -> None:
        self._in_group(field)

    def validate_follow_up_score(self, field: SelectField) -> None:
        self._in_group(field)

    def _in_group(self, field: SelectField) -> None:
        _chosen(field)
        group = self.follow_up_group.data
        if group and not (field.data or "").startswith(f"{group}."):
            raise ValidationError(_l("Choose a question of the group chosen for the "
                                     "follow-up."))
        if field.data and not group:
            raise ValidationError(_l("Choose the group first, or no question here."))

    def follow_up(self) -> tuple[str, str, str] | None:
        group = self.follow_up_group.data
        if not group:
            return None
        return (group, self.follow_up_label.data.partition(".")[2],
                self.follow_up_score.data.partition(".")[2])


    def fill(self, content: dict[str, Any]) -> None:
        """Show the draft's details."""
        for path in DETAIL_PATHS:
            fill_text(self[path], content.get(path))
        self.kind.data = part_edits.kind_of(content)
        pathway, follow_up = content.get("pathway") or {}, content.get("follow_up") or {}
        self.pathway_start.data = pathway.get("start", "")
        self.pathway_label.data = pathway.get("label", "")
        group = follow_up.get("group", "")
        self.follow_up_group.data = group
        self.follow_up_label.data = f"{group}.{follow_up['label']}" if group else ""
        self.follow_up_score.data = f"{group}.{follow_up['score']}" if group else ""

    def fields_by_path(self) -> dict[str, Any]:
        """The field each of the schema's paths is shown at."""
        return {path: self[path] for path in DETAIL_PATHS} | {
            "purpose": self.kind, "pathway": self.kind, "pathway.start": self.pathway_start,
            "pathway.label": self.pathway_label, "follow_up": self.follow_up_group,
            "follow_up.group": self.follow_up_group, "follow_up.label": self.follow_up_label,
            "follow_up.score": self.follow_up_score}


def _chosen(field: SelectField, *, required: bool = False) -> None:
    """The value must be one of the choices shown (or empty, unless `required`)."""
    if not field.data and not required:
        return
    if field.data not in {choice.value for choice in field.choices or []} or not field.data:
        raise ValidationError(_l("Choose one of the options shown."))


class SectionForm(FlaskForm):
    title = texts_field(_l("Section title"), required=False, maximum=200,
                        description=_l("Optional. A section is a page when the survey shows "
                                       "a page per section."))
    intro = texts_field(_l("Section introduction"), required=False, long=True,
                        description=_l("Optional. Shown before the section's questions."))


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[AllowedValues({"up", "down"})])


class CategoryForm(FlaskForm):
    text = texts_field(_l("Category"), maximum=200, description=_l(
        "Questions in one category are summed up together in the results. Its scale "
        "questions must share one scale range and the same good end."))


class LibraryForm(FlaskForm):
    """A scale picked from the library: 'questionnaire.scale' (checked by the view)."""

    source = HiddenField(name="from")


def _step_name(step: int) -> str:
    return f"label_{step}" if step >= 0 else f"label_m{-step}"


class ScaleForm(FlaskForm):
    """A scale's range, good end and labels (the fields of `scale_form` for a range)."""

    RANGE = "range"
    low = IntegerField(_l("Lowest value"), invalid_value_message=_l("Write a whole number."),
                       validators=[InputRequired(message=_l("Write a whole number.")),
                                   NumberRange(min=-SCALE_LIMIT, max=SCALE_LIMIT, message=_l(
                                       "Write a whole number from %(min)s to %(max)s."))])
    high = IntegerField(_l("Highest value"), invalid_value_message=_l("Write a whole number."),
                        validators=[InputRequired(message=_l("Write a whole number.")),
                                    NumberRange(min=-SCALE_LIMIT, max=SCALE_LIMIT, message=_l(
                                        "Write a whole number from %(min)s to %(max)s."))])
    good = RadioField(_l("Which end is good"), validate_choice=False, default="high",
                      choices=[SelectChoice("high", _l("The highest value is best")),
                               SelectChoice("low", _l("The lowest value is best"))],
                      validators=[InputRequired(message=_l("Choose which end is good.")),
                                  AllowedValues({"high", "low"})])
    steps: tuple[int, ...] = ()

    def validate_high(self, field: IntegerField) -> None:
        if self.low.errors or field.errors or self.low.data is None or field.data is None:
            return
        if field.data <= self.low.data:
            raise StopValidation(_l("The highest value must be greater than the lowest."))
        if field.data - self.low.data + 1 > MAX_SCALE_STEPS:
            raise StopValidation(_l("A scale may have at most %(count)d steps.",
                                    count=MAX_SCALE_STEPS))

    def fill(self, existing: dict[str, Any] | None) -> None:
        """Show a scale (or the default range, empty)."""
        self.low.data, self.high.data = self.steps[0], self.steps[-1]
        if existing:
            self.good.data = existing["good"]
            for step, field in self.label_fields():
                fill_text(field, existing["labels"].get(str(step)))

    def label_fields(self) -> list[tuple[int, Field]]:
        return [(step, self[_step_name(step)]) for step in self.steps]


@cache
def scale_form(low: int, high: int) -> type[ScaleForm]:
    """The scale form with a label field for each step from `low` to `high`, the two ends
    needed in bokmål."""
    fields: dict[str, Any] = {"steps": tuple(range(low, high + 1))}
    for step in range(low, high + 1):
        end = step in (low, high)
        fields[_step_name(step)] = texts_field(
            _l("Label of %(step)s", step=step), required=end, maximum=200,
            description=_l("Needed: the end of the scale.") if end else _l("Optional."))
    return type("ScaleLabelsForm", (ScaleForm,), fields)


def posted_range(form: dict[str, Any], fallback: tuple[int, int]) -> tuple[int, int]:
    """The range to show rows for: the one posted when it is a usable scale, else
    `fallback` (the form's own checks then say what is wrong with the posted one)."""
    try:
        low, high = int(str(form.get("low", "")).strip()), int(str(form.get("high", "")).strip())
    except ValueError:
        return fallback
    usable = (-SCALE_LIMIT <= low < high <= SCALE_LIMIT
              and high - low + 1 <= MAX_SCALE_STEPS)
    return (low, high) if usable else fallback


def refusal_message(exc: Refused) -> str:
    """Why a removal is refused, in the reader's language."""
    if exc.reason == "last_section":
        return _("A questionnaire needs at least one section, and this is the last one.")
    if exc.reason == "in_use":
        return _("The scale is used by %(items)s. Give them another scale, or remove them, "
                 "first.", items=", ".join(f"«{name}»" for name in exc.names))
    item, by = exc.names
    if by == "follow_up":
        return _("The question «%(item)s» is the follow-up's repeating group. Choose no "
                 "follow-up on the details page first.", item=item)
    if by == "pathway":
        return _("The question «%(item)s» is part of the checklist's pathway. Choose another "
                 "on the details page first.", item=item)
    return _("The question «%(other)s» is shown only for some answers to «%(item)s» in this "
             "section. Change that condition first.", other=by, item=item)
