"""The schema every questionnaire definition must satisfy.

Definitions are data (YAML files, uploads, copies), so one pydantic schema validates them
all and says precisely what is wrong: the path of the field and the reason. Cross-field
rules (references to scales, categories and earlier items) are checked after parsing and
reported with the same kind of path.

Last, once everything else holds, each category must put its scale items on one kind of
scale (`questionnaires.category_scales`): a category's score is the mean of its items, and
averaging a 1–5 «lower is better» and a 1–7 «higher is better» answer means nothing. Such a
definition is refused with a `category_mix` error whose context carries the categories as
data, so a page can word the message in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from questionnaires.texts import LANGUAGES as LANGUAGES
from questionnaires.texts import Text

Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
CHECKLIST_VALUES: tuple[str, ...] = ("done", "not_done", "not_relevant")
MAX_SCALE_STEPS = 21
STORED = "stored"
"""Validation context key: the definition is a version already stored (see
`Definition._check_categories`)."""


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a definition must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(Strict):
    """A numeric scale with labelled steps and the end that is good."""

    min: int = Field(ge=-100, le=100)
    max: int = Field(ge=-100, le=100)
    good: Literal["high", "low"]
    labels: dict[int, Text]

    @model_validator(mode="after")
    def _check_range(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"max ({self.max}) must be greater than min ({self.min})")
        if self.max - self.min + 1 > MAX_SCALE_STEPS:
            raise ValueError(f"a scale may have at most {MAX_SCALE_STEPS} steps")
        outside = sorted(k for k in self.labels if not self.min <= k <= self.max)
        if outside:
            raise ValueError(f"labels {outside} lie outside the scale {self.min}–{self.max}")
        if self.min not in self.labels or self.max not in self.labels:
            raise ValueError("both ends of the scale need a label")
        return self

    @property
    def steps(self) -> list[int]:
        return list(range(self.min, self.max + 1))

    @property
    def best(self) -> int:
        return self.max if self.good == "high" else self.min

    @property
    def worst(self) -> int:
        return self.min if self.good == "high" else self.max


class Option(Strict):
    value: Slug
    text: Text


class Condition(Strict):
    """Show an item only when an earlier item has a given value."""

    item: Slug
    equals: str | int


class ItemBase(Strict):
    id: Slug
    text: Text
    hint: Text | None = None
    required: bool = True
    show_if: Condition | None = None
    category: Slug | None = None


class ScaleItem(ItemBase):
    type: Literal["scale"]
    scale: Slug
    dont_know: bool = False


class SingleChoiceItem(ItemBase):
    type: Literal["single_choice"]
    options: list[Option] = Field(min_length=2, max_length=30)


class MultipleChoiceItem(ItemBase):
    type: Literal["multiple_choice"]
    options: list[Option] = Field(min_length=2, max_length=30)


class TextItem(ItemBase):
    type: Literal["text"]
    max_length: int = Field(default=200, ge=1, le=1000)


class LongTextItem(ItemBase):
    type: Literal["long_text"]
    max_length: int = Field(default=2000, ge=1, le=10000)


class IntegerItem(ItemBase):
    type: Literal["integer"]
    min: int = Field(ge=-1_000_000, le=1_000_000)
    max: int = Field(ge=-1_000_000, le=1_000_000)


class ChecklistItem(ItemBase):
    """A step of a process checklist: done, not done or not relevant."""

    type: Literal["checklist"]


class DateItem(ItemBase):
    """A calendar date, such as the day a patient pathway started; stored as ISO text.

    Only dates up to today, and at most `years_back` years before it, are accepted: a
    checklist is filled in after the fact, and a typo in the year should be caught.
    """

    type: Literal["date"]
    years_back: int = Field(default=5, ge=1, le=100)


ChildItem = Annotated[
    ScaleItem | SingleChoiceItem | TextItem | LongTextItem | IntegerItem | ChecklistItem
    | DateItem,
    Field(discriminator="type"),
]


class GroupItem(ItemBase):
    """A repeating group, such as the 1–5 activities of PSFS, each with its own answers."""

    type: Literal["group"]
    min_repeat: int = Field(default=1, ge=0, le=20)
    max_repeat: int = Field(ge=1, le=20)
    row_label: Text
    items: list[ChildItem] = Field(min_length=1, max_length=10)


Item = Annotated[
    ScaleItem
    | SingleChoiceItem
    | MultipleChoiceItem
    | TextItem
    | LongTextItem
    | IntegerItem
    | ChecklistItem
    | DateItem
    | GroupItem,
    Field(discriminator="type"),
]


class Section(Strict):
    """A titled part of a questionnaire; one page when a survey shows a page per section."""

    id: Slug
    title: Text | None = None
    intro: Text | None = None
    items: list[Item] = Field(min_length=1, max_length=100)


class Category(Strict):
    id: Slug
    text: Text


class FollowUp(Strict):
    """A later measurement of the same rows: the user scores the rows of `group` again.

    PSFS asks the user to name activities at baseline and to score the same activities
    about four weeks later; the rows' `label` item names each row on the follow-up form
    and `score` is the scale item scored again. Only the scores are asked for again.
    """

    group: Slug
    label: Slug
    score: Slug


class Pathway(Strict):
    """Which items describe the patient pathway a process checklist was filled in for.

    `start` (a date item) orders the pathways on the run chart; `label` (an optional text
    item) is the unit's own short reference to a pathway, never a name. Both are top-level
    items of the definition.
    """

    start: Slug
    label: Slug | None = None


class Definition(Strict):
    """A whole questionnaire at one version. `purpose: gathering_evaluation` puts its surveys
    of a network's gatherings in the network's gathering table, whatever its id (left out, it
    is not stored, so versions stored before the field existed keep their content)."""

    id: Slug
    version: int = Field(ge=1)
    title: Text
    intro: Text | None = None
    source: Text
    scales: dict[Slug, Scale] = Field(default_factory=dict)
    categories: list[Category] = Field(default_factory=list)
    sections: list[Section] = Field(min_length=1, max_length=30)
    follow_up: FollowUp | None = None
    pathway: Pathway | None = None
    purpose: Literal["gathering_evaluation"] | None = None

    @model_validator(mode="after")
    def _check_references(self) -> Definition:
        problems = list(_reference_problems(self))
        if self.follow_up is not None:
            problems.extend(_follow_up_problems(self, self.follow_up))
        if self.pathway is not None:
            problems.extend(_pathway_problems(self, self.pathway))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _check_categories(self, info: ValidationInfo) -> Definition:
        """Refuse categories whose items mix scale ranges or directions. Runs after every
        other rule has held, so its error is the only one. A version already stored
        (validated with the context `{STORED: True}`) is let through: answers point at it,
        and its mixed category simply gets no score (`reporting.item_results`)."""
        from questionnaires.category_scales import mixed_categories  # it reads Definitions

        if info.context and info.context.get(STORED):
            return self
        mixed = mixed_categories(self)
        if mixed:
            raise PydanticCustomError("category_mix", "{detail}", {
                "detail": "; ".join(found.english() for found in mixed), "mixed": mixed})
        return self

    def items(self) -> Iterator[Item]:
        """Every top-level item in order."""
        for section in self.sections:
            yield from section.items

    def item(self, item_id: str) -> Item:
        """The top-level item with this id (KeyError if there is none)."""
        for item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def scale_item(self, item_id: str) -> ScaleItem:
        """The top-level scale item with this id (KeyError if there is none)."""
        item = self.item(item_id)
        if not isinstance(item, ScaleItem):
            raise ValueError(f"item '{item_id}' is not a scale item")
        return item

    def scale_of(self, item: ScaleItem) -> Scale:
        return self.scales[item.scale]

    def checklist_items(self) -> list[ChecklistItem]:
        """The top-level checklist steps, in order: what a pathway's compliance counts."""
        return [item for item in self.items() if isinstance(item, ChecklistItem)]

    def follow_up_items(self) -> tuple[GroupItem, TextItem, ScaleItem]:
        """The group, label item and score item of the follow-up. Asked only of a definition
        with a follow-up, whose items validation has checked (`_follow_up_problems`)."""
        if self.follow_up is None:
            raise ValueError(f"questionnaire '{self.id}' has no follow-up")
        group = self.item(self.follow_up.group)
        if isinstance(group, GroupItem):
            children = {child.id: child for child in group.items}
            label, score = children.get(self.follow_up.label), children.get(self.follow_up.score)
            if isinstance(label, TextItem) and isinstance(score, ScaleItem):
                return group, label, score
        raise ValueError(f"the follow-up items of '{self.id}' did not pass validation")


def condition_values(item: Item, definition: Definition) -> set[str] | None:
    """The values a condition on `item` may test, as strings; None if it cannot be tested."""
    if isinstance(item, SingleChoiceItem | MultipleChoiceItem):
        return {o.value for o in item.options}
    if isinstance(item, ScaleItem) and item.scale in definition.scales:
        return {str(s) for s in definition.scales[item.scale].steps}
    if isinstance(item, ChecklistItem):
        return set(CHECKLIST_VALUES)
    return None


def _reference_problems(definition: Definition) -> Iterator[str]:
    """Yield 'path: reason' for every broken reference between parts of a definition."""
    categories = {c.id for c in definition.categories}
    seen: dict[str, Item] = {}
    section_ids: set[str] = set()
    for s_index, section in enumerate(definition.sections):
        if section.id in section_ids:
            yield f"sections[{s_index}].id: the section id '{section.id}' is used twice"
        section_ids.add(section.id)
        for i_index, item in enumerate(section.items):
            path = f"sections[{s_index}].items[{i_index}]"
            if item.id in seen:
                yield f"{path}.id: the item id '{item.id}' is used twice"
            yield from _item_problems(item, path, definition, categories, seen)
            seen[item.id] = item


def _item_problems(
    item: Item, path: str, definition: Definition, categories: set[str], earlier: dict
) -> Iterator[str]:
    if isinstance(item, ScaleItem) and item.scale not in definition.scales:
        known = ", ".join(sorted(definition.scales)) or "none"
        yield f"{path}.scale: unknown scale '{item.scale}' (defined: {known})"
    if item.category is not None and item.category not in categories:
        yield f"{path}.category: unknown category '{item.category}'"
    if isinstance(item, SingleChoiceItem | MultipleChoiceItem):
        values = [o.value for o in item.options]
        if len(values) != len(set(values)):
            yield f"{path}.options: two options have the same value"
    if isinstance(item, IntegerItem) and item.max <= item.min:
        yield f"{path}.max: must be greater than min ({item.min})"
    if isinstance(item, GroupItem):
        if item.min_repeat > item.max_repeat:
            yield f"{path}.min_repeat: must not exceed max_repeat ({item.max_repeat})"
        child_ids = [c.id for c in item.items]
        if len(child_ids) != len(set(child_ids)):
            yield f"{path}.items: two items in the group have the same id"
        for c_index, child in enumerate(item.items):
            if child.show_if is not None:
                yield f"{path}.items[{c_index}].show_if: conditions are not allowed in a group"
            yield from _item_problems(
                child, f"{path}.items[{c_index}]", definition, categories, {}
            )
    if item.show_if is not None:
        yield from _condition_problems(item.show_if, f"{path}.show_if", definition, earlier)


def _condition_problems(
    condition: Condition, path: str, definition: Definition, earlier: dict
) -> Iterator[str]:
    target = earlier.get(condition.item)
    if target is None:
        yield f"{path}.item: '{condition.item}' is not an item that comes before this one"
        return
    allowed = condition_values(target, definition)
    if allowed is None:
        yield f"{path}.item: '{condition.item}' is a {target.type} item and cannot be tested"
    elif str(condition.equals) not in allowed:
        yield f"{path}.equals: '{condition.equals}' is not a value of '{condition.item}'"


def _follow_up_problems(definition: Definition, follow_up: FollowUp) -> Iterator[str]:
    group = next((i for i in definition.items() if i.id == follow_up.group), None)
    if not isinstance(group, GroupItem):
        yield f"follow_up.group: '{follow_up.group}' is not a repeating group of this questionnaire"
        return
    children = {child.id: child for child in group.items}
    if not isinstance(children.get(follow_up.label), TextItem):
        yield f"follow_up.label: '{follow_up.label}' is not a text item in '{group.id}'"
    if not isinstance(children.get(follow_up.score), ScaleItem):
        yield f"follow_up.score: '{follow_up.score}' is not a scale item in '{group.id}'"


def _pathway_problems(definition: Definition, pathway: Pathway) -> Iterator[str]:
    items = {item.id: item for item in definition.items()}
    if not isinstance(items.get(pathway.start), DateItem):
        yield f"pathway.start: '{pathway.start}' is not a date item of this questionnaire"
    if pathway.label is not None and not isinstance(items.get(pathway.label), TextItem):
        yield f"pathway.label: '{pathway.label}' is not a text item of this questionnaire"
    if not definition.checklist_items():
        yield "pathway: a questionnaire with a pathway needs at least one checklist item"
