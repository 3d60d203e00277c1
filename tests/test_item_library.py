"""The item library's content operations: a picked question keeps its key and brings its
scale and category, and a taken key refuses the whole pick (`questionnaires.item_library`)."""

from __future__ import annotations

import copy

import pytest

from questionnaires import drafts
from questionnaires.item_library import (
    CHOSEN_TWICE,
    IN_DRAFT,
    PickRefused,
    add_items,
    parse_picks,
    pick_value,
    same_scale_key,
    shelves,
)
from questionnaires.loader import builtin_definitions
from tests.builder_content import sample_content

BUILTIN = builtin_definitions()


def picks(*values: str):
    found, unknown = parse_picks(values, BUILTIN)
    assert not unknown
    return found


def items_of(content, section: int = 0) -> dict:
    return {item["id"]: item for item in content["sections"][section]["items"]}


def test_the_seeds_statement_is_an_item_of_the_user_survey():
    """«Jeg får den hjelp jeg trenger, når jeg trenger det» (the seeds' slide title) is the
    built-in `tilgjengelig_hjelp`, in the category «Tilgjengelighet»: the library offers it."""
    shelf = next(s for s in shelves(BUILTIN) if s.definition.id == "brukerundersokelse")
    item = next(i for i in shelf.items if i.id == "tilgjengelig_hjelp")
    assert item.text.nb.startswith("Jeg får den hjelp jeg trenger, når jeg trenger det")
    assert item.category == "tilgjengelighet"
    assert {c.id for c in shelf.definition.categories} == {
        "resultat", "brukermedvirkning", "respekt", "tilgjengelighet", "informasjon", "helhet"}


def test_every_builtin_questionnaire_is_a_shelf_with_its_top_level_items():
    found = {shelf.definition.id: [i.id for i in shelf.items] for shelf in shelves(BUILTIN)}
    assert set(found) == set(BUILTIN)
    assert found["psfs"] == ["activities"]  # the group as a whole


def test_a_picked_item_keeps_its_key_and_brings_its_scale_and_category():
    content = sample_content("mitt")
    before = copy.deepcopy(content)
    added = add_items(content, "del_2", picks("brukerundersokelse.tilgjengelig_hjelp"))
    assert content == before  # the caller's content is never changed
    item = items_of(added.content, 1)["tilgjengelig_hjelp"]
    assert item["scale"] == "agree7" and item["category"] == "tilgjengelighet"
    assert added.content["scales"]["agree7"]["max"] == 7
    assert {"id": "tilgjengelighet", "text": {"nb": "Tilgjengelighet", "nn": "Tilgjenge",
                                              "en": "Availability"}} in added.content["categories"]
    assert added.keys == ["tilgjengelig_hjelp"]
    drafts.check(added.content)  # still a definition


def test_a_scale_of_the_same_id_is_reused_when_identical_and_copied_when_not():
    content = sample_content("mitt")
    content["scales"]["agree7"] = BUILTIN["brukerundersokelse"].scales["agree7"].model_dump(
        mode="json")
    added = add_items(content, "del_1", picks("brukerundersokelse.respekt_tid"))
    assert items_of(added.content)["respekt_tid"]["scale"] == "agree7"
    assert set(added.content["scales"]) == {"skala", "agree7"} and not added.renamed_scales

    content = sample_content("mitt")
    content["scales"]["agree7"] = content["scales"]["skala"]  # a 1–5 scale under that id
    added = add_items(content, "del_1", picks("brukerundersokelse.respekt_tid",
                                              "brukerundersokelse.respekt_behandling"))
    new = items_of(added.content)
    assert new["respekt_tid"]["scale"] == new["respekt_behandling"]["scale"] == "agree7_2"
    assert added.content["scales"]["agree7_2"]["max"] == 7
    assert added.content["scales"]["agree7"]["max"] == 5  # the draft's own scale untouched
    assert added.renamed_scales == {"agree7": "agree7_2"}
    drafts.check(added.content)


def test_a_group_brings_its_childrens_scale():
    added = add_items(sample_content("mitt"), "del_2", picks("psfs.activities"))
    group = items_of(added.content, 1)["activities"]
    assert [child["id"] for child in group["items"]] == ["activity", "score"]
    assert added.content["scales"]["psfs"]["max"] == 10
    drafts.check(added.content)


def test_a_condition_on_an_item_not_in_the_draft_is_dropped_and_kept_when_it_is():
    added = add_items(sample_content("mitt"), "del_1", picks("brukerundersokelse.helper"))
    assert "show_if" not in items_of(added.content)["helper"]
    assert added.dropped_conditions == ["helper"]

    added = add_items(sample_content("mitt"), "del_1", picks(
        "brukerundersokelse.helper", "brukerundersokelse.who_answered"))
    # in the library's order: the item tested comes first
    assert [i["id"] for i in added.content["sections"][0]["items"]][-2:] == [
        "who_answered", "helper"]
    assert items_of(added.content)["helper"]["show_if"] == {"item": "who_answered",
                                                            "equals": "with_help"}
    assert added.dropped_conditions == []
    drafts.check(added.content)


def test_a_key_in_the_draft_or_chosen_twice_refuses_the_whole_pick():
    content = add_items(sample_content("mitt"), "del_1",
                        picks("brukerundersokelse.tilgjengelig_hjelp")).content
    before = copy.deepcopy(content)
    with pytest.raises(PickRefused) as refused:
        add_items(content, "del_2", picks("brukerundersokelse.tilgjengelig_hjelp",
                                          "brukerundersokelse.respekt_tid"))
    assert refused.value.reasons == {"brukerundersokelse.tilgjengelig_hjelp": IN_DRAFT}
    assert content == before
    shared = [slug for slug, d in BUILTIN.items() if any(i.id == "comment" for i in d.items())]
    assert len(shared) >= 2
    with pytest.raises(PickRefused) as refused:
        add_items(content, "del_2", picks(*(pick_value(slug, "comment") for slug in shared)))
    assert list(refused.value.reasons.values()) == [CHOSEN_TWICE] * (len(shared) - 1)
    assert content == before


def test_unknown_values_and_sections_are_named():
    found, unknown = parse_picks(["psfs.activities", "psfs.nope", "nope.x", "x", ""], BUILTIN)
    assert [p.item.id for p in found] == ["activities"]
    assert unknown == ["", "nope.x", "psfs.nope", "x"]
    with pytest.raises(KeyError):
        add_items(sample_content("mitt"), "no_such_section", found)


def test_scales_are_the_same_by_steps_direction_and_bokmal_labels():
    scale = BUILTIN["brukerundersokelse"].scales["agree7"].model_dump(mode="json")
    other = copy.deepcopy(scale)
    other["labels"]["1"]["en"] = "Completely disagree"
    assert same_scale_key(scale) == same_scale_key(other)
    other["good"] = "low"
    assert same_scale_key(scale) != same_scale_key(other)
    assert same_scale_key("not a scale") is None
