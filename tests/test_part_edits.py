"""The builder's pure edits of a questionnaire's frame (`questionnaires.part_edits`): each
change of the content, and each refusal, without a request."""

from __future__ import annotations

import copy

import pytest

from questionnaires import drafts, part_edits
from questionnaires.loader import builtin_definitions
from questionnaires.part_edits import Details, Refused
from tests.builder_content import sample_content


def _t(text: str) -> dict[str, str]:
    return {"nb": text, "nn": text, "en": text}


@pytest.fixture
def content():
    return sample_content("mitt")


def test_a_new_section_is_empty_at_the_end_and_the_draft_takes_it(content):
    key = part_edits.add_section(content, _t("Om deg"), None)
    assert key == "om_deg"
    assert content["sections"][-1] == {"id": "om_deg", "title": _t("Om deg"), "items": []}
    assert part_edits.add_section(content, None, None) == "del_4"
    assert "title" not in content["sections"][-1]
    drafts.check(content)


def test_editing_a_section_sets_and_clears_its_texts(content):
    part_edits.edit_section(content, "del_1", None, _t("Innledning"))
    assert "title" not in content["sections"][0]
    assert content["sections"][0]["intro"] == _t("Innledning")
    with pytest.raises(KeyError):
        part_edits.edit_section(content, "nope", None, None)


def test_moving_a_section_swaps_it_with_its_neighbour(content):
    part_edits.move_section(content, "del_2", "up")
    assert [s["id"] for s in content["sections"]] == ["del_2", "del_1"]
    part_edits.move_section(content, "del_2", "up")  # already first: stays
    assert [s["id"] for s in content["sections"]] == ["del_2", "del_1"]
    with pytest.raises(ValueError):
        part_edits.move_section(content, "del_2", "sideways")


def test_removing_a_section_removes_its_questions_but_never_the_last(content):
    assert part_edits.remove_section(content, "del_1") == 3
    assert [s["id"] for s in content["sections"]] == ["del_2"]
    with pytest.raises(Refused) as refused:
        part_edits.remove_section(content, "del_2")
    assert refused.value.reason == "last_section"


def test_a_section_whose_question_a_later_condition_asks_about_stays(content):
    content["sections"][1]["items"][0]["show_if"] = {"item": "valg", "equals": "ja"}
    with pytest.raises(Refused) as refused:
        part_edits.remove_section(content, "del_1")
    assert (refused.value.reason, refused.value.names) == ("referred", ("valg", "t2"))
    content["sections"][1]["items"][0].pop("show_if")
    content["follow_up"] = {"group": "g1", "label": "c1", "score": "c2"}
    with pytest.raises(Refused) as refused:
        part_edits.remove_section(content, "del_1")
    assert refused.value.names == ("g1", "follow_up")


def test_details_set_the_kind_and_leave_out_what_another_kind_had(content):
    content["sections"][1]["items"] += [
        {"id": "dato", "type": "date", "text": _t("Dato")},
        {"id": "steg", "type": "checklist", "text": _t("Steg")}]
    details = Details(_t("Nytt navn"), None, _t("Kilde"), "checklist", "dato", None,
                      ("g1", "c1", "c2"))
    part_edits.set_details(content, details)
    assert content["pathway"] == {"start": "dato"}
    assert content["follow_up"] == {"group": "g1", "label": "c1", "score": "c2"}
    assert part_edits.kind_of(content) == "checklist"
    drafts.check(content)
    part_edits.set_details(content, Details(_t("Nytt navn"), _t("Hei"), _t("Kilde"),
                                            "gathering_evaluation"))
    assert "pathway" not in content and "follow_up" not in content
    assert content["purpose"] == "gathering_evaluation" and content["intro"] == _t("Hei")


def test_choices_list_what_the_draft_has(content):
    assert [i["id"] for i in part_edits.top_items(content, ("group",))] == ["g1"]
    assert [(g["id"], c["id"]) for g, c in part_edits.group_children(content, "scale")] == [
        ("g1", "c2")]


def test_a_scale_in_use_cannot_be_removed_and_one_not_in_use_can(content):
    with pytest.raises(Refused) as refused:
        part_edits.remove_scale(content, "skala")
    assert refused.value.names == ("s1", "c2")
    key = part_edits.add_scale(content, part_edits.scale_content(
        0, 10, "low", {0: _t("Ingen"), 5: None, 10: _t("Verst")}))
    assert key == "skala_0_10"
    assert content["scales"][key]["labels"] == {"0": _t("Ingen"), "10": _t("Verst")}
    drafts.check(content)
    part_edits.remove_scale(content, key)
    assert key not in content["scales"]


def test_scale_uses_count_a_groups_questions(content):
    assert [i["id"] for i in part_edits.scale_uses(content)["skala"]] == ["s1", "c2"]


def test_the_scale_library_lists_each_builtin_scale_once():
    definitions = builtin_definitions()
    library = part_edits.scale_library(definitions)
    shapes = [repr(sorted(entry.scale.items())) for entry in library]
    assert len(shapes) == len(set(shapes))
    total = sum(len(d.scales) for d in definitions.values())
    assert 0 < len(library) <= total
    first = library[0]
    key, scale = part_edits.library_scale(definitions, first.ref)
    assert scale == first.scale and key == first.ref.partition(".")[2]
    with pytest.raises(KeyError):
        part_edits.library_scale(definitions, "nope.nope")


def test_a_library_scale_is_copied_under_a_free_id(content):
    scale = copy.deepcopy(content["scales"]["skala"])
    assert part_edits.add_scale(content, scale, "skala") == "skala_2"
    drafts.check(content)


def test_categories_are_added_edited_and_removed_leaving_their_items_in_none(content):
    assert part_edits.add_category(content, _t("Trygghet")) == "trygghet"
    assert part_edits.add_category(content, _t("Trygghet")) == "trygghet_2"
    part_edits.edit_category(content, "trygghet", _t("Tryggheten"))
    assert content["categories"][1]["text"] == _t("Tryggheten")
    assert part_edits.items_in_category(content, "kat") == 1
    assert part_edits.remove_category(content, "kat") == 1
    assert "category" not in content["sections"][0]["items"][0]
    drafts.check(content)
