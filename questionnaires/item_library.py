"""The item library: the questions of the built-in questionnaires, picked into a draft.

Why keys are kept: results are compared across questionnaires by their items' keys, so a
question picked from «Brukerundersøkelse» into a municipality's own survey must stay
`tilgjengelig_hjelp` to be compared with it. A picked question brings what it needs to
stand in its new questionnaire:

- its scale (and its group's children's scales): the draft's scale of the same id when it
  is the same scale (same steps, direction and bokmål labels: the same answers mean the
  same), another identical scale of the draft when there is one, otherwise a copy; a copy
  whose id is taken by a different scale gets a new id and the item points at it;
- its category, added under the same id when the draft has none of that id (a category of
  the draft keeps its own wording);
- its `show_if`, only when the item it tests comes before it in the draft (picked in the
  same go counts); otherwise the condition is dropped and the caller says so.

A key already in the draft (or chosen twice) refuses the whole pick, nothing added, so
nothing is ever half-saved. Pure content operations: no Flask, no database.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from questionnaires import schema as s
from questionnaires.keys import new_key

Content = dict[str, Any]
IN_DRAFT = "in_draft"  # the key is already an item of the draft
CHOSEN_TWICE = "chosen_twice"  # two questions with the same key were chosen together


@dataclass(frozen=True)
class Shelf:
    """One built-in questionnaire's top-level questions, as the library shows them."""

    definition: s.Definition
    items: tuple[s.Item, ...]


@dataclass(frozen=True)
class Pick:
    """One question chosen from the library: the questionnaire it comes from, and itself."""

    definition: s.Definition
    item: s.Item

    @property
    def value(self) -> str:
        return pick_value(self.definition.id, self.item.id)


@dataclass
class Added:
    """What picking did: the new content, the keys added, the keys whose condition was
    dropped, and the scales copied under a new id (old id → new id)."""

    content: Content
    keys: list[str] = field(default_factory=list)
    dropped_conditions: list[str] = field(default_factory=list)
    renamed_scales: dict[str, str] = field(default_factory=dict)


class PickRefused(ValueError):
    """Some chosen questions cannot be added: `reasons` by pick value (IN_DRAFT,
    CHOSEN_TWICE). Nothing was added."""

    def __init__(self, reasons: dict[str, str]) -> None:
        self.reasons = reasons
        super().__init__(", ".join(f"{value}: {reason}" for value, reason in reasons.items()))


def shelves(definitions: Mapping[str, s.Definition]) -> list[Shelf]:
    """Each questionnaire's questions in order, groups as a whole, by questionnaire id."""
    return [Shelf(definition, tuple(definition.items()))
            for _slug, definition in sorted(definitions.items())]


def pick_value(questionnaire_id: str, item_id: str) -> str:
    """What a checkbox posts for a question: ids never hold a dot, so it splits back."""
    return f"{questionnaire_id}.{item_id}"


def parse_picks(values: Iterable[str], definitions: Mapping[str, s.Definition]
                ) -> tuple[list[Pick], list[str]]:
    """The questions the posted values name, in the library's order, and the values that
    name none (tampered or stale); a value given twice counts once."""
    wanted, unknown = set(values), []
    found = {}
    for value in wanted:
        slug, _dot, item_id = value.partition(".")
        definition = definitions.get(slug)
        items = definition.items() if definition is not None else ()
        item = next((i for i in items if i.id == item_id), None)
        if definition is None or item is None:
            unknown.append(value)
        else:
            found[value] = Pick(definition, item)
    ordered = [pick for shelf in shelves(definitions) for item in shelf.items
               if (pick := found.get(pick_value(shelf.definition.id, item.id)))]
    return ordered, sorted(unknown)


def top_level_keys(content: Content) -> list[str]:
    """The keys of the draft's top-level items, in order."""
    return [item.get("id") for section in content.get("sections") or []
            for item in section.get("items") or []]


def add_items(content: Content, section_id: str, picks: Sequence[Pick]) -> Added:
    """A copy of `content` with the picked questions appended to the section, keys kept,
    bringing their scales and categories (see the module docstring). KeyError for an
    unknown section; PickRefused when a key is taken, `content` untouched either way."""
    new = copy.deepcopy(content)
    index = next((n for n, section in enumerate(new.get("sections") or [])
                  if section.get("id") == section_id), None)
    if index is None:
        raise KeyError(section_id)
    _refuse_taken(top_level_keys(new), picks)
    section = new["sections"][index]
    earlier = {item.get("id") for part in new["sections"][:index + 1]
               for item in part.get("items") or []}
    added = Added(new)
    for pick in picks:
        data = pick.item.model_dump(mode="json", exclude_none=True)
        for node in (data, *data.get("items", [])):
            if node.get("type") == "scale":
                node["scale"] = _bring_scale(new, pick.definition, node["scale"], added)
            if node.get("category"):
                _bring_category(new, pick.definition, node["category"])
        condition = data.get("show_if")
        if condition is not None and condition.get("item") not in earlier:
            del data["show_if"]
            added.dropped_conditions.append(pick.item.id)
        section.setdefault("items", []).append(data)
        earlier.add(pick.item.id)
        added.keys.append(pick.item.id)
    return added


def _refuse_taken(keys: Iterable[str], picks: Sequence[Pick]) -> None:
    taken, chosen, reasons = set(keys), set(), {}
    for pick in picks:
        if pick.item.id in taken:
            reasons[pick.value] = IN_DRAFT
        elif pick.item.id in chosen:
            reasons[pick.value] = CHOSEN_TWICE
        chosen.add(pick.item.id)
    if reasons:
        raise PickRefused(reasons)


def _bring_scale(content: Content, definition: s.Definition, scale_id: str,
                 added: Added) -> str:
    """The id of the draft's scale the picked item is to use, adding a copy if needed."""
    scale = definition.scales[scale_id].model_dump(mode="json", exclude_none=True)
    scales = content.setdefault("scales", {})
    wanted = same_scale_key(scale)
    if scale_id not in scales:
        scales[scale_id] = scale
        return scale_id
    if same_scale_key(scales[scale_id]) == wanted:
        return scale_id
    for other_id, other in scales.items():
        if same_scale_key(other) == wanted:
            added.renamed_scales[scale_id] = other_id
            return other_id
    new_id = new_key(scale_id, scales.keys(), fallback="skala")
    scales[new_id] = scale
    added.renamed_scales[scale_id] = new_id
    return new_id


def same_scale_key(scale: Any) -> tuple[Any, ...] | None:
    """What makes two scales the same scale: steps, direction and each label's bokmål text
    (another language's wording may differ without changing what an answer means); None
    for what is not a scale."""
    try:
        labels = tuple(sorted((int(step), str((text or {}).get("nb", "")))
                              for step, text in (scale.get("labels") or {}).items()))
        return int(scale["min"]), int(scale["max"]), str(scale["good"]), labels
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def _bring_category(content: Content, definition: s.Definition, category_id: str) -> None:
    categories = content.setdefault("categories", [])
    if any(category.get("id") == category_id for category in categories):
        return
    category = next(c for c in definition.categories if c.id == category_id)
    categories.append(category.model_dump(mode="json", exclude_none=True))
