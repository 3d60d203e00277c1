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
    ("title/xx", "Tekst", "bad.yaml: title: unknown language 'xx' (known: nb, nn, en"),
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


# --- Categories: one scale shape per category ---------------------------------------------

def mixed(second: dict) -> dict:
    """The minimal definition with a second scale item, on scale `second`, in category
    'cat' beside q1 (1–5, high is good)."""
    data = minimal()
    data["scales"]["other"] = {**second, "labels": {second["min"]: T, second["max"]: T}}
    data["sections"][0]["items"].insert(1, {"id": "q3", "type": "scale", "scale": "other",
                                            "text": T, "category": "cat"})
    return data


@pytest.mark.parametrize(("second", "shown"), [
    ({"min": 1, "max": 7, "good": "high"}, "'q3' (scale 'other': 1–7, high is good)"),
    ({"min": 1, "max": 5, "good": "low"}, "'q3' (scale 'other': 1–5, low is good)"),
    ({"min": 1, "max": 7, "good": "low"}, "'q3' (scale 'other': 1–7, low is good)"),
    ({"min": 0, "max": 4, "good": "high"}, "'q3' (scale 'other': 0–4, high is good)"),
])
def test_a_category_that_mixes_directions_or_lengths_is_refused(second, shown):
    found = problems(mixed(second), "mine.yaml")
    assert found == [
        "mine.yaml: categories[0]: the category 'cat' mixes scales: 'q1' (scale 's5': 1–5, "
        f"high is good), {shown}; a category's score is the mean of its items, so they need "
        "the same range and the same good end: put them in separate categories"]


def test_two_scales_of_one_shape_may_share_a_category():
    # Other labels, same range and direction: the mean means the same.
    definition = parse_definition(yaml.safe_dump(mixed({"min": 1, "max": 5, "good": "high"})))
    assert [c.id for c in definition.categories] == ["cat"]


def test_every_mixed_category_is_named_once_the_rest_is_right():
    data = mixed({"min": 1, "max": 7, "good": "high"})
    data["categories"].append({"id": "second", "text": T})
    data["sections"][0]["items"] += [
        {"id": "q4", "type": "scale", "scale": "s5", "text": T, "category": "second"},
        {"id": "q5", "type": "scale", "scale": "other", "text": T, "category": "second"}]
    found = problems(data)
    assert [line.split(": ")[1] for line in found] == ["categories[0]", "categories[1]"]
    assert "'q4'" in found[1] and "'q5'" in found[1] and "'q1'" not in found[1]
    with pytest.raises(DefinitionError) as caught:
        parse_definition(yaml.safe_dump(data), "x.yaml")
    assert [(m.category, [use.item for use in m.items]) for m in caught.value.mixed] == [
        ("cat", ["q1", "q3"]), ("second", ["q4", "q5"])]


def test_a_stored_version_that_mixes_scales_still_loads_but_has_no_category_score():
    """Answers point at a stored version, so one stored before the rule must keep loading;
    its mixed category simply gets no mean."""
    from questionnaires.models import QuestionnaireVersion
    from questionnaires.schema import Definition
    from reporting.item_results import category_items

    data = mixed({"min": 1, "max": 7, "good": "high"})
    with pytest.raises(ValueError, match="mixes scales"):
        Definition.model_validate(data)
    definition = QuestionnaireVersion(slug="test", version=1, content=data).definition
    assert category_items(definition) == {"cat": []}
