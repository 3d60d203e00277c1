"""The builder's question pages: add a question of every type (and a group's questions), edit
its texts, options, condition and key, move it, remove it; the schema's problems at their
fields; hostile input; someone else's draft."""

from __future__ import annotations

import html
import re

import pytest

import database
from questionnaires import drafts
from tests.builder_content import two_leads_one_draft
from tests.conftest import csrf_of, log_in

SLUG = "prove"
DRAFT = f"/admin/questionnaires/{SLUG}/draft"
ITEMS = f"{DRAFT}/items"
LEAD, OTHER = "nett@x.no", "annen@y.no"


@pytest.fixture
def lead(app, client, make_account):
    """A network lead whose network owns the draft `sample_content('prove')`."""
    two_leads_one_draft(app, make_account, SLUG, LEAD, OTHER)
    client.set_cookie("lang", "en")
    assert log_in(client, LEAD).status_code == 303
    return client


def content_of(app) -> dict:
    with app.app_context():
        return drafts.draft_of(database.session(), SLUG).content


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post(client, url: str, data: dict, token_from: str | None = None):
    """Post `data` with the CSRF token of the page at `token_from` (else `url`)."""
    token = csrf_of(client.get(token_from or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def items(content, section: int = 0) -> list[str]:
    return [item["id"] for item in content["sections"][section]["items"]]


def item(content, item_id: str) -> dict:
    return next(i for s in content["sections"] for i in s["items"] if i["id"] == item_id)


def t(nb: str, **others: str) -> dict:
    return {"text-nb": nb, **{f"text-{code}": value for code, value in others.items()}}


EVERY_TYPE = {
    "scale": ({"scale": "skala", "dont_know": "y"}, {"scale": "skala", "dont_know": True}),
    "single_choice": ({"options-0-text-nb": "Ja", "options-0-text-en": "Yes",
                       "options-1-text-nb": "Nei", "options-2-text-nb": ""},
                      {"options": [{"value": "ja", "text": {"nb": "Ja", "en": "Yes"}},
                                   {"value": "nei", "text": {"nb": "Nei"}}]}),
    "multiple_choice": ({"options-0-text-nb": "Buss", "options-1-text-nb": "Tog",
                         "options-2-text-nb": "Bil"},
                        {"options": [{"value": "buss", "text": {"nb": "Buss"}},
                                     {"value": "tog", "text": {"nb": "Tog"}},
                                     {"value": "bil", "text": {"nb": "Bil"}}]}),
    "text": ({"max_length": "50"}, {"max_length": 50}),
    "long_text": ({"max_length": "3000"}, {"max_length": 3000}),
    "integer": ({"min": "0", "max": "120"}, {"min": 0, "max": 120}),
    "date": ({"years_back": "3"}, {"years_back": 3}),
    "checklist": ({}, {}),
    "group": ({"min_repeat": "1", "max_repeat": "4", "row_label-nb": "Rad",
               "first_type": "text", "first_text-nb": "Hva gjør du?"},
              {"min_repeat": 1, "max_repeat": 4, "row_label": {"nb": "Rad"},
               "items": [{"id": "hva_gjor_du", "type": "text", "text": {"nb": "Hva gjør du?"}}]}),
}


def test_a_question_of_every_type_is_added_through_the_pages(app, lead):
    for number, (kind, (data, expected)) in enumerate(EVERY_TYPE.items()):
        url = f"{DRAFT}/sections/del_2/new-item?type={kind}"
        response = post(lead, url, {**t(f"Spørsmål {number}"), "required": "y", **data})
        assert response.status_code == 303, (kind, text_of(response))
        assert response.headers["Location"].endswith(f"{DRAFT}#section-del_2")
        added = content_of(app)["sections"][1]["items"][-1]
        assert added == {"id": f"sporsmal_{number}", "type": kind,
                         "text": {"nb": f"Spørsmål {number}"}, **expected}, kind
    assert len(content_of(app)["sections"][1]["items"]) == 1 + len(EVERY_TYPE)


def test_the_type_is_chosen_first(lead):
    page = lead.get(f"{DRAFT}/sections/del_1/new-item")
    assert page.status_code == 200
    assert 'method="get"' in page.get_data(as_text=True)
    assert "Repeating group" in text_of(page)
    wrong = lead.get(f"{DRAFT}/sections/del_1/new-item?type=essay")
    assert wrong.status_code == 422 and "Choose the type of question." in text_of(wrong)
    form = lead.get(f"{DRAFT}/sections/del_1/new-item?type=integer")
    assert form.status_code == 200 and "Largest number allowed" in text_of(form)
    assert lead.get(f"{DRAFT}/sections/nope/new-item?type=text").status_code == 404


def test_a_group_gets_questions_of_every_type_it_may_hold(app, lead):
    child_data = {kind: data for kind, (data, _expected) in EVERY_TYPE.items()
                  if kind not in ("multiple_choice", "group")}
    for kind, data in child_data.items():
        response = post(lead, f"{ITEMS}/g1/new-item?type={kind}", {**t(f"Rad {kind}"), **data})
        assert response.status_code == 303, (kind, text_of(response))
    group = item(content_of(app), "g1")
    assert [c["type"] for c in group["items"][2:]] == list(child_data)
    assert group["items"][2]["scale"] == "skala"
    assert lead.get(f"{ITEMS}/g1/new-item?type=group").status_code == 422
    assert lead.get(f"{ITEMS}/s1/new-item?type=text").status_code == 404


def test_editing_texts_in_several_languages(app, lead):
    page = lead.get(f"{ITEMS}/s1")
    assert page.status_code == 200 and 'value="Hvor fornøyd er du?"' in text_of(page)
    response = post(lead, f"{ITEMS}/s1", {
        **t("Hvor fornøyd er du nå?", nn="Kor nøgd er du no?", en="How satisfied are you now?"),
        "hint-nb": "Tenk på siste uke", "hint-en": "Think of last week", "required": "y",
        "key": "s1", "category": "kat", "scale": "skala"})
    assert response.status_code == 303, text_of(response)
    edited = item(content_of(app), "s1")
    assert edited["text"] == {"nb": "Hvor fornøyd er du nå?", "nn": "Kor nøgd er du no?",
                              "en": "How satisfied are you now?"}
    assert edited["hint"] == {"nb": "Tenk på siste uke", "en": "Think of last week"}
    assert edited["category"] == "kat" and "dont_know" not in edited
    missing = lead.get(f"{ITEMS}/s1")
    assert "Missing: needed before publishing" in text_of(missing)  # the hint in nynorsk


def test_options_keep_their_values_and_an_empty_row_removes_one(app, lead):
    page = text_of(lead.get(f"{ITEMS}/valg"))
    assert page.count("options-") and 'name="options-4-text-nb"' in page  # 2 + 3 empty rows
    response = post(lead, f"{ITEMS}/valg", {
        **t("Valg"), "required": "y", "key": "valg",
        "options-0-text-nb": "Ja, gjerne", "options-1-text-nb": "",
        "options-2-text-nb": "Kanskje", "options-3-text-nb": "Nei"})
    assert response.status_code == 303, text_of(response)
    assert item(content_of(app), "valg")["options"] == [
        {"value": "ja", "text": {"nb": "Ja, gjerne"}},
        {"value": "kanskje", "text": {"nb": "Kanskje"}},
        {"value": "nei", "text": {"nb": "Nei"}}]


def test_an_option_written_without_bokmal_is_refused_at_its_row(app, lead):
    before = content_of(app)
    response = post(lead, f"{ITEMS}/valg", {
        **t("Valg"), "key": "valg", "options-0-text-nb": "Ja", "options-1-text-nb": "Nei",
        "options-2-text-en": "Maybe"})
    assert response.status_code == 422
    assert 'id="error-options-2-text-nb"' in response.get_data(as_text=True)
    assert content_of(app) == before


def test_show_if_offers_the_answers_of_earlier_questions(app, lead):
    page = text_of(lead.get(f"{ITEMS}/t2"))
    assert '<option value="valg=ja">«Valg» = Ja</option>' in page
    assert '<option value="s1=5">«Hvor fornøyd er du?» = 5 (Mye)</option>' in page
    assert "g1=" not in page  # a group's answers cannot be tested
    assert "valg=" not in text_of(lead.get(f"{ITEMS}/s1"))  # only earlier questions
    response = post(lead, f"{ITEMS}/t2", {**t("Noe mer?"), "key": "t2", "max_length": "2000",
                                          "show_if": "s1=2"})
    assert response.status_code == 303, text_of(response)
    assert item(content_of(app), "t2")["show_if"] == {"item": "s1", "equals": 2}
    assert re.search(r'<option selected value="s1=2">', text_of(lead.get(f"{ITEMS}/t2")))
    post(lead, f"{ITEMS}/t2", {**t("Noe mer?"), "key": "t2", "max_length": "2000"})
    assert "show_if" not in item(content_of(app), "t2")


def test_moving_within_the_section_and_the_group(app, lead):
    assert post(lead, f"{ITEMS}/valg/move", {"direction": "up"}, DRAFT).status_code == 303
    assert items(content_of(app)) == ["valg", "s1", "g1"]
    assert post(lead, f"{ITEMS}/valg/move", {"direction": "up"}, DRAFT).status_code == 303
    assert items(content_of(app)) == ["valg", "s1", "g1"]  # already first
    assert post(lead, f"{ITEMS}/g1/items/c1/move", {"direction": "down"}, DRAFT
                ).status_code == 303
    assert [c["id"] for c in item(content_of(app), "g1")["items"]] == ["c2", "c1"]
    assert post(lead, f"{ITEMS}/s1/move", {"direction": "sideways"}, DRAFT).status_code == 400
    assert lead.post(f"{ITEMS}/s1/move", data={"direction": "up"}).status_code == 400  # no token


def test_a_move_above_the_question_a_condition_tests_is_refused(app, lead):
    post(lead, f"{ITEMS}/g1", {**t("Aktiviteter"), "key": "g1", "min_repeat": "1",
                               "max_repeat": "3", "row_label-nb": "Aktivitet",
                               "show_if": "valg=ja"})
    before = content_of(app)
    assert item(before, "g1")["show_if"] == {"item": "valg", "equals": "ja"}
    response = post(lead, f"{ITEMS}/g1/move", {"direction": "up"}, DRAFT)
    assert response.status_code == 422
    assert "is not an item that comes before this one" in text_of(response)
    assert content_of(app) == before


def test_removing_asks_first(app, lead):
    page = lead.get(f"{ITEMS}/valg/remove")
    assert page.status_code == 200 and "Remove the question «Valg»?" in text_of(page)
    assert items(content_of(app)) == ["s1", "valg", "g1"]
    assert post(lead, f"{ITEMS}/valg/remove", {}).status_code == 303
    assert items(content_of(app)) == ["s1", "g1"]
    assert post(lead, f"{ITEMS}/g1/items/c2/remove", {}).status_code == 303
    assert [c["id"] for c in item(content_of(app), "g1")["items"]] == ["c1"]
    last = post(lead, f"{ITEMS}/g1/items/c1/remove", {})  # a group needs a question
    assert last.status_code == 422 and "It cannot be removed yet" in text_of(last)
    assert lead.post(f"{ITEMS}/s1/remove").status_code == 400  # no token
    assert "s1" in items(content_of(app))


def test_a_question_a_condition_tests_is_not_removed(app, lead):
    post(lead, f"{ITEMS}/t2", {**t("Noe mer?"), "key": "t2", "max_length": "9",
                               "show_if": "valg=nei"})
    page = text_of(lead.get(f"{ITEMS}/valg/remove"))
    assert "The condition of «Noe mer?»" in page
    before = content_of(app)
    assert post(lead, f"{ITEMS}/valg/remove", {}).status_code == 422
    assert content_of(app) == before


def test_a_new_key_carries_its_references(app, lead):
    post(lead, f"{ITEMS}/t2", {**t("Noe mer?"), "key": "t2", "max_length": "9",
                               "show_if": "valg=nei"})
    response = post(lead, f"{ITEMS}/valg", {
        **t("Valg"), "key": "svar", "options-0-text-nb": "Ja", "options-1-text-nb": "Nei"})
    assert response.status_code == 303, text_of(response)
    content = content_of(app)
    assert items(content) == ["s1", "svar", "g1"]
    assert item(content, "t2")["show_if"] == {"item": "svar", "equals": "nei"}


def test_a_group_question_renamed_carries_the_follow_up(app, lead):
    with app.app_context():
        db = database.session()
        row = drafts.draft_of(db, SLUG)
        changed = drafts.edited(row)
        changed["follow_up"] = {"group": "g1", "label": "c1", "score": "c2"}
        drafts.save(db, row, changed)
        db.commit()
    response = post(lead, f"{ITEMS}/g1/items/c1", {**t("Hva"), "key": "aktivitet",
                                                   "max_length": "200"})
    assert response.status_code == 303, text_of(response)
    assert content_of(app)["follow_up"] == {"group": "g1", "label": "aktivitet", "score": "c2"}


def test_a_key_in_use_or_malformed_is_refused_at_the_key(app, lead):
    before = content_of(app)
    for key, message in (("valg", "Another question has this key"),
                         ("c1", "Another question has this key"),
                         ("Ugyldig nøkkel", "Use small letters a–z")):
        response = post(lead, f"{ITEMS}/t2", {**t("Noe mer?"), "key": key,
                                              "max_length": "9"})
        assert response.status_code == 422
        assert re.search(r'id="error-key">[^<]*' + message, text_of(response)), key
    assert content_of(app) == before


def test_schema_problems_are_shown_at_their_fields(app, lead):
    before = content_of(app)
    integer = post(lead, f"{DRAFT}/sections/del_1/new-item?type=integer",
                   {**t("Alder"), "min": "10", "max": "10"})
    assert integer.status_code == 422
    assert re.search(r'id="error-max">must be greater than min \(10\)', text_of(integer))
    one_option = post(lead, f"{ITEMS}/valg", {**t("Valg"), "key": "valg",
                                              "options-0-text-nb": "Ja"})
    assert one_option.status_code == 422
    assert re.search(r'id="error-option_list">[^<]*at least 2', text_of(one_option))
    later = post(lead, f"{ITEMS}/s1", {**t("Hvor fornøyd er du?"), "key": "s1",
                                       "scale": "skala", "show_if": "valg=ja"})
    assert later.status_code == 422
    assert re.search(r'id="error-show_if">[^<]*not an item that comes before',
                     text_of(later))
    assert content_of(app) == before


def test_a_scale_question_without_scales_says_where_to_make_one(app, lead):
    with app.app_context():
        db = database.session()
        row = drafts.draft_of(db, SLUG)
        changed = drafts.edited(row)
        changed["scales"] = {}
        changed["sections"][0]["items"] = changed["sections"][0]["items"][1:2]
        drafts.save(db, row, changed)
        db.commit()
    page = text_of(lead.get(f"{DRAFT}/sections/del_1/new-item?type=scale"))
    assert "This questionnaire has no scale yet." in page
    assert f"{DRAFT}/scales" in page


HOSTILE = [
    {"text-nb": "x" * 5000},
    {"text-nb": "Ok", "hint-nb": "h" * 1001, "max_length": "mange", "min": "1e9", "max": "--",
     "years_back": "-1", "min_repeat": "99", "max_repeat": "0"},
    {"text-nb": "Ok", "category": "ukjent", "scale": "ukjent", "show_if": "x=y=<z>",
     "first_type": "group"},
    {"text-nb": "Ok", "key": "A" * 500, "options-999999-text-nb": "Ja",
     "options-x-text-nb": "Nei", "show_if": "ukjent=1"},
    {"text-nb": "\x00", "text-xx": "?", "direction": "🙃", "type": "group"},
]
POST_URLS = [f"{DRAFT}/sections/del_1/new-item", f"{DRAFT}/sections/del_1/new-item?type=text",
             *(f"{DRAFT}/sections/del_1/new-item?type={kind}" for kind in EVERY_TYPE),
             f"{ITEMS}/s1", f"{ITEMS}/valg", f"{ITEMS}/g1", f"{ITEMS}/t2", f"{ITEMS}/s1/move",
             f"{ITEMS}/g1/new-item", f"{ITEMS}/g1/new-item?type=single_choice",
             f"{ITEMS}/g1/items/c1", f"{ITEMS}/g1/items/c2", f"{ITEMS}/g1/items/c1/move",
             f"{ITEMS}/nope", f"{ITEMS}/nope/move", f"{ITEMS}/g1/items/nope/remove",
             f"{ITEMS}/s1/items/c1", f"{DRAFT}/sections/nope/new-item?type=text"]


def test_hostile_input_changes_nothing(app, lead):
    before = content_of(app)
    token = csrf_of(lead.get(DRAFT).get_data(as_text=True))
    for url in POST_URLS:
        for data in HOSTILE:
            response = lead.post(url, data={"csrf_token": token, **data})
            assert 400 <= response.status_code < 500, (url, data, response.status_code)
        assert lead.post(url, data=HOSTILE[1]).status_code in (400, 404, 422), url
    for url in (f"{ITEMS}/s1/remove", f"{ITEMS}/g1/items/c1/remove"):
        assert lead.post(url, data={"csrf_token": "forged"}).status_code == 400
    assert content_of(app) == before


def test_someone_elses_draft_is_not_theirs_to_change(app, client, lead):
    before = content_of(app)
    client.post("/admin/logout", data={"csrf_token": csrf_of(
        client.get("/admin/").get_data(as_text=True))})
    assert log_in(client, OTHER).status_code == 303
    token = csrf_of(client.get("/admin/").get_data(as_text=True))
    for url in (f"{DRAFT}/sections/del_1/new-item?type=text", f"{ITEMS}/s1",
                f"{ITEMS}/g1/items/c1", f"{ITEMS}/g1/new-item?type=text"):
        assert client.get(url).status_code in (403, 404), url
    for url in (f"{DRAFT}/sections/del_1/new-item?type=text", f"{ITEMS}/s1",
                f"{ITEMS}/s1/move", f"{ITEMS}/s1/remove", f"{ITEMS}/g1/items/c1/remove",
                f"{ITEMS}/g1/items/c1/move", f"{ITEMS}/g1/new-item?type=text"):
        response = client.post(url, data={"csrf_token": token, "direction": "down",
                                          **t("Kapret")})
        assert response.status_code in (403, 404), url
    assert content_of(app) == before
