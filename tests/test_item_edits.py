"""The builder's pure changes to a draft's questions (`questionnaires.item_edits`)."""

from __future__ import annotations

import pytest

from questionnaires import drafts
from questionnaires import item_edits as edits
from tests.builder_content import sample_content


def _t(text: str) -> dict[str, str]:
    return {"nb": text, "nn": text, "en": text}


def ids(content, section: int = 0) -> list[str]:
    return [item["id"] for item in content["sections"][section]["items"]]


def test_places_are_found_by_id_and_unknown_ids_are_none():
    content = sample_content("prove")
    assert edits.section_index(content, "del_2") == 1
    assert edits.section_index(content, "nope") is None
    assert edits.item_place(content, "t2") == (1, 0)
    assert edits.item_place(content, "c1") is None  # a group's question is not top-level
    assert edits.child_place(content, "g1", "c2") == (0, 2, 1)
    assert edits.child_place(content, "s1", "c2") is None
    assert edits.path_of((0, 2, 1)) == "sections[0].items[2].items[1]"
    assert edits.item_at(content, (0, 2, 1))["id"] == "c2"


def test_keys_in_use_include_the_questions_of_groups():
    assert edits.keys_in_use(sample_content("prove")) == {"s1", "valg", "g1", "c1", "c2", "t2"}


def test_earlier_items_stop_before_a_place_or_after_a_section():
    content = sample_content("prove")
    assert [i["id"] for i in edits.earlier_items(content, (0, 2))] == ["s1", "valg"]
    assert [i["id"] for i in edits.earlier_items(content, (1, 0))] == ["s1", "valg", "g1"]
    assert [i["id"] for i in edits.earlier_items(content, None, 0)] == ["s1", "valg", "g1"]
    assert len(edits.earlier_items(content, None, 1)) == 4


def test_add_replace_move_and_remove():
    content = sample_content("prove")
    new = {"id": "ny", "type": "checklist", "text": _t("Ny")}
    assert edits.add_item(content, 1, new) == (1, 1)
    assert ids(content, 1) == ["t2", "ny"]
    assert edits.add_child(content, (0, 2), {"id": "c3", "type": "date", "text": _t("Når")}) \
        == (0, 2, 2)
    assert edits.move(content, (1, 1), "up") and ids(content, 1) == ["ny", "t2"]
    assert not edits.move(content, (1, 0), "up") and ids(content, 1) == ["ny", "t2"]
    assert edits.move(content, (0, 2, 0), "down")
    assert [c["id"] for c in content["sections"][0]["items"][2]["items"]] == ["c2", "c1", "c3"]
    assert edits.remove(content, (0, 0))["id"] == "s1"
    assert ids(content) == ["valg", "g1"]
    drafts.check(content)


def test_replacing_a_group_keeps_its_questions():
    content = sample_content("prove")
    edits.replace(content, (0, 2), {"id": "g1", "type": "group", "max_repeat": 5,
                                    "text": _t("Nye"), "row_label": _t("Rad")})
    group = content["sections"][0]["items"][2]
    assert group["max_repeat"] == 5 and [c["id"] for c in group["items"]] == ["c1", "c2"]


@pytest.fixture
def linked():
    """The sample with a condition on «valg», a follow-up on g1 and a pathway."""
    content = sample_content("prove")
    content["sections"][1]["items"].append(
        {"id": "hvorfor", "type": "text", "text": _t("Hvorfor?"),
         "show_if": {"item": "valg", "equals": "ja"}})
    content["follow_up"] = {"group": "g1", "label": "c1", "score": "c2"}
    return content


def test_references_name_every_pointer(linked):
    assert edits.references(linked, "valg") == ["sections[1].items[1].show_if"]
    assert edits.references(linked, "g1") == ["follow_up.group"]
    assert edits.references(linked, "c2", group="g1") == ["follow_up.score"]
    assert edits.references(linked, "c2") == []
    assert edits.references(linked, "t2") == []


def test_renaming_a_key_carries_its_references(linked):
    edits.rename_key(linked, "valg", "svar")
    linked["sections"][0]["items"][1]["id"] = "svar"
    edits.rename_key(linked, "g1", "aktiviteter")
    linked["sections"][0]["items"][2]["id"] = "aktiviteter"
    edits.rename_key(linked, "c1", "hva", group="aktiviteter")
    linked["sections"][0]["items"][2]["items"][0]["id"] = "hva"
    assert linked["sections"][1]["items"][1]["show_if"] == {"item": "svar", "equals": "ja"}
    assert linked["follow_up"] == {"group": "aktiviteter", "label": "hva", "score": "c2"}
    drafts.check(linked)


def test_renaming_carries_the_pathway():
    content = sample_content("prove")
    content["sections"][1]["items"] += [
        {"id": "start", "type": "date", "text": _t("Start")},
        {"id": "steg", "type": "checklist", "text": _t("Steg")}]
    content["pathway"] = {"start": "start"}
    edits.rename_key(content, "start", "begynte")
    assert content["pathway"] == {"start": "begynte"}
