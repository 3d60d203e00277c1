"""Every kind of bad definition gets a message that names the file, the path and the reason."""

from __future__ import annotations

import copy

import pytest
import yaml

from questionnaires.loader import BUILTIN_DIR, DefinitionError, parse_definition

T = {"nb": "Tekst", "nn": "Tekst", "en": "Text"}


def minimal() -> dict:
    return {
        "id": "test", "version": 1, "title": T, "source": T,
        "scales": {"s5": {"min": 1, "max": 5, "good": "high", "labels": {1: T, 5: T}}},
        "categories": [{"id": "cat", "text": T}],
        "sections": [{"id": "one", "items": [
            {"id": "q1", "type": "scale", "scale": "s5", "text": T, "category": "cat"},
            {"id": "who", "type": "single_choice", "text": T,
             "options": [{"value": "a", "text": T}, {"value": "b", "text": T}]},
            {"id": "q2", "type": "text", "text": T, "required": False,
             "show_if": {"item": "who", "equals": "b"}},
        ]}],
    }


def problems(data: dict, source: str = "bad.yaml") -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(yaml.safe_dump(data, allow_unicode=True), source)
    return caught.value.problems


def test_minimal_definition_is_valid():
    definition = parse_definition(yaml.safe_dump(minimal(), allow_unicode=True))
    assert [i.id for i in definition.items()] == ["q1", "who", "q2"]


def broken(path: str, value) -> dict:
    """A copy of the minimal definition with one value replaced (value None deletes it)."""
    data = copy.deepcopy(minimal())
    *parents, last = path.split("/")
    node = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is None:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(("path", "value", "expected"), [
    ("title", None, "bad.yaml: title: this field is required"),
    ("title/nn", None, "bad.yaml: title.nn: this field is required"),
    ("title/en", "", "bad.yaml: title.en: String should have at least 1 character"),
    ("version", 0, "bad.yaml: version: Input should be greater than or equal to 1"),
    ("id", "Bad Id", "bad.yaml: id: String should match pattern"),
    ("colour", "blue", "bad.yaml: colour: unknown field (check the spelling)"),
    ("scales/s5/max", 1, "bad.yaml: scales.s5: max (1) must be greater than min (1)"),
    ("scales/s5/good", "up", "bad.yaml: scales.s5.good: Input should be 'high' or 'low'"),
    ("scales/s5/labels", {1: T}, "bad.yaml: scales.s5: both ends of the scale need a label"),
    ("scales/s5/labels", {1: T, 5: T, 9: T}, "bad.yaml: scales.s5: labels [9] lie outside"),
    ("sections/0/items/0/type", "slider",
     "bad.yaml: sections[0].items[0]: unknown item type 'slider'"),
    ("sections/0/items/0/scale", "s9",
     "bad.yaml: sections[0].items[0].scale: unknown scale 's9' (defined: s5)"),
    ("sections/0/items/0/category", "nope",
     "bad.yaml: sections[0].items[0].category: unknown category 'nope'"),
    ("sections/0/items/1/id", "q1",
     "bad.yaml: sections[0].items[1].id: the item id 'q1' is used twice"),
    ("sections/0/items/1/options", [{"value": "a", "text": T}],
     "bad.yaml: sections[0].items[1].options: List should have at least 2 items"),
    ("sections/0/items/2/show_if", {"item": "later", "equals": "b"},
     "bad.yaml: sections[0].items[2].show_if.item: 'later' is not an item that comes before"),
    ("sections/0/items/2/show_if", {"item": "who", "equals": "c"},
     "bad.yaml: sections[0].items[2].show_if.equals: 'c' is not a value of 'who'"),
    ("sections/0/items/2/max_length", 0,
     "bad.yaml: sections[0].items[2].max_length: Input should be greater than or equal to 1"),
    ("sections/0/items", [], "bad.yaml: sections[0].items: List should have at least 1 item"),
])
def test_bad_definition_gets_precise_message(path, value, expected):
    found = problems(broken(path, value))
    assert any(p.startswith(expected) for p in found), found


def test_integer_bounds_and_group_rules_are_checked():
    data = minimal()
    data["sections"][0]["items"] = [
        {"id": "n", "type": "integer", "text": T, "min": 5, "max": 5},
        {"id": "g", "type": "group", "text": T, "row_label": T, "min_repeat": 3, "max_repeat": 2,
         "items": [{"id": "a", "type": "text", "text": T}, {"id": "a", "type": "text", "text": T}]},
    ]
    found = problems(data)
    assert "bad.yaml: sections[0].items[0].max: must be greater than min (5)" in found[0]
    assert "sections[0].items[1].min_repeat: must not exceed max_repeat (2)" in found[0]
    assert "sections[0].items[1].items: two items in the group have the same id" in found[0]


def test_yaml_syntax_error_names_line():
    with pytest.raises(DefinitionError) as caught:
        parse_definition("id: x\ntitle: [unclosed\n", "broken.yaml")
    assert caught.value.problems[0].startswith("broken.yaml: line ")


def test_not_a_mapping():
    with pytest.raises(DefinitionError, match="must hold a mapping"):
        parse_definition("- just\n- a list\n", "list.yaml")


def test_builtin_files_are_valid_and_named_after_their_id():
    from questionnaires.loader import builtin_definitions

    definitions = builtin_definitions()
    assert set(definitions) == {p.stem for p in BUILTIN_DIR.glob("*.yaml")}
    assert set(definitions) == {"psfs", "brukerundersokelse", "parorende", "samling",
                                "sjekkliste", "samhandling", "oppfolging"}
    for definition in definitions.values():
        assert definition.source.nb and definition.source.nn and definition.source.en


def test_builtins_cover_every_item_type():
    from questionnaires.loader import builtin_definitions

    types = set()
    for definition in builtin_definitions().values():
        for item in definition.items():
            types.add(item.type)
            types.update(child.type for child in getattr(item, "items", []))
    assert types == {"scale", "single_choice", "multiple_choice", "text", "long_text",
                     "integer", "checklist", "date", "group"}
