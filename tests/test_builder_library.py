"""The builder's item library and preview pages: questions picked with their keys, the draft
shown as respondents get it in each language (storing nothing), on paper, and framed only
by our own preview page."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

import database
from questionnaires import drafts
from surveys.answer_drafts import AnswerDraft
from surveys.models import Response
from tests.builder_content import two_leads_one_draft
from tests.conftest import csrf_of, log_in

LEAD = "nett@x.no"
OTHER = "nett@y.no"
SLUG = "mitt"
BASE = f"/admin/questionnaires/{SLUG}/draft"
LIBRARY = f"{BASE}/sections/del_1/library"
PAGE = f"{BASE}/preview/page"


@pytest.fixture
def lead(app, client, make_account):
    """The lead of network X, whose draft «mitt» (`sample_content`) is open, signed in in
    English; network Y's lead exists too."""
    two_leads_one_draft(app, make_account, SLUG, LEAD, OTHER)
    client.set_cookie("lang", "en")
    assert log_in(client, LEAD).status_code == 303
    return client


def content_of(app) -> dict:
    with app.app_context():
        return drafts.draft_of(database.session(), SLUG).content


def rows(app) -> tuple[int, int]:
    """How many responses and kept answers the database holds."""
    with app.app_context():
        db = database.session()
        return (db.scalar(sa.select(sa.func.count()).select_from(Response)),
                db.scalar(sa.select(sa.func.count()).select_from(AnswerDraft)))


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


# --- The library --------------------------------------------------------------------------

def test_the_library_lists_the_builtin_questions_by_questionnaire(lead):
    page = lead.get(LIBRARY)
    assert page.status_code == 200
    body = text(page)
    assert "<legend class=\"ds-label\">User survey</legend>" in body
    assert 'value="brukerundersokelse.tilgjengelig_hjelp"' in body
    assert "I get the help I need, when I need it." in body
    assert "<code>tilgjengelig_hjelp</code>" in body
    assert 'value="psfs.activities"' in body  # the group as a whole
    assert 'value="psfs.activity"' not in body


def test_picking_keeps_keys_and_brings_scale_and_category(app, lead):
    token = csrf_of(lead.get(LIBRARY).get_data(as_text=True))
    answer = lead.post(LIBRARY, data={"csrf_token": token, "pick": [
        "brukerundersokelse.tilgjengelig_hjelp", "brukerundersokelse.helper"]})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"{BASE}#section-del_1")
    content = content_of(app)
    added = {i["id"]: i for i in content["sections"][0]["items"]}
    assert added["tilgjengelig_hjelp"]["scale"] == "agree7"
    assert "agree7" in content["scales"]
    assert "tilgjengelighet" in {c["id"] for c in content["categories"]}
    assert "show_if" not in added["helper"]
    shown = text(lead.get(BASE))
    assert "Added from the library: tilgjengelig_hjelp, helper." in shown
    assert "The condition of helper was left out" in shown


def test_a_key_already_in_the_draft_is_refused_at_its_checkbox_nothing_added(app, lead):
    token = csrf_of(lead.get(LIBRARY).get_data(as_text=True))
    lead.post(LIBRARY, data={"csrf_token": token, "pick": "brukerundersokelse.respekt_tid"})
    before = content_of(app)
    answer = lead.post(LIBRARY, data={"csrf_token": token, "pick": [
        "brukerundersokelse.respekt_tid", "brukerundersokelse.respekt_behandling"]})
    assert answer.status_code == 422
    body = text(answer)
    assert 'id="error-pick-brukerundersokelse-respekt_tid"' in body
    assert "This key is already a question of the draft" in body
    assert 'href="#pick-brukerundersokelse-respekt_tid"' in body
    assert 'value="brukerundersokelse.respekt_behandling" id=' in body
    assert re.search(r'value="brukerundersokelse.respekt_behandling"[^>]*checked', body)
    assert content_of(app) == before


def test_a_category_mixing_scales_is_refused_nothing_added(app, lead):
    """parorende's «informasjon» is on a 1–5 scale; the user survey's, already picked, on
    1–7: the schema refuses to mix them, and nothing is added."""
    token = csrf_of(lead.get(LIBRARY).get_data(as_text=True))
    assert lead.post(LIBRARY, data={"csrf_token": token, "pick": [
        "brukerundersokelse.info_forstaelig"]}).status_code == 303
    before = content_of(app)
    first = next(i.id for i in __import__("questionnaires.loader", fromlist=["x"])
                 .builtin_definitions()["parorende"].items() if i.category == "informasjon")
    answer = lead.post(LIBRARY, data={"csrf_token": token, "pick": f"parorende.{first}"})
    assert answer.status_code == 422
    assert "Nothing was added." in text(answer)
    assert content_of(app) == before


@pytest.mark.parametrize("data", [
    {},
    {"pick": "brukerundersokelse.finnes_ikke"},
    {"pick": "x" * 5000},
    {"pick": ["psfs.activities"] * 600},
    {"pick": "\x00\r\n"},
    {"pick": "../../etc"},
])
def test_hostile_posts_to_the_library_change_nothing(app, lead, data):
    token = csrf_of(lead.get(LIBRARY).get_data(as_text=True))
    before = content_of(app)
    answer = lead.post(LIBRARY, data={"csrf_token": token, **data})
    assert 400 <= answer.status_code < 500, answer.status_code
    assert content_of(app) == before


def test_the_library_needs_a_csrf_token_and_a_known_section(app, lead):
    before = content_of(app)
    assert lead.post(LIBRARY, data={"pick": "psfs.activities"}).status_code == 400
    assert lead.get(f"{BASE}/sections/nope/library").status_code == 404
    assert lead.post(f"{BASE}/sections/nope/library", data={
        "csrf_token": csrf_of(lead.get(LIBRARY).get_data(as_text=True)),
        "pick": "psfs.activities"}).status_code == 404
    assert content_of(app) == before


def test_someone_elses_draft_is_not_found(app, client, lead):
    client.post("/admin/logout", data={"csrf_token": csrf_of(
        client.get("/admin/").get_data(as_text=True))})
    assert log_in(client, OTHER).status_code == 303
    for url in (LIBRARY, f"{BASE}/preview", PAGE, f"{BASE}/preview/paper"):
        assert client.get(url).status_code in (403, 404), url


# --- The preview --------------------------------------------------------------------------

def test_the_preview_frames_the_respondent_page_at_phone_width(lead):
    page = lead.get(f"{BASE}/preview?lang=nn")
    assert page.status_code == 200
    body = text(page)
    frame = re.search(r"<iframe[^>]*>", body).group(0)
    assert f'src="{PAGE}?lang=nn"' in frame and 'width="360"' in frame and 'title="' in frame
    for code in ("nb", "nn", "en", "se", "pl", "uk", "ar"):  # every language offered
        assert f"{BASE}/preview?lang={code}" in body
        assert f"{BASE}/preview/paper?lang={code}" in body
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_only_the_preview_page_may_be_framed_and_by_our_own_pages(lead):
    framed = lead.get(PAGE)
    assert framed.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in framed.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" not in framed.headers["Content-Security-Policy"]
    for url in (BASE, f"{BASE}/preview", f"{BASE}/preview/paper", LIBRARY, "/admin/", "/"):
        other = lead.get(url)
        assert other.headers["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"], url


@pytest.mark.parametrize(("lang", "direction", "title"), [
    ("nb", "ltr", "Skjema mitt"), ("en", "ltr", "Form mitt"), ("ar", "rtl", "Skjema mitt")])
def test_the_preview_page_shows_the_drafts_texts_in_each_language(app, lead, lang, direction,
                                                                  title):
    page = lead.get(f"{PAGE}?lang={lang}")
    assert page.status_code == 200
    body = text(page)
    assert f'<html lang="{lang}" dir="{direction}"' in body
    assert f"<h1 class=\"ds-heading\" data-size=\"md\">{title}</h1>" in body
    assert "Hvor fornøyd er du?" in body and "Preview of a draft" in body
    assert 'name="switch_lang" value="ar"' in body


def test_a_language_not_offered_is_refused(app, lead):
    app.config["LANGUAGES"] = ("nb", "nn", "en")
    assert lead.get(f"{PAGE}?lang=ar").status_code == 400
    assert lead.get(f"{BASE}/preview/paper?lang=ar").status_code == 400
    assert lead.get(f"{BASE}/preview?lang=xx").status_code == 400


def start_of(client, url: str = PAGE) -> dict:
    body = client.get(url).get_data(as_text=True)
    return {"csrf_token": csrf_of(body),
            "submission_key": re.search(r'name="submission_key" value="([^"]+)"', body)[1]}


def test_posting_the_preview_validates_moves_and_never_stores(app, lead):
    before = rows(app)
    tokens = start_of(lead)
    empty = lead.post(PAGE, data={**tokens, "page": "0", "nav": "next"})
    assert empty.status_code == 422
    assert "ds-error-summary" in empty.get_data(as_text=True)
    second = lead.post(PAGE, data={**tokens, "page": "0", "nav": "next", "s1": "4",
                                   "valg": "ja", "g1-0-c1": "Gå tur", "g1-0-c2": "3"})
    assert second.status_code == 200
    body = text(second)
    assert "Noe mer?" in body and 'name="s1" value="4"' in body  # kept in the page itself
    back = lead.post(PAGE, data={**tokens, "page": "1", "nav": "back", "s1": "4", "valg": "ja",
                                 "g1-0-c1": "Gå tur", "g1-0-c2": "3", "t2": "Hei"})
    assert back.status_code == 200 and 'name="s1" value="4" checked' in text(back)
    carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                              second.get_data(as_text=True)))
    assert carried["s1"] == "4" and carried["g1-0-c1"] == "Gå tur"  # page 1 in the page
    sent = lead.post(PAGE, data={**carried, "csrf_token": tokens["csrf_token"],
                                 "nav": "submit", "t2": "Hei"})
    assert sent.status_code == 200
    assert "Preview: this would have been sent; nothing was stored." in text(sent)
    assert rows(app) == before


@pytest.mark.parametrize("data", [
    {"nope": "1"},
    {"s1": "99", "page": "0", "nav": "next"},
    {"valg": "x" * 5000, "page": "0", "nav": "next"},
    {"page": "99999", "nav": "next"},
    {"page": "-1", "nav": "back"},
    {"switch_lang": "xx", "page": "0"},
    {"switch_lang": "en", "page": "0"},
    {"g1-9-c1": "for mange", "page": "0"},
])
def test_hostile_posts_to_the_preview_store_nothing(app, lead, data):
    before_rows, before = rows(app), content_of(app)
    answer = lead.post(PAGE, data={**start_of(lead), **data})
    assert answer.status_code < 500, answer.status_code
    assert rows(app) == before_rows and content_of(app) == before
    assert lead.post(PAGE, data=data).status_code == 400  # no CSRF token


def test_a_draft_with_an_empty_section_shows_a_message(app, lead):
    with app.app_context():
        db = database.session()
        row = drafts.draft_of(db, SLUG)
        content = drafts.edited(row)
        content["sections"].append({"id": "del_3", "items": []})
        drafts.save(db, row, content)
        db.commit()
    page = lead.get(PAGE)
    assert page.status_code == 200
    assert "Section 3 has no questions yet." in text(page)
    # the paper form is in its own language throughout, as a survey's paper form is
    assert "Del 3 har ingen spørsmål ennå." in text(lead.get(f"{BASE}/preview/paper"))
    assert "Section 3 has no questions yet." in text(lead.get(f"{BASE}/preview/paper?lang=en"))


def test_the_paper_preview_prints_the_drafts_questions(app, lead):
    for lang, direction, title, row in (("nb", "ltr", "Skjema mitt", "Aktivitet 3"),
                                        ("en", "ltr", "Form mitt", "Aktivitet 3"),
                                        ("ar", "rtl", "Skjema mitt", "النشاط 3")):
        page = lead.get(f"{BASE}/preview/paper?lang={lang}")
        assert page.status_code == 200, lang
        body = text(page)
        assert f'<html lang="{lang}" dir="{direction}"' in body
        assert title in body and "Hvor fornøyd er du?" in body and row in body
        assert 'class="paper-question"' in body
