"""Who sees which questionnaire outside the builder (issue 19): the list by owner, the pages
and downloads of one version, the survey form and the other choices of a questionnaire,
copies named by their maker, and YAML and FHIR round trips of what the builder makes.

The world: network «Nord» with member «Nordby» (unit A), network «Sør» with member «Sørby»
(unit C), and «Østby» in no network (unit D); a published questionnaire owned by each
(`qn`, `qs`, `qnordby`, `qsorby`, `qostby`) beside the built-ins.
"""

from __future__ import annotations

import html
import io
import json
import re

import pytest
import sqlalchemy as sa
import yaml

import database
from questionnaires import drafts
from questionnaires.models import QuestionnaireVersion
from questionnaires.queries import latest_version
from questionnaires.schema import Definition
from surveys.models import Network, Organisation, Survey, Unit
from surveys.questionnaire_owners import QuestionnaireOwner, owner_of
from tests.builder_content import sample_content
from tests.conftest import csrf_of, log_in

OWNED = {"qn": ("network", "Nord"), "qs": ("network", "Sør"),
         "qnordby": ("organisation", "Nordby"), "qsorby": ("organisation", "Sørby"),
         "qostby": ("organisation", "Østby")}
# What a lead of Nord, an administrator or unit lead of Nordby sees of them.
SEEN_IN_NORD = {"qn", "qnordby"}


def complete(slug: str) -> dict:
    """`sample_content` with the nynorsk title it lacks, so it can be published."""
    content = sample_content(slug)
    content["title"]["nn"] = f"Skjema {slug} (nn)"
    return content


def publish_owned(db, slug: str, kind: str, owner_id: int, content: dict | None = None
                  ) -> QuestionnaireVersion:
    draft = drafts.start(db, content or complete(slug))
    db.add(QuestionnaireOwner(slug=slug, kind=kind, **{f"{kind}_id": owner_id}))
    row = drafts.publish(db, draft)
    db.commit()
    return row


@pytest.fixture
def world(app, make_account) -> dict[str, int]:
    with app.app_context():
        db = database.session()
        nord, sor = Network(name="Nord"), Network(name="Sør")
        nordby = Organisation(name="Nordby", kind="kommune", network=nord)
        sorby = Organisation(name="Sørby", kind="kommune", network=sor)
        ostby = Organisation(name="Østby", kind="kommune")
        units = {"A": Unit(name="A", organisation=nordby), "C": Unit(name="C", organisation=sorby),
                 "D": Unit(name="D", organisation=ostby)}
        db.add_all([nord, sor, nordby, sorby, ostby, *units.values()])
        db.commit()
        owners = {"Nord": nord, "Sør": sor, "Nordby": nordby, "Sørby": sorby, "Østby": ostby}
        ids = {name: owner.id for name, owner in owners.items()}
        ids |= {name: unit.id for name, unit in units.items()}
        for slug, (kind, name) in OWNED.items():
            ids[slug] = publish_owned(db, slug, kind, ids[name]).id
    make_account("admin@x.no", is_admin=True)
    make_account("nord@x.no", networks=(ids["Nord"],))
    make_account("nordby@x.no", organisations=(ids["Nordby"],))
    make_account("ostby@x.no", organisations=(ids["Østby"],))
    make_account("enhet-a@x.no", units=(ids["A"],))
    make_account("enhet-d@x.no", units=(ids["D"],))
    return ids


def as_(client, email: str):
    client.set_cookie("lang", "en")
    assert log_in(client, email).status_code == 303
    return client


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def listed(client) -> dict[str, set[str]]:
    """The list page: owner heading → the ids of the questionnaires under it."""
    page = text_of(client.get("/admin/questionnaires"))
    groups = re.split(r'<section aria-labelledby="owner-\d+" data-owner="', page)[1:]
    return {group.split('"', 1)[0]: set(re.findall(r"<code>(\w+)</code>", group))
            for group in groups}


# --- The list, the version page and the downloads ---------------------------------------------

@pytest.mark.parametrize("email", ["nord@x.no", "nordby@x.no", "enhet-a@x.no"])
def test_the_list_shows_what_the_account_sees_by_owner(app, client, world, email):
    groups = listed(as_(client, email))
    assert groups.pop("Everyone") >= {"psfs", "samling", "sjekkliste"}
    assert groups == {"Nord": {"qn"}, "Nordby": {"qnordby"}}


def test_an_administrator_lists_every_owner(app, client, world):
    groups = listed(as_(client, "admin@x.no"))
    assert {name: slugs for name, slugs in groups.items() if name != "Everyone"} == {
        "Nord": {"qn"}, "Sør": {"qs"}, "Nordby": {"qnordby"}, "Sørby": {"qsorby"},
        "Østby": {"qostby"}}


def test_an_organisation_in_no_network_sees_only_its_own(app, client, world):
    groups = listed(as_(client, "enhet-d@x.no"))
    groups.pop("Everyone")
    assert groups == {"Østby": {"qostby"}}


@pytest.mark.parametrize("slug", sorted(OWNED))
@pytest.mark.parametrize("suffix", ["", ".yaml", ".fhir.json", "/copy"])
def test_a_questionnaire_not_seen_answers_404_on_every_page(app, client, world, slug, suffix):
    as_(client, "nordby@x.no")
    url = f"/admin/questionnaires/{slug}/1{suffix}"
    expected = 200 if slug in SEEN_IN_NORD else 404
    assert client.get(url).status_code == expected
    if suffix == "/copy" and slug not in SEEN_IN_NORD:
        token = csrf_of(client.get("/admin/questionnaires").get_data(as_text=True))
        posted = client.post(url, data={"csrf_token": token,
                                        "owner": f"organisation:{world['Nordby']}"})
        assert posted.status_code == 404
        with app.app_context():
            assert drafts.draft_of(database.session(), f"skjema_{slug}_nordby") is None


def test_the_version_page_says_the_owner_and_offers_a_new_version_to_who_may(app, client, world):
    as_(client, "nord@x.no")
    page = text_of(client.get("/admin/questionnaires/qn/1"))
    assert re.search(r"<dd data-owner>Nord</dd>", page)
    assert 'action="/admin/questionnaires/qn/draft/start"' in page
    assert "Change (make a new version)" in page
    token = csrf_of(page)
    started = client.post("/admin/questionnaires/qn/draft/start", data={"csrf_token": token})
    assert started.status_code == 303
    assert started.headers["Location"].endswith("/admin/questionnaires/qn/draft")
    # Nordby's questionnaire: seen by the network's lead, changed by Nordby only
    page = text_of(client.get("/admin/questionnaires/qnordby/1"))
    assert "<dd data-owner>Nordby</dd>" in page
    assert "Change (make a new version)" not in page
    assert "/draft/start" not in text_of(client.get("/admin/questionnaires/psfs/2"))


def test_a_unit_lead_may_neither_change_nor_copy_nor_make(app, client, world):
    as_(client, "enhet-a@x.no")
    page = text_of(client.get("/admin/questionnaires/qnordby/1"))
    assert "Change (make a new version)" not in page and "/copy" not in page
    listing = text_of(client.get("/admin/questionnaires"))
    assert "/admin/questionnaires/new" not in listing and "/copy" not in listing
    assert client.get("/admin/questionnaires/qnordby/1/copy").status_code == 403
    token = csrf_of(client.get("/admin/surveys/new").get_data(as_text=True))
    posted = client.post("/admin/questionnaires/qnordby/1/copy", data={
        "csrf_token": token, "owner": f"organisation:{world['Nordby']}"})
    assert posted.status_code == 403
    assert slugs_stored(app) == set(OWNED) | builtins(app)


def test_the_list_offers_a_new_questionnaire_and_the_drafts_one_may_go_on_with(
        app, client, world):
    with app.app_context():
        db = database.session()
        drafts.open_version(db, latest_version(db, "qn"))
        drafts.open_version(db, latest_version(db, "qs"))
        db.commit()
    listing = text_of(as_(client, "nord@x.no").get("/admin/questionnaires"))
    assert 'href="/admin/questionnaires/new"' in listing
    assert "Make a new questionnaire" in listing
    drafts_part = listing.split('id="drafts"', 1)[1].split("</section>", 1)[0]
    assert 'href="/admin/questionnaires/qn/draft">Form qn</a>' in drafts_part
    assert "/qs/draft" not in listing


# --- Copies named by their maker --------------------------------------------------------------

def copy(client, slug: str, version: int, owner: str):
    url = f"/admin/questionnaires/{slug}/{version}/copy"
    token = csrf_of(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "owner": owner})


def slugs_stored(app) -> set[str]:
    with app.app_context():
        return set(database.session().scalars(sa.select(QuestionnaireVersion.slug)))


def builtins(app) -> set[str]:
    from questionnaires.loader import builtin_definitions

    return set(builtin_definitions())


def test_a_network_leads_copy_is_the_networks_draft_named_after_it(app, client, world):
    as_(client, "nord@x.no")
    form = text_of(client.get("/admin/questionnaires/samling/2/copy"))
    assert re.search(r'<option[^>]*value="network:\d+"[^>]*>Nord</option>', form)
    assert "Id of the new questionnaire" not in form and 'name="slug"' not in form
    response = copy(client, "samling", 2, f"network:{world['Nord']}")
    assert response.status_code == 303
    slug = response.headers["Location"].split("/")[-2]
    assert response.headers["Location"].endswith(f"/admin/questionnaires/{slug}/draft")
    assert client.get(response.headers["Location"]).status_code == 200
    with app.app_context():
        db = database.session()
        draft, original = drafts.draft_of(db, slug), latest_version(db, "samling")
        owner = owner_of(db, slug)
        assert (owner.kind, owner.network_id) == ("network", world["Nord"])
        assert draft.base_version is None and draft.content["version"] == 1
        assert draft.content["title"] == {code: f"{text} – Nord"
                                          for code, text in original.content["title"].items()}
        assert {k: v for k, v in draft.content.items() if k not in ("id", "title")} == {
            k: v for k, v in original.content.items() if k not in ("id", "title", "version")
        } | {"version": 1}


@pytest.mark.parametrize("owner", ["network:{Sør}", "organisation:{Nordby}", "installation",
                                   "network:{Nord}x", "network:", ""])
def test_a_copy_for_an_owner_not_ones_own_is_refused_at_the_field(app, client, world, owner):
    as_(client, "nord@x.no")
    response = copy(client, "psfs", 2, owner.format(**world))
    assert response.status_code == 422
    page = text_of(response)
    assert re.search(r'id="error-owner"[^>]*>Choose one of the options shown.', page)
    with app.app_context():
        db = database.session()
        assert db.scalar(sa.select(sa.func.count()).select_from(drafts.QuestionnaireDraft)) == 0
        assert set(db.scalars(sa.select(QuestionnaireOwner.slug))) == set(OWNED)


def test_two_municipalities_copies_never_show_in_each_others_lists(app, client, world):
    made = {}
    for email, owner in (("nordby@x.no", "Nordby"), ("ostby@x.no", "Østby")):
        as_(client, email)
        response = copy(client, "samling", 2, f"organisation:{world[owner]}")
        assert response.status_code == 303
        made[owner] = response.headers["Location"].split("/")[-2]
        with app.app_context():
            db = database.session()
            drafts.publish(db, drafts.draft_of(db, made[owner]))
            db.commit()
        client.get("/admin/logout")
    titles = {}
    with app.app_context():
        for owner, slug in made.items():
            titles[owner] = latest_version(database.session(), slug).content["title"]["nb"]
    assert titles["Nordby"].endswith(" – Nordby") and titles["Østby"].endswith(" – Østby")
    seen_in_a = listed(as_(client, "enhet-a@x.no"))
    assert made["Nordby"] in seen_in_a["Nordby"]
    assert not any(made["Østby"] in slugs for slugs in seen_in_a.values())
    client.get("/admin/logout")
    seen_in_d = listed(as_(client, "enhet-d@x.no"))
    assert made["Østby"] in seen_in_d["Østby"]
    assert not any(made["Nordby"] in slugs for slugs in seen_in_d.values())


def test_a_copy_whose_title_is_taken_is_numbered_in_every_language(app, client, world):
    as_(client, "nordby@x.no")
    slugs = [copy(client, "qn", 1, f"organisation:{world['Nordby']}").headers["Location"]
             .split("/")[-2] for _ in range(3)]
    assert len(set(slugs)) == 3
    with app.app_context():
        db = database.session()
        titles = [drafts.draft_of(db, slug).content["title"] for slug in slugs]
    assert titles[0] == {"nb": "Skjema qn – Nordby", "nn": "Skjema qn (nn) – Nordby",
                         "en": "Form qn – Nordby"}
    assert titles[2] == {code: f"{text} (3)" for code, text in titles[0].items()}


# --- Choosing a questionnaire for a survey, a network's set-up and overview -------------------

def survey_form(app, world, version_id: int) -> dict:
    return {"questionnaire_version": str(version_id), "unit": str(world["A"]),
            "gathering": "", "title": "Brukerundersøkelse", "period_label": "",
            "phase": "none", "opens_on": "", "closes_on": "", "invited": "",
            "layout": "sections", "link_mode": "open", "link_count": ""}


def surveys_count(app) -> int:
    with app.app_context():
        return database.session().scalar(sa.select(sa.func.count()).select_from(Survey))


def test_the_survey_form_offers_only_what_the_account_sees(app, client, world):
    page = text_of(as_(client, "enhet-a@x.no").get("/admin/surveys/new"))
    offered = set(re.findall(r'<option value="(\d+)"', page))
    assert {str(world["qn"]), str(world["qnordby"])} <= offered
    assert not {str(world[slug]) for slug in ("qs", "qsorby", "qostby")} & offered
    assert "Form qnordby, version 1" in page and "Form qostby" not in page


@pytest.mark.parametrize("slug", ["qs", "qsorby", "qostby"])
def test_the_survey_form_refuses_a_version_the_account_does_not_see(app, client, world, slug):
    as_(client, "enhet-a@x.no")
    token = csrf_of(client.get("/admin/surveys/new").get_data(as_text=True))
    response = client.post("/admin/surveys/new", data={
        "csrf_token": token, **survey_form(app, world, world[slug])})
    assert response.status_code == 422
    assert re.search(r'id="error-questionnaire_version"[^>]*>Choose one of the options shown.',
                     text_of(response))
    assert surveys_count(app) == 0
    allowed = client.post("/admin/surveys/new", data={
        "csrf_token": token, **survey_form(app, world, world["qnordby"])})
    assert allowed.status_code == 303 and surveys_count(app) == 1


def test_network_set_up_offers_only_the_evaluations_the_lead_sees(app, client, world):
    """An evaluation questionnaire of network Sør is not offered to Nord's lead, and posting
    its id is refused."""
    with app.app_context():
        db = database.session()
        content = {**latest_version(db, "samling").content, "id": "samling_sor",
                   "title": {"nb": "Samling Sør", "nn": "Samling Sør", "en": "Gathering Sør"}}
        hidden = publish_owned(db, "samling_sor", "network", world["Sør"], content).id
    as_(client, "nord@x.no")
    url = f"/admin/networks/{world['Nord']}/setup"
    page = text_of(client.get(url))
    assert "Samling Sør" not in page and f'value="{hidden}"' not in page
    data = {"csrf_token": csrf_of(page), "questionnaire": str(hidden),
            "gatherings-0-held_on": "2026-09-01", "gatherings-0-evaluate": "y"}
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "Choose one of the options shown." in text_of(response)
    assert surveys_count(app) == 0


def test_network_overview_offers_only_the_questionnaires_the_lead_sees(app, client, world):
    as_(client, "nord@x.no")
    url = f"/admin/networks/{world['Nord']}/overview"
    page = text_of(client.get(url))
    assert 'value="qnordby"' in page and 'value="qsorby"' not in page
    assert client.get(f"{url}?questionnaire=qnordby").status_code == 200
    assert client.get(f"{url}?questionnaire=qsorby").status_code == 400
    assert client.get(f"/admin/networks/{world['Nord']}/overview.csv?questionnaire=qostby"
                      ).status_code in (400, 404)


# --- YAML and FHIR round trips of what the builder makes -----------------------------------------

def stored_content(app, slug: str) -> dict:
    with app.app_context():
        return latest_version(database.session(), slug).content


def send_file(client, url: str, data: bytes, name: str):
    token = csrf_of(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_yaml_download_and_upload_round_trip_what_the_builder_makes(app, client, world):
    as_(client, "admin@x.no")
    text = client.get("/admin/questionnaires/qn/1.yaml").get_data(as_text=True)
    assert yaml.safe_load(text) == stored_content(app, "qn")
    renamed = re.sub(r"^id: qn$", "id: qn_igjen", text, count=1, flags=re.M)
    response = send_file(client, "/admin/questionnaires/upload", renamed.encode(), "qn.yaml")
    assert response.status_code == 303
    assert stored_content(app, "qn_igjen") == {**stored_content(app, "qn"), "id": "qn_igjen"}
    # and what was stored is what the builder made
    assert Definition.model_validate(stored_content(app, "qn")) == Definition.model_validate(
        complete("qn"))


def test_fhir_download_and_import_round_trip_what_the_builder_makes(app, client, world):
    as_(client, "admin@x.no")
    document = json.loads(client.get("/admin/questionnaires/qn/1.fhir.json").get_data())
    document["url"] = document["url"].rsplit("/", 1)[0] + "/qn_fhir"
    response = send_file(client, "/admin/questionnaires/import-fhir",
                         json.dumps(document).encode(), "qn.fhir.json")
    assert response.status_code == 303, text_of(response)
    assert stored_content(app, "qn_fhir") == {**stored_content(app, "qn"), "id": "qn_fhir"}


# --- The demo ---------------------------------------------------------------------------------

def test_the_demo_shows_a_networks_and_a_municipalitys_own_questionnaire(app, client, runner):
    from surveys.demo import DEMO_PASSWORD

    assert runner.invoke(args=["demo"]).exit_code == 0
    client.set_cookie("lang", "en")
    assert log_in(client, "enhet@demo.no", DEMO_PASSWORD).status_code == 303
    groups = listed(client)
    (network_own,) = groups["Læringsnettverk Sør (demo)"]
    (municipality_own,) = groups["Nordby kommune"]
    page = text_of(client.get(f"/admin/questionnaires/{network_own}/1"))
    assert "– Læringsnettverk Sør (demo), version 1</h1>" in page
    page = text_of(client.get(f"/admin/questionnaires/{municipality_own}/1"))
    assert "Survey for relatives – Nordby kommune, version 1</h1>" in page
    assert "dialogue café" in page
