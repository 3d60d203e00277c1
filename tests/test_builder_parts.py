"""The builder's frame pages (`staff.builder_parts`): details and kind, sections, scales
(new, and from the scale library) and categories, through the test client, with what the
draft holds afterwards; refusals at the field; hostile input changing nothing."""

from __future__ import annotations

import html

import pytest

import database
from questionnaires import drafts
from questionnaires.loader import builtin_definitions
from surveys.models import Network
from surveys.questionnaire_owners import QuestionnaireOwner
from tests.builder_content import sample_content
from tests.conftest import csrf_of, log_in

ADMIN = "admin@kommune.no"
SLUG = "mitt"
BASE = f"/admin/questionnaires/{SLUG}/draft"


def _t(text: str) -> dict[str, str]:
    return {"nb": text, "nn": text, "en": text}


@pytest.fixture
def admin(app, client, make_account):
    make_account(ADMIN, is_admin=True)
    with app.app_context():
        drafts.start(database.session(), sample_content(SLUG))
        database.session().commit()
    client.set_cookie("lang", "en")
    assert log_in(client, ADMIN).status_code == 303
    return client


def content_of(app, slug: str = SLUG) -> dict:
    with app.app_context():
        return drafts.draft_of(database.session(), slug).content


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post(client, url: str, data: dict, page: str | None = None):
    """Post `data` with the CSRF token of the page at `page` (or `url`)."""
    token = csrf_of(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def texts(name: str, text: str, **others: str) -> dict[str, str]:
    return {f"{name}-nb": text, **{f"{name}-{code}": value for code, value in others.items()}}


# --- Details --------------------------------------------------------------------------------

def details_data(**changes) -> dict[str, str]:
    data = {**texts("title", "Mitt skjema", en="My form"), **texts("source", "Oss"),
            "kind": "general", "pathway_start": "", "pathway_label": "",
            "follow_up_group": "", "follow_up_label": "", "follow_up_score": ""}
    return {**data, **changes}


def test_the_details_page_shows_the_draft_and_saves_title_intro_source_and_kind(app, admin):
    page = text_of(admin.get(f"{BASE}/details"))
    assert 'value="Skjema mitt"' in page and "Laget for testene</textarea>" in page
    assert "Aktiviteter › Hvor godt" in page  # the group's scale, offered for a follow-up
    response = post(admin, f"{BASE}/details", details_data(
        **texts("intro", "Velkommen"), kind="gathering_evaluation", follow_up_group="g1",
        follow_up_label="g1.c1", follow_up_score="g1.c2"))
    assert response.status_code == 303
    content = content_of(app)
    assert content["title"] == {"nb": "Mitt skjema", "en": "My form"}
    assert content["intro"] == {"nb": "Velkommen"} and content["source"] == {"nb": "Oss"}
    assert content["purpose"] == "gathering_evaluation"
    assert content["follow_up"] == {"group": "g1", "label": "c1", "score": "c2"}


def test_a_title_another_questionnaire_has_is_refused_at_the_field(app, admin):
    taken = builtin_definitions()["psfs"].title.en
    before = content_of(app)
    response = post(admin, f"{BASE}/details", details_data(**{"title-en": taken.upper()}))
    assert response.status_code == 422
    page = text_of(response)
    assert 'id="error-title-en"' in page and "Another questionnaire has this title" in page
    assert content_of(app) == before
    # its own title is no one else's
    assert post(admin, f"{BASE}/details", details_data(
        **{"title-nb": "Skjema mitt"})).status_code == 303


def test_a_checklist_needs_a_date_question_for_its_pathway(app, admin):
    before = content_of(app)
    response = post(admin, f"{BASE}/details", details_data(kind="checklist"))
    assert response.status_code == 422
    assert "A checklist needs a date question" in text_of(response)
    assert content_of(app) == before


def test_a_checklist_pathway_is_chosen_and_the_schema_speaks_at_the_field(app, admin):
    with app.app_context():
        row = drafts.draft_of(database.session(), SLUG)
        content = drafts.edited(row)
        content["sections"][1]["items"].append({"id": "dato", "type": "date",
                                                "text": _t("Startdato")})
        drafts.save(database.session(), row, content)
        database.session().commit()
    before = content_of(app)
    response = post(admin, f"{BASE}/details", details_data(kind="checklist",
                                                           pathway_start="dato"))
    assert response.status_code == 422  # no checklist step yet: the schema's own words
    assert "needs at least one checklist item" in text_of(response)
    assert content_of(app) == before


# --- Sections -------------------------------------------------------------------------------

def test_a_section_is_added_empty_edited_moved_and_removed(app, admin):
    assert admin.get(f"{BASE}/sections/new").status_code == 200
    response = post(admin, f"{BASE}/sections/new", texts("title", "Om deg", en="About you"))
    assert response.status_code == 303 and response.headers["Location"].endswith("#section-om_deg")
    assert content_of(app)["sections"][-1] == {
        "id": "om_deg", "title": {"nb": "Om deg", "en": "About you"}, "items": []}
    assert post(admin, f"{BASE}/sections/new", {}).status_code == 303  # a second, untitled

    page = text_of(admin.get(f"{BASE}/sections/om_deg"))
    assert 'value="About you"' in page
    assert post(admin, f"{BASE}/sections/om_deg", {
        **texts("title", "Om deg selv"), **texts("intro", "Litt om deg")}).status_code == 303
    section = content_of(app)["sections"][2]
    assert section["title"] == {"nb": "Om deg selv"} and section["intro"] == {"nb": "Litt om deg"}

    response = post(admin, f"{BASE}/sections/om_deg/move", {"direction": "up"}, page=BASE)
    assert response.status_code == 303
    assert [s["id"] for s in content_of(app)["sections"]] == ["del_1", "om_deg", "del_2", "del_4"]

    page = text_of(admin.get(f"{BASE}/sections/del_1/remove"))
    assert "Its 3 questions are removed with it." in page
    assert post(admin, f"{BASE}/sections/del_1/remove", {}).status_code == 303
    assert [s["id"] for s in content_of(app)["sections"]] == ["om_deg", "del_2", "del_4"]


def test_the_last_section_cannot_be_removed(app, admin):
    assert post(admin, f"{BASE}/sections/del_1/remove", {}).status_code == 303
    before = content_of(app)
    page = text_of(admin.get(f"{BASE}/sections/del_2/remove"))
    assert "this is the last one" in page and "Remove the section</button>" not in page
    response = post(admin, f"{BASE}/sections/del_2/remove", {}, page=BASE)
    assert response.status_code == 409 and "this is the last one" in text_of(response)
    assert content_of(app) == before


def test_a_section_a_later_condition_depends_on_is_not_removed(app, admin):
    with app.app_context():
        row = drafts.draft_of(database.session(), SLUG)
        content = drafts.edited(row)
        content["sections"][1]["items"][0]["show_if"] = {"item": "valg", "equals": "ja"}
        drafts.save(database.session(), row, content)
        database.session().commit()
    before = content_of(app)
    response = post(admin, f"{BASE}/sections/del_1/remove", {}, page=BASE)
    assert response.status_code == 409
    assert "«t2» is shown only for some answers to «valg»" in text_of(response)
    # moving the condition's section before its question is the schema's to refuse
    response = post(admin, f"{BASE}/sections/del_2/move", {"direction": "up"}, page=BASE)
    assert response.status_code == 409 and "is not an item that comes before" in text_of(response)
    assert content_of(app) == before


# --- Scales ---------------------------------------------------------------------------------

def test_the_scales_page_shows_each_scale_where_it_is_used_and_the_library(admin):
    page = text_of(admin.get(f"{BASE}/scales"))
    assert "Scale «skala»" in page and "1 to 5, the highest is best" in page
    assert "Hvor fornøyd er du? (<code>s1</code>)" in page and "<code>c2</code>" in page
    assert "The scale library" in page and 'name="from" value="psfs.' in page


def test_a_scale_from_the_library_is_copied_into_the_draft(app, admin):
    definitions = builtin_definitions()
    psfs_id, psfs_scale = next(iter(definitions["psfs"].scales.items()))
    response = post(admin, f"{BASE}/scales/new", {"from": f"psfs.{psfs_id}"},
                    page=f"{BASE}/scales")
    assert response.status_code == 303
    copied = content_of(app)["scales"][psfs_id]
    assert copied == psfs_scale.model_dump(mode="json")
    assert "10" in copied["labels"] or str(psfs_scale.max) in copied["labels"]
    response = post(admin, f"{BASE}/scales/new", {"from": f"psfs.{psfs_id}"},
                    page=f"{BASE}/scales")
    assert response.headers["Location"].endswith(f"#scale-{psfs_id}_2")


def test_a_new_scale_has_its_labels_in_each_language(app, admin):
    page = text_of(admin.get(f"{BASE}/scales/new"))
    assert 'name="label_1-nb"' in page and 'name="label_5-en"' in page
    shown = post(admin, f"{BASE}/scales/new", {
        "low": "0", "high": "3", "good": "low", "action": "range",
        **texts("label_1", "En")})
    assert shown.status_code == 200
    page = text_of(shown)
    assert 'name="label_0-nb"' in page and 'name="label_5-nb"' not in page
    assert 'value="En"' in page  # what was written for a step that remains is kept
    response = post(admin, f"{BASE}/scales/new", {
        "low": "0", "high": "3", "good": "low", "action": "save",
        **texts("label_0", "Ingen", nn="Inga", en="None"),
        **texts("label_3", "Mye", en="Much")}, page=f"{BASE}/scales/new")
    assert response.status_code == 303
    assert content_of(app)["scales"]["skala_0_3"] == {
        "min": 0, "max": 3, "good": "low", "labels": {
            "0": {"nb": "Ingen", "nn": "Inga", "en": "None"}, "3": {"nb": "Mye", "en": "Much"}}}


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"low": "5", "high": "5"}, "high", "must be greater than the lowest"),
    ({"low": "1", "high": "22"}, "high", "at most 21 steps"),
    ({"low": "x", "high": "5"}, "low", "Write a whole number."),
    ({"low": "1", "high": "5", "good": "middle"}, "good", "Choose one of the options"),
    ({"low": "1", "high": "5"}, "label_5-nb", "Write the text in bokmål."),
])
def test_a_scale_the_form_refuses_is_shown_at_the_field(app, admin, data, field, message):
    before = content_of(app)
    response = post(admin, f"{BASE}/scales/new", {"good": "high", "action": "save",
                                                  **texts("label_1", "Lite"), **data})
    assert response.status_code == 422
    page = text_of(response)
    assert f'id="error-{field}"' in page and message in page
    assert content_of(app) == before


def test_editing_a_scale_into_a_category_mix_is_refused_in_words(app, admin):
    with app.app_context():
        row = drafts.draft_of(database.session(), SLUG)
        content = drafts.edited(row)
        content["scales"]["annen"] = {"min": 1, "max": 5, "good": "high",
                                      "labels": {"1": _t("A"), "5": _t("B")}}
        content["sections"][1]["items"].append({"id": "s2", "type": "scale", "scale": "annen",
                                                "category": "kat", "text": _t("Mer")})
        drafts.save(database.session(), row, content)
        database.session().commit()
    page = text_of(admin.get(f"{BASE}/scales/annen"))
    assert 'value="A"' in page and 'name="label_3-nb"' in page
    before = content_of(app)
    response = post(admin, f"{BASE}/scales/annen", {
        "low": "1", "high": "7", "good": "high", "action": "save",
        **texts("label_1", "A"), **texts("label_7", "B")}, page=f"{BASE}/scales/annen")
    assert response.status_code == 422
    assert "The category «kat» mixes scales" in text_of(response)
    assert content_of(app) == before


def test_a_scale_in_use_is_not_removed_one_unused_is(app, admin):
    before = content_of(app)
    page = text_of(admin.get(f"{BASE}/scales/skala/remove"))
    assert "The scale is used by «s1», «c2»" in page
    response = post(admin, f"{BASE}/scales/skala/remove", {}, page=f"{BASE}/scales")
    assert response.status_code == 409 and content_of(app) == before
    post(admin, f"{BASE}/scales/new", {"from": next(
        f"psfs.{key}" for key in builtin_definitions()["psfs"].scales)}, page=f"{BASE}/scales")
    added = next(key for key in content_of(app)["scales"] if key != "skala")
    assert "No question uses it." in text_of(admin.get(f"{BASE}/scales/{added}/remove"))
    assert post(admin, f"{BASE}/scales/{added}/remove", {}).status_code == 303
    assert list(content_of(app)["scales"]) == ["skala"]


# --- Categories -----------------------------------------------------------------------------

def test_categories_are_listed_added_edited_and_removed(app, admin):
    page = text_of(admin.get(f"{BASE}/categories"))
    assert "Kategori" in page and "1 question" in page
    response = post(admin, f"{BASE}/categories", texts("text", "Trygghet", en="Safety"))
    assert response.status_code == 303
    assert content_of(app)["categories"][1] == {"id": "trygghet",
                                                "text": {"nb": "Trygghet", "en": "Safety"}}
    assert 'value="Safety"' in text_of(admin.get(f"{BASE}/categories/trygghet"))
    assert post(admin, f"{BASE}/categories/trygghet", texts("text", "Tryggheten")
                ).status_code == 303
    assert content_of(app)["categories"][1]["text"] == {"nb": "Tryggheten"}
    page = text_of(admin.get(f"{BASE}/categories/kat/remove"))
    assert "Its 1 question stays, in no category." in page
    assert post(admin, f"{BASE}/categories/kat/remove", {}).status_code == 303
    content = content_of(app)
    assert [c["id"] for c in content["categories"]] == ["trygghet"]
    assert "category" not in content["sections"][0]["items"][0]


# --- Hostile input and other people's drafts ------------------------------------------------

LONG = "x" * 5000
HOSTILE = {
    "details": [details_data(kind="nonsense"), details_data(**{"title-nb": LONG}),
                details_data(**{"title-nb": ""}), details_data(follow_up_group="nope"),
                details_data(follow_up_group="g1", follow_up_label="g1.c2",
                             follow_up_score="g1.c2"),
                details_data(pathway_label="\x00"), {"kind": ["general", "checklist"]}],
    "sections/new": [texts("title", LONG), texts("intro", LONG)],
    "sections/del_1": [texts("title", LONG)],
    "sections/del_1/move": [{}, {"direction": "left"}, {"direction": ["up", "down"]}],
    "sections/nope/move": [{"direction": "up"}],
    "sections/nope/remove": [{}],
    "scales/new": [{"from": "nope.nope"}, {"from": ""}, {"from": "psfs"},
                   {"low": "-1000", "high": "2"}, {"low": "1.5", "high": "3"},
                   {"low": "1", "high": "3", "action": "range", "good": "x"},
                   {"low": "1", "high": "3", "good": "high", **texts("label_1", LONG),
                    **texts("label_3", "y")}],
    "scales/skala": [{"low": "", "high": ""}, {"low": "5", "high": "1"}],
    "scales/nope": [{}],
    "scales/skala/remove": [{}],
    "categories": [{}, texts("text", LONG), texts("text", "")],
    "categories/kat": [texts("text", "")],
    "categories/nope/remove": [{}],
}


@pytest.mark.parametrize("path", sorted(HOSTILE))
def test_hostile_input_answers_4xx_and_changes_nothing(app, admin, path):
    before = content_of(app)
    token = csrf_of(admin.get(f"{BASE}/scales").get_data(as_text=True))
    for data in HOSTILE[path]:
        response = admin.post(f"{BASE}/{path}", data={"csrf_token": token, **data})
        assert 400 <= response.status_code < 500, (path, data, response.status_code)
        assert content_of(app) == before, (path, data)
    response = admin.post(f"{BASE}/{path}", data=HOSTILE[path][0])  # no CSRF token
    assert response.status_code == 400 and content_of(app) == before


def test_someone_elses_draft_is_out_of_reach(app, client, make_account):
    with app.app_context():
        db = database.session()
        network = Network(name="Et annet nettverk")
        db.add(network)
        db.flush()
        drafts.start(db, sample_content("deres"))
        db.add(QuestionnaireOwner(slug="deres", kind="network", network_id=network.id))
        db.commit()
        network_id = network.id
    make_account("leder@annet.no", networks=(network_id,))
    make_account("leder@kommune.no")
    client.set_cookie("lang", "en")
    base = "/admin/questionnaires/deres/draft"
    pages = ["details", "sections/new", "sections/del_1", "sections/del_1/remove", "scales",
             "scales/new", "scales/skala", "scales/skala/remove", "categories",
             "categories/kat", "categories/kat/remove"]
    assert log_in(client, "leder@annet.no").status_code == 303
    assert all(client.get(f"{base}/{page}").status_code == 200 for page in pages)
    client.post("/admin/logout", data={"csrf_token": csrf_of(
        client.get("/admin/").get_data(as_text=True))})
    assert log_in(client, "leder@kommune.no").status_code == 303
    token = csrf_of(client.get("/admin/").get_data(as_text=True))
    before = content_of(app, "deres")
    for page in pages:
        assert client.get(f"{base}/{page}").status_code in (403, 404), page
        if page != "scales":  # a page to read only
            assert client.post(f"{base}/{page}", data={"csrf_token": token}).status_code in (
                403, 404), page
    assert content_of(app, "deres") == before


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_every_page_speaks_norwegian(admin, lang):
    admin.set_cookie("lang", lang)
    pages = {"details": "Tittel, innle", "sections/new": "Legg til delen",
             "sections/del_1": "Lagre delen", "sections/del_1/remove": "3 spørsmål i delen",
             "scales": "Skalabiblioteket", "scales/new": "Vis radene for dette spennet",
             "scales/skala": "Lagre skalaen", "scales/skala/remove": "Skalaen b",
             "categories": "Legg til kategorien", "categories/kat": "Lagre kategorien",
             "categories/kat/remove": "1 spørsmål i"}
    for page, words in pages.items():
        response = admin.get(f"{BASE}/{page}")
        assert response.status_code == 200 and words in text_of(response), page
