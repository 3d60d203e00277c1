"""Staff pages for questionnaire definitions: list, download, upload, copy, and who may."""

from __future__ import annotations

import html
import io

import pytest
import sqlalchemy as sa
import yaml

import database
from questionnaires.loader import MAX_DEFINITION_BYTES, builtin_definitions, parse_definition
from questionnaires.models import QuestionnaireVersion
from surveys.account_models import AuditEntry
from tests.conftest import csrf_of, log_in

ADMIN = "admin@kommune.no"
LEAD = "leder@kommune.no"

MINE = """\
id: min_undersokelse
version: 1
title: {nb: Min undersøkelse, nn: Mi undersøking, en: My own survey}
source: {nb: Laget av oss, nn: Laga av oss, en: Written by our team}
scales:
  enig7:
    min: 1
    max: 7
    good: high
    labels:
      1: {nb: Helt uenig, nn: Heilt usamd, en: Strongly disagree}
      7: {nb: Svært enig, nn: Svært samd, en: Strongly agree}
sections:
  - id: hoved
    items:
      - id: hjelp
        type: scale
        scale: enig7
        text: {nb: Jeg får hjelpen jeg trenger, nn: Eg får hjelpa eg treng, en: I get help}
"""


@pytest.fixture
def admin(client, make_account):
    make_account(ADMIN, is_admin=True)
    client.set_cookie("lang", "en")
    assert log_in(client, ADMIN).status_code == 303
    return client


@pytest.fixture
def lead(client, make_account):
    make_account(LEAD)
    client.set_cookie("lang", "en")
    assert log_in(client, LEAD).status_code == 303
    return client


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def upload(client, content: bytes | None, filename: str = "mine.yaml"):
    token = csrf_of(client.get("/admin/questionnaires/upload").get_data(as_text=True))
    data = {"csrf_token": token}
    if content is not None:
        data["file"] = (io.BytesIO(content), filename)
    return client.post("/admin/questionnaires/upload", data=data,
                       content_type="multipart/form-data")


def copy(client, slug: str, version: int, owner: str = "installation"):
    url = f"/admin/questionnaires/{slug}/{version}/copy"
    token = csrf_of(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "owner": owner})


def draft_content(app, slug: str) -> dict | None:
    from questionnaires import drafts

    with app.app_context():
        row = drafts.draft_of(database.session(), slug)
        return row.content if row is not None else None


def publish(app, slug: str) -> None:
    from questionnaires import drafts

    with app.app_context():
        db = database.session()
        drafts.publish(db, drafts.draft_of(db, slug))
        db.commit()


def stored(app) -> list[tuple[str, int, str]]:
    with app.app_context():
        rows = database.session().scalars(sa.select(QuestionnaireVersion).order_by(
            QuestionnaireVersion.slug, QuestionnaireVersion.version))
        return [(r.slug, r.version, r.origin) for r in rows]


def audit_actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        entries = database.session().scalars(sa.select(AuditEntry).order_by(AuditEntry.id))
        return [(e.action, e.target) for e in entries]


def test_list_shows_every_builtin_with_title_source_and_origin(lead):
    page = lead.get("/admin/questionnaires")
    assert page.status_code == 200
    text = text_of(page)
    for slug, definition in builtin_definitions().items():
        assert f"<code>{slug}</code>" in text
        assert definition.title.en in text
        assert definition.source.en in text
        assert f"/admin/questionnaires/{slug}/{definition.version}.yaml" in text
    assert "Built in" in text
    assert "/admin/questionnaires/upload" not in text
    assert "/copy" not in text


def test_admin_list_offers_upload_and_copy(admin):
    text = text_of(admin.get("/admin/questionnaires"))
    assert "/admin/questionnaires/upload" in text
    assert "/admin/questionnaires/psfs/2/copy" in text


@pytest.mark.parametrize("slug", sorted(builtin_definitions()))
def test_download_round_trips_every_builtin(app, lead, slug):
    definition = builtin_definitions()[slug]
    response = lead.get(f"/admin/questionnaires/{slug}/{definition.version}.yaml")
    assert response.status_code == 200
    assert response.mimetype == "application/yaml"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="{slug}-{definition.version}.yaml"'
    text = response.get_data(as_text=True)
    parsed = parse_definition(text, source=f"{slug}.yaml")
    assert parsed == definition
    with app.app_context():
        row = database.session().scalars(sa.select(QuestionnaireVersion).filter_by(
            slug=slug, version=definition.version)).one()
        assert parsed.model_dump(mode="json", exclude_none=True) == row.content
    assert yaml.safe_load(text)["id"] == slug


def test_download_of_unknown_version_is_404(lead):
    assert lead.get("/admin/questionnaires/psfs/99.yaml").status_code == 404
    assert lead.get("/admin/questionnaires/nothing/1.yaml").status_code == 404
    assert lead.get("/admin/questionnaires/nothing/1").status_code == 404


def test_upload_new_questionnaire_appears_in_list(app, admin):
    response = upload(admin, MINE.encode("utf-8"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/questionnaires/min_undersokelse/1")
    assert ("min_undersokelse", 1, "upload") in stored(app)
    assert audit_actions(app) == [("questionnaire.upload", "min_undersokelse version 1")]
    page = text_of(admin.get(response.headers["Location"]))
    assert "min_undersokelse version 1 is stored." in page
    assert "/admin/questionnaires/min_undersokelse/1.yaml" in page
    listing = text_of(admin.get("/admin/questionnaires"))
    assert "My own survey" in listing and "Written by our team" in listing
    assert "Uploaded" in listing


def test_upload_new_version_lists_both(app, admin):
    assert upload(admin, MINE.encode("utf-8")).status_code == 303
    second = MINE.replace("version: 1", "version: 2").replace("I get help", "I get help fast")
    assert upload(admin, second.encode("utf-8"), "mine-2.yml").status_code == 303
    mine = [row for row in stored(app) if row[0] == "min_undersokelse"]
    assert mine == [("min_undersokelse", 1, "upload"), ("min_undersokelse", 2, "upload")]
    listing = text_of(admin.get("/admin/questionnaires"))
    assert "/admin/questionnaires/min_undersokelse/1.yaml" in listing
    assert "/admin/questionnaires/min_undersokelse/2.yaml" in listing


def test_upload_with_byte_order_mark_is_accepted(app, admin):
    assert upload(admin, "\ufeff".encode() + MINE.encode("utf-8")).status_code == 303
    assert ("min_undersokelse", 1, "upload") in stored(app)


BAD_UPLOADS = {
    "yaml syntax": (MINE.replace("title: {", "title: [{").encode(), "mine.yaml",
                    ["The file has these problems:",
                     "mine.yaml: line 4, column 1: expected ',' or ']', but got '<scalar>'"]),
    "not a mapping": (b"- id\n- version\n", "mine.yaml",
                      ["mine.yaml: the file must hold a mapping (id, version, title, ...)"]),
    "unknown field": ((MINE + "colour: red\n").encode(), "mine.yaml",
                      ["The file has these problems:",
                       "mine.yaml: colour: unknown field (check the spelling)"]),
    "unknown scale": (MINE.replace("scale: enig7", "scale: enig5").encode(), "mine.yml",
                      ["mine.yml: sections[0].items[0].scale: unknown scale 'enig5' "
                       "(defined: enig7)"]),
    "every problem": ((MINE.replace("good: high", "good: up") + "colour: red\n").encode(),
                      "mine.yaml", ["mine.yaml: colour: unknown field (check the spelling)",
                                    "mine.yaml: scales.enig7.good: Input should be 'high' or "
                                    "'low'"]),
    "wrong extension": (MINE.encode(), "mine.txt", ["Choose a .yaml or .yml file."]),
    "no extension": (MINE.encode(), "yaml", ["Choose a .yaml or .yml file."]),
    "too large": (b"#" * (MAX_DEFINITION_BYTES + 1), "big.yaml",
                  ["The file is larger than 512 KB."]),
    "not utf-8": (MINE.encode("latin-1"), "mine.yaml",
                  ["The file is not UTF-8 text. Save it with the UTF-8 encoding"]),
    "empty": (b"", "mine.yaml", ["The file is empty."]),
    "only blanks": (b"  \n\n", "mine.yaml", ["The file is empty."]),
    "missing": (None, "", ["Choose a file to upload."]),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_upload_is_refused_with_the_precise_message(app, admin, case):
    content, filename, expected = BAD_UPLOADS[case]
    before = stored(app)
    response = upload(admin, content, filename)
    assert response.status_code == 422
    text = text_of(response)
    assert "Check this" in text
    for message in expected:
        assert message in text
    assert stored(app) == before
    assert audit_actions(app) == []


def test_file_far_too_large_gets_the_message_not_an_error_page(app, admin):
    response = upload(admin, b"#" * (4 * MAX_DEFINITION_BYTES))
    assert response.status_code == 413
    assert "The file is larger than 512 KB." in text_of(response)
    assert not any(row[0] == "min_undersokelse" for row in stored(app))


def test_file_sent_as_text_field_is_missing_file(app, admin):
    token = csrf_of(admin.get("/admin/questionnaires/upload").get_data(as_text=True))
    response = admin.post("/admin/questionnaires/upload",
                          data={"csrf_token": token, "file": MINE})
    assert response.status_code == 422
    assert "Choose a file to upload." in text_of(response)


def test_changed_content_under_same_version_is_a_conflict(app, admin):
    assert upload(admin, MINE.encode()).status_code == 303
    changed = MINE.replace("My own survey", "My changed survey")
    response = upload(admin, changed.encode())
    assert response.status_code == 422
    assert ("min_undersokelse version 1 is already stored with other content; give the "
            "changed definition a new version number.") in text_of(response)
    with app.app_context():
        row = database.session().scalars(sa.select(QuestionnaireVersion).filter_by(
            slug="min_undersokelse")).one()
        assert row.content["title"]["en"] == "My own survey"
    assert len(audit_actions(app)) == 1


def test_same_content_again_changes_nothing(app, admin):
    assert upload(admin, MINE.encode()).status_code == 303
    again = upload(admin, MINE.encode())
    assert again.status_code == 303
    assert "was already stored with the same content" in text_of(
        admin.get(again.headers["Location"]))
    assert [r for r in stored(app) if r[0] == "min_undersokelse"] == [
        ("min_undersokelse", 1, "upload")]
    assert len(audit_actions(app)) == 1


def test_builtin_ids_are_reserved_for_the_builtin_files(app, admin):
    before = stored(app)
    downloaded = admin.get("/admin/questionnaires/psfs/2.yaml").get_data()
    changed = downloaded.decode().replace("version: 2", "version: 3", 1).encode()
    response = upload(admin, changed, "psfs.yaml")
    assert response.status_code == 422
    assert "'psfs' is the id of a built-in questionnaire" in text_of(response)
    assert stored(app) == before


def test_copy_builtin_opens_a_draft_then_edit_and_upload_it_again(app, admin):
    """A copy is a draft of a new questionnaire, titled after its owner; published, it can
    still be downloaded, edited by hand and uploaded as the next version."""
    response = copy(admin, "psfs", 2)
    assert response.status_code == 303
    new = "hva_er_viktig_for_deg_kopi"
    assert response.headers["Location"].endswith(f"/admin/questionnaires/{new}/draft")
    page = text_of(admin.get(response.headers["Location"]))
    assert "The copy ««What matters to you?» – copy» is open as a draft." in page
    assert audit_actions(app) == [("questionnaire.copy", f"psfs version 2 as {new}")]
    assert not [r for r in stored(app) if r[0] == new]  # a draft, not yet a version
    with app.app_context():
        psfs = database.session().scalars(sa.select(QuestionnaireVersion).filter_by(
            slug="psfs")).one().content
    content = draft_content(app, new)
    assert content == {**psfs, "id": new, "version": 1, "title": {
        code: f"{text} – {'copy' if code == 'en' else 'kopi'}"
        for code, text in psfs["title"].items()}}

    publish(app, new)
    text = admin.get(f"/admin/questionnaires/{new}/1.yaml").get_data(as_text=True)
    assert parse_definition(text).id == new
    edited = text.replace("version: 1", "version: 2", 1)
    assert upload(admin, edited.encode(), "kopi.yaml").status_code == 303
    assert [r for r in stored(app) if r[0] == new] == [
        (new, 1, "builder"), (new, 2, "upload")]


@pytest.mark.parametrize("owner", ["", "network:999", "organisation:x", "psfs",
                                   "installation" * 200])
def test_copy_for_an_owner_not_offered_is_refused(app, admin, owner):
    before = stored(app)
    response = copy(admin, "psfs", 2, owner)
    assert response.status_code == 422
    assert "Choose one of the options shown." in text_of(response)
    assert stored(app) == before and draft_content(app, "hva_er_viktig_for_deg_kopi") is None
    assert audit_actions(app) == []


def test_a_copy_of_the_gathering_evaluation_is_one_too(app, admin):
    """A copy keeps `purpose`, so the network's gathering table reads its surveys as well."""
    response = copy(admin, "samling", 2)
    assert response.status_code == 303
    slug = response.headers["Location"].split("/")[-2]
    assert draft_content(app, slug)["purpose"] == "gathering_evaluation"
    publish(app, slug)
    page = text_of(admin.get(f"/admin/questionnaires/{slug}/1"))
    assert 'data-purpose="gathering_evaluation"' in page
    assert "gathering table." in page
    assert 'data-purpose' not in text_of(admin.get("/admin/questionnaires/psfs/2"))


def test_a_second_copy_gets_a_title_and_id_of_its_own(app, admin):
    first, second = copy(admin, "psfs", 2), copy(admin, "psfs", 2)
    assert first.status_code == second.status_code == 303
    slugs = [r.headers["Location"].split("/")[-2] for r in (first, second)]
    assert slugs == ["hva_er_viktig_for_deg_kopi", "hva_er_viktig_for_deg_kopi_2"]
    assert draft_content(app, slugs[1])["title"]["nb"] == "«Hva er viktig for deg?» – kopi (2)"


def test_copy_of_unknown_version_is_404(admin):
    assert admin.get("/admin/questionnaires/psfs/99/copy").status_code == 404


ADMIN_ONLY = ["/admin/questionnaires/upload", "/admin/questionnaires/psfs/2/copy"]
ANY_STAFF = ["/admin/questionnaires", "/admin/questionnaires/psfs/2",
             "/admin/questionnaires/psfs/2.yaml"]


@pytest.mark.parametrize("url", ADMIN_ONLY)
def test_accounts_that_make_no_questionnaires_may_not_upload_or_copy(app, lead, url):
    assert lead.get(url).status_code == 403
    token = csrf_of(lead.get("/admin/questionnaires").get_data(as_text=True))
    data = {"csrf_token": token, "owner": "installation",
            "file": (io.BytesIO(MINE.encode()), "mine.yaml")}
    assert lead.post(url, data=data, content_type="multipart/form-data").status_code == 403
    assert not any(row[2] != "builtin" for row in stored(app))


@pytest.mark.parametrize("url", ADMIN_ONLY + ANY_STAFF)
def test_anonymous_visitors_are_sent_to_login(app, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]
    token = csrf_of(client.get("/admin/login").get_data(as_text=True))
    posted = client.post(url, data={"csrf_token": token, "slug": "psfs_mine"})
    assert posted.status_code in {302, 405}
    if url in ADMIN_ONLY:
        assert posted.status_code == 302
    assert not any(row[2] != "builtin" for row in stored(app))


@pytest.mark.parametrize("url", ANY_STAFF)
def test_every_member_of_staff_may_read(lead, url):
    assert lead.get(url).status_code == 200


# A category of a 1–5 «lower is better» item and a 1–7 «higher is better» item.
MIXED = MINE.replace("sections:", """  bra5:
    min: 1
    max: 5
    good: low
    labels:
      1: {nb: Meget bra, nn: Svært bra, en: Very good}
      5: {nb: Meget dårlig, nn: Svært dårleg, en: Very poor}
categories:
  - id: resultat
    text: {nb: Resultat, nn: Resultat, en: Result}
sections:""").replace("scale: enig7\n", "scale: enig7\n        category: resultat\n") + """\
      - id: ventetid
        type: scale
        scale: bra5
        category: resultat
        text: {nb: Ventetiden, nn: Ventetida, en: The waiting time}
"""


@pytest.mark.parametrize(("lang", "expected"), [
    ("nb", "blanding.yaml: Kategorien «resultat» blander skalaer: «hjelp» (skala «enig7»: "
           "1–7, høyt er best), «ventetid» (skala «bra5»: 1–5, lavt er best). Skåren i en "
           "kategori er gjennomsnittet av spørsmålene, så de må ha samme spenn og samme beste "
           "ende: legg dem i hver sin kategori."),
    ("nn", "blanding.yaml: Kategorien «resultat» blandar skalaer: «hjelp» (skala «enig7»: "
           "1–7, høgt er best), «ventetid» (skala «bra5»: 1–5, lågt er best)."),
    ("en", "blanding.yaml: The category «resultat» mixes scales: «hjelp» (scale «enig7»: "
           "1–7, high is best), «ventetid» (scale «bra5»: 1–5, low is best). A category's "
           "score is the mean of its items, so they need the same range and the same best "
           "end: put them in separate categories."),
])
def test_a_category_that_mixes_scales_is_refused_in_the_readers_language(app, admin, lang,
                                                                          expected):
    assert yaml.safe_load(MIXED)["categories"]  # the file is otherwise a good definition
    admin.set_cookie("lang", lang)
    before = stored(app)
    response = upload(admin, MIXED.encode(), "blanding.yaml")
    assert response.status_code == 422
    assert expected in text_of(response)
    assert stored(app) == before and audit_actions(app) == []


def test_a_stored_version_that_mixes_scales_loads_but_is_not_copied(app, admin):
    """A version stored before the rule keeps loading (answers point at it); a copy is a new
    definition and is refused with the message, nothing stored."""
    with app.app_context():
        db = database.session()
        db.add(QuestionnaireVersion(slug="gammel", version=1, origin="upload",
                                    content=yaml.safe_load(MIXED) | {"id": "gammel"}))
        db.commit()
    assert admin.get("/admin/questionnaires/gammel/1").status_code == 200
    before = stored(app)
    response = copy(admin, "gammel", 1)
    assert response.status_code == 422
    assert "gammel version 1: The category «resultat» mixes scales" in text_of(response)
    assert stored(app) == before and audit_actions(app) == []
    assert draft_content(app, "min_undersokelse_kopi") is None
