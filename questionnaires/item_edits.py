"""The builder's changes to a draft's questions, as plain operations on its content.

A draft's content is the dict a YAML file holds (`questionnaires.drafts`); the builder's pages
change one question at a time. Kept apart from the pages so each change can be tested without
a request and the schema stays the only judge: these functions change the dict in place and
return where the question now lies (its path, as the schema's problems name it), and
`drafts.save` decides whether the result may be kept.

Keys are what results are compared by and what conditions, the follow-up and the pathway
point at, so renaming one (`rename_key`) carries every reference along.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

Content = dict[str, Any]
Item = dict[str, Any]
Direction = Literal["up", "down"]


def section_index(content: Content, section_id: str) -> int | None:
    """The position of the section with this id, or None."""
    return next((s for s, section in enumerate(content.get("sections") or [])
                 if section.get("id") == section_id), None)


def item_place(content: Content, item_id: str) -> tuple[int, int] | None:
    """(section, item) position of the top-level item with this id, or None."""
    for s, section in enumerate(content.get("sections") or []):
        for i, item in enumerate(section.get("items") or []):
            if item.get("id") == item_id:
                return s, i
    return None


def child_place(content: Content, group_id: str, child_id: str) -> tuple[int, int, int] | None:
    """(section, item, child) position of a question inside a repeating group, or None."""
    place = item_place(content, group_id)
    if place is None:
        return None
    group = item_at(content, place)
    if group.get("type") != "group":
        return None
    for c, child in enumerate(group.get("items") or []):
        if child.get("id") == child_id:
            return (*place, c)
    return None


def item_at(content: Content, place: tuple[int, ...]) -> Item:
    """The item at a (section, item) or (section, item, child) position."""
    item = content["sections"][place[0]]["items"][place[1]]
    return item["items"][place[2]] if len(place) == 3 else item


def path_of(place: tuple[int, ...]) -> str:
    """The schema's path of the item at a position: 'sections[0].items[2]' (.items[1])."""
    path = f"sections[{place[0]}].items[{place[1]}]"
    return f"{path}.items[{place[2]}]" if len(place) == 3 else path


def every_item(content: Content) -> Iterator[Item]:
    """Every question, top-level and inside groups, in order."""
    for section in content.get("sections") or []:
        for item in section.get("items") or []:
            yield item
            yield from item.get("items") or []


def keys_in_use(content: Content) -> set[str]:
    """Every question's key: a new one must differ from all of them, so a key names one
    question of the questionnaire wherever it is."""
    return {item["id"] for item in every_item(content) if "id" in item}


def earlier_items(content: Content, before: tuple[int, ...] | None,
                  section: int | None = None) -> list[Item]:
    """The top-level items before a position; `before` None: every item up to the end of
    `section` (where a new item is added)."""
    found: list[Item] = []
    for s, each in enumerate(content.get("sections") or []):
        for i, item in enumerate(each.get("items") or []):
            if before is not None and (s, i) >= before:
                return found
            found.append(item)
        if before is None and s == section:
            return found
    return found


def add_item(content: Content, section: int, item: Item) -> tuple[int, int]:
    """Put a new item last in a section; its position."""
    items = content["sections"][section].setdefault("items", [])
    items.append(item)
    return section, len(items) - 1


def add_child(content: Content, group: tuple[int, ...], child: Item) -> tuple[int, ...]:
    """Put a new question last in a repeating group; its position."""
    children = item_at(content, group).setdefault("items", [])
    children.append(child)
    return (*group, len(children) - 1)


def replace(content: Content, place: tuple[int, ...], item: Item) -> None:
    """Put `item` where the item at `place` was; a group keeps its questions."""
    old = item_at(content, place)
    if old.get("type") == "group" and item.get("type") == "group" and "items" not in item:
        item = {**item, "items": old.get("items", [])}
    siblings = _siblings(content, place)
    siblings[place[-1]] = item


def move(content: Content, place: tuple[int, ...], direction: Direction) -> bool:
    """Swap the item with its neighbour above or below in its section (or group); False
    when it is already first or last, and nothing changed."""
    siblings = _siblings(content, place)
    index = place[-1]
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    return True


def remove(content: Content, place: tuple[int, ...]) -> Item:
    """Take the item out of its section (or group); the item removed."""
    return _siblings(content, place).pop(place[-1])


def _siblings(content: Content, place: tuple[int, ...]) -> list[Item]:
    items = content["sections"][place[0]]["items"]
    return items[place[1]]["items"] if len(place) == 3 else items


def references(content: Content, key: str, group: str | None = None) -> list[str]:
    """Where the content points at the item `key` (a question of `group` when given): the
    paths of the conditions, the follow-up and the pathway that name it."""
    found: list[str] = []
    follow_up, pathway = content.get("follow_up") or {}, content.get("pathway") or {}
    if group is None:
        for s, section in enumerate(content.get("sections") or []):
            for i, item in enumerate(section.get("items") or []):
                if (item.get("show_if") or {}).get("item") == key:
                    found.append(f"sections[{s}].items[{i}].show_if")
        found += [f"pathway.{name}" for name in ("start", "label") if pathway.get(name) == key]
        found += ["follow_up.group"] if follow_up.get("group") == key else []
    elif follow_up.get("group") == group:
        found += [f"follow_up.{name}" for name in ("label", "score")
                  if follow_up.get(name) == key]
    return found


def rename_key(content: Content, old: str, new: str, group: str | None = None) -> None:
    """Give the item `old` (a question of `group` when given) the key `new`, and every
    condition, follow-up and pathway that points at it the new key too. The item itself is
    renamed by the caller, which replaces it."""
    for path in references(content, old, group):
        part, _, name = path.rpartition(".")
        if name == "show_if":
            place = _place_of_path(part + ".show_if")
            item_at(content, place)["show_if"]["item"] = new
        else:
            content[part][name] = new


def _place_of_path(path: str) -> tuple[int, int]:
    """(section, item) of 'sections[s].items[i].show_if'."""
    numbers = [int(part.partition("]")[0]) for part in path.split("[")[1:]]
    return numbers[0], numbers[1]
