"""The builder's edits of a questionnaire's frame, as pure changes of a draft's content: its
details and kind, its sections, scales (new, or copied from the built-ins' scale library) and
categories (issue 19).

Why apart from the pages: each edit is a plain change of the content dict (the same dict a
YAML file holds), so it is tested without a request, and the page only words the outcome.
An edit the schema would accept but that would quietly break the questionnaire (removing
the last section, a scale still in use, a section whose questions a later condition asks
about) raises `Refused` with what refers to what, for the page to say in the reader's
language; everything else is left to the schema (`questionnaires.drafts.save`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from questionnaires.keys import new_key
from questionnaires.schema import Definition

Content = dict[str, Any]
Text = dict[str, str]
KINDS = ("general", "gathering_evaluation", "checklist")


class Refused(ValueError):
    """An edit refused before the schema is asked: `reason` names the rule, `names` what
    is in the way (an item's id, say), `count` how many."""

    def __init__(self, reason: str, names: tuple[str, ...] = (), count: int = 0) -> None:
        self.reason, self.names, self.count = reason, names, count
        super().__init__(f"{reason}: {', '.join(names)}")


# --- Where things are ----------------------------------------------------------------------

def section_index(content: Content, section_id: str) -> int:
    """The place of a section; KeyError when the draft has none with this id."""
    for index, section in enumerate(content.get("sections") or []):
        if section.get("id") == section_id:
            return index
    raise KeyError(section_id)


def all_items(content: Content) -> Iterator[Content]:
    """Every item, a group's questions right after the group."""
    for section in content.get("sections") or []:
        for item in section.get("items") or []:
            yield item
            yield from item.get("items") or []


def top_items(content: Content, types: tuple[str, ...]) -> list[Content]:
    """The top-level items of these types, in order (a pathway's start and label are)."""
    return [item for section in content.get("sections") or []
            for item in section.get("items") or [] if item.get("type") in types]


def group_children(content: Content, child_type: str) -> list[tuple[Content, Content]]:
    """(group, question) for every question of this type in a repeating group."""
    return [(group, child) for group in top_items(content, ("group",))
            for child in group.get("items") or [] if child.get("type") == child_type]


# --- Details --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Details:
    """What the details page sets: texts (None leaves out an optional one), the kind, the
    pathway's items (for a checklist) and the follow-up (group, label, score) or None."""

    title: Text
    intro: Text | None
    source: Text
    kind: str
    pathway_start: str | None = None
    pathway_label: str | None = None
    follow_up: tuple[str, str, str] | None = None


def kind_of(content: Content) -> str:
    if content.get("purpose") == "gathering_evaluation":
        return "gathering_evaluation"
    return "checklist" if content.get("pathway") else "general"


def set_details(content: Content, details: Details) -> None:
    """Set the title, introduction, source, kind, pathway and follow-up."""
    content["title"], content["source"] = details.title, details.source
    _put(content, "intro", details.intro)
    content.pop("purpose", None)
    content.pop("pathway", None)
    if details.kind == "gathering_evaluation":
        content["purpose"] = "gathering_evaluation"
    elif details.kind == "checklist":
        pathway = {"start": details.pathway_start or ""}
        if details.pathway_label:
            pathway["label"] = details.pathway_label
        content["pathway"] = pathway
    _put(content, "follow_up", None if details.follow_up is None else dict(
        zip(("group", "label", "score"), details.follow_up, strict=True)))


def _put(node: Content, key: str, value: Any) -> None:
    if value is None:
        node.pop(key, None)
    else:
        node[key] = value


# --- Sections -------------------------------------------------------------------------------

def add_section(content: Content, title: Text | None, intro: Text | None) -> str:
    """Add an empty section at the end; its id made from the title (or «del»)."""
    taken = {section["id"] for section in content.get("sections") or []}
    key = new_key((title or {}).get("nb") or f"del {len(taken) + 1}", taken, fallback="del")
    section: Content = {"id": key, "items": []}
    _put(section, "title", title)
    _put(section, "intro", intro)
    content.setdefault("sections", []).append(section)
    return key


def edit_section(content: Content, section_id: str, title: Text | None,
                 intro: Text | None) -> None:
    section = content["sections"][section_index(content, section_id)]
    _put(section, "title", title)
    _put(section, "intro", intro)


def move_section(content: Content, section_id: str, direction: str) -> None:
    """One place up or down; at the end it goes nowhere. ValueError for another direction."""
    if direction not in ("up", "down"):
        raise ValueError(direction)
    sections = content["sections"]
    index = section_index(content, section_id)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(sections):
        sections[index], sections[other] = sections[other], sections[index]


def remove_section(content: Content, section_id: str) -> int:
    """Remove a section and its questions; how many questions went. Refused for the last
    section, and while a later condition, the follow-up or the pathway refers to one of
    its questions (`referred`, naming the question and what refers to it)."""
    index = section_index(content, section_id)
    if len(content["sections"]) == 1:
        raise Refused("last_section")
    removed = content["sections"][index].get("items") or []
    blocking = _references(content, {item["id"] for item in removed}, index)
    if blocking:
        raise Refused("referred", blocking[0])
    del content["sections"][index]
    return len(removed)


def _references(content: Content, ids: set[str], skip: int) -> list[tuple[str, str]]:
    """(question referred to, what refers to it) for references outside section `skip`."""
    found = [(item["show_if"]["item"], item["id"])
             for s_index, section in enumerate(content["sections"]) if s_index != skip
             for item in section.get("items") or []
             if (item.get("show_if") or {}).get("item") in ids]
    for part, keys in (("follow_up", ("group",)), ("pathway", ("start", "label"))):
        found += [(value, part) for key in keys
                  if (value := (content.get(part) or {}).get(key)) in ids]
    return found


def questions_in(content: Content, section_id: str) -> int:
    return len(content["sections"][section_index(content, section_id)].get("items") or [])


# --- Scales ---------------------------------------------------------------------------------

def scale_uses(content: Content) -> dict[str, list[Content]]:
    """The items that use each scale (a group's questions too), by scale id."""
    uses: dict[str, list[Content]] = {key: [] for key in content.get("scales") or {}}
    for item in all_items(content):
        if item.get("type") == "scale":
            uses.setdefault(str(item.get("scale")), []).append(item)
    return uses


def scale_content(minimum: int, maximum: int, good: str,
                  labels: Mapping[int, Text | None]) -> Content:
    """A scale as the content holds it (labels by step, as text: JSON keys)."""
    return {"min": minimum, "max": maximum, "good": good,
            "labels": {str(step): text for step, text in sorted(labels.items()) if text}}


def add_scale(content: Content, scale: Content, wanted: str | None = None) -> str:
    """Add a scale under `wanted` if free, else a key made from it (or its range)."""
    scales = content.setdefault("scales", {})
    key = new_key(wanted or f"skala {scale['min']} {scale['max']}", set(scales),
                  fallback="skala")
    scales[key] = scale
    return key


def replace_scale(content: Content, scale_id: str, scale: Content) -> None:
    if scale_id not in (content.get("scales") or {}):
        raise KeyError(scale_id)
    content["scales"][scale_id] = scale


def remove_scale(content: Content, scale_id: str) -> None:
    """Remove a scale no item uses; `in_use` names the items that do."""
    if scale_id not in (content.get("scales") or {}):
        raise KeyError(scale_id)
    users = scale_uses(content).get(scale_id) or []
    if users:
        raise Refused("in_use", tuple(item["id"] for item in users), len(users))
    del content["scales"][scale_id]


@dataclass(frozen=True)
class LibraryScale:
    """A scale of a built-in questionnaire: `ref` 'questionnaire.scale', its content, and
    every built-in that has it."""

    ref: str
    scale: Content
    used_in: tuple[str, ...]


def scale_library(definitions: Mapping[str, Definition]) -> list[LibraryScale]:
    """Every distinct scale of the built-ins (the same range, end and labels is one), in
    the order first met."""
    found: dict[str, LibraryScale] = {}
    for questionnaire_id, definition in definitions.items():
        for scale_id, scale in definition.scales.items():
            dumped = scale.model_dump(mode="json")
            shape = repr(sorted(dumped.items()))
            known = found.get(shape)
            found[shape] = (LibraryScale(f"{questionnaire_id}.{scale_id}", dumped,
                                         (questionnaire_id,)) if known is None else
                            LibraryScale(known.ref, known.scale,
                                         (*known.used_in, questionnaire_id)))
    return list(found.values())


def library_scale(definitions: Mapping[str, Definition], ref: str) -> tuple[str, Content]:
    """(scale id, scale content) of 'questionnaire.scale'; KeyError for an unknown one."""
    questionnaire_id, _dot, scale_id = ref.partition(".")
    definition = definitions.get(questionnaire_id)
    if definition is None or scale_id not in definition.scales:
        raise KeyError(ref)
    return scale_id, definition.scales[scale_id].model_dump(mode="json")


# --- Categories -----------------------------------------------------------------------------

def category_index(content: Content, category_id: str) -> int:
    for index, category in enumerate(content.get("categories") or []):
        if category.get("id") == category_id:
            return index
    raise KeyError(category_id)


def add_category(content: Content, text: Text) -> str:
    """Add a category; its id made from the bokmål text."""
    categories = content.setdefault("categories", [])
    key = new_key(text.get("nb") or "kategori", {c["id"] for c in categories},
                  fallback="kategori")
    categories.append({"id": key, "text": text})
    return key


def edit_category(content: Content, category_id: str, text: Text) -> None:
    content["categories"][category_index(content, category_id)]["text"] = text


def remove_category(content: Content, category_id: str) -> int:
    """Remove a category; its items get none. How many items were in it."""
    del content["categories"][category_index(content, category_id)]
    count = 0
    for item in all_items(content):
        if item.get("category") == category_id:
            del item["category"]
            count += 1
    return count


def items_in_category(content: Content, category_id: str) -> int:
    return sum(1 for item in all_items(content) if item.get("category") == category_id)
