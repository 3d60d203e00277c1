"""The builder's frame (issue 19): drafts checked by the schema at each step, a new
questionnaire, the overview, publishing as the next version, throwing a draft away, and
who owns what."""

from __future__ import annotations

import copy

import pytest
import sqlalchemy as sa

import database
from questionnaires import drafts
from questionnaires.drafts import DraftRefused, QuestionnaireDraft
from questionnaires.keys import new_key, slugged
from questionnaires.models import QuestionnaireVersion
from questionnaires.schema import Definition
from surveys import questionnaire_owners
from surveys.models import Network, Organisation, Survey, Unit
from surveys.questionnaire_owners import QuestionnaireOwner
from tests.builder_content import sample_content
from tests.conftest import csrf_of, log_in

pytestmark = pytest.mark.both_backends  # drafts are JSON, locked FOR UPDATE, in two tables
LEAD = "nett@kommune.no"


# --- Drafts, without pages -----------------------------------------------------------------

def test_a_draft_lends_bokmal_to_missing_languages_but_publishing_does_not():
    content = sample_content("mitt")
    assert drafts.check(content).title.nn == "Skjema mitt"  # lent, not stored
    assert "nn" not in content["title"]
    with pytest.raises(DraftRefused) as refused:
        drafts.strict(content)
    assert [p.path for p in refused.value.problems] == ["title.nn"]
    assert drafts.missing_texts(content) == [("title", "nn")]


def test_an_empty_section_is_allowed_in_a_draft_only():
    content = sample_content("mitt")
    content["sections"].append({"id": "tom", "items": []})
    drafts.check(content)
    content["title"]["nn"] = "Skjemaet mitt"
    with pytest.raises(DraftRefused) as refused:
        drafts.strict(content)
    assert refused.value.problems[0].path == "sections[2].items"


def test_rules_between_fields_come_with_their_paths():
    content = sample_content("mitt")
    content["sections"][0]["items"][0]["scale"] = "finnes_ikke"
    content["sections"][1]["items"][0]["show_if"] = {"item": "valg", "equals": "kanskje"}
    with pytest.raises(DraftRefused) as refused:
        drafts.check(content)
    paths = {p.path: p.message for p in refused.value.problems}
    assert "unknown scale 'finnes_ikke'" in paths["sections[0].items[0].scale"]
    assert "'kanskje' is not a value of 'valg'" in paths["sections[1].items[0].show_if.equals"]


def test_a_refused_change_leaves_the_draft_as_it_was(app):
    with app.app_context():
        db = database.session()
        row = drafts.start(db, sample_content("mitt"))
        db.commit()
        content = drafts.edited(row)
        content["sections"][0]["items"][0]["scale"] = "finnes_ikke"
        with pytest.raises(DraftRefused):
            drafts.save(db, row, content)
        db.rollback()
        assert db.get(QuestionnaireDraft, "mitt").content == sample_content("mitt")


def test_publishing_numbers_the_version_after_the_highest_stored(app):
    with app.app_context():
        db = database.session()
        content = sample_content("mitt")
        content["title"]["nn"] = "Skjemaet mitt"
        first = drafts.publish(db, drafts.start(db, copy.deepcopy(content)))
        assert (first.version, first.origin) == (1, "builder")
        second_draft = drafts.open_version(db, first)
        second_draft.content = {**second_draft.content, "version": 1}  # whatever it says
        second = drafts.publish(db, second_draft)
        db.commit()
        assert second.version == 2
        assert db.get(QuestionnaireDraft, "mitt") is None
        assert first.content == Definition.model_validate({**content, "version": 1}).model_dump(
            mode="json", exclude_none=True)


def test_keys_are_made_from_the_text():
    assert slugged("Får du hjelp når du trenger det?") == "far_du_hjelp_nar_du_trenger"
    assert slugged("Donaudampfschifffahrtsgesellschaftskapitän") == "donaudampfschifffahrtsgesellsc"
    assert new_key("Ærlig talt", {"aerlig_talt"}) == "aerlig_talt_2"
    assert new_key("123", set()) == "q_123"


# --- Pages ---------------------------------------------------------------------------------

@pytest.fixture
def world(app):
    """Network N with organisation O (unit U); organisation P alone."""
    with app.app_context():
        db = database.session()
        network = Network(name="Nettverk N")
        o = Organisation(name="Nordby kommune", kind="kommune", network=network)
        p = Organisation(name="Sørby kommune", kind="kommune")
        unit = Unit(name="Hjemmetjenesten", organisation=o)
        db.add_all([network, o, p, unit])
        db.commit()
        return {"N": network.id, "O": o.id, "P": p.id, "U": unit.id}


@pytest.fixture
def lead(client, make_account, world):
    make_account(LEAD, networks=(world["N"],))
    client.set_cookie("lang", "en")
    assert log_in(client, LEAD).status_code == 303
    return client


def _new(client, title: str, kind: str = "general", owner: str | None = None):
    page = client.get("/admin/questionnaires/new")
    assert page.status_code == 200
    data = {"csrf_token": csrf_of(page.get_data(as_text=True)), "title-nb": title, "kind": kind}
    if owner:
        data["owner"] = owner
    return client.post("/admin/questionnaires/new", data=data)


def test_a_network_lead_starts_a_questionnaire_for_the_network(app, lead, world):
    response = _new(lead, "Brukerundersøkelse – Nettverk N", owner=f"network:{world['N']}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        "/questionnaires/brukerundersokelse_nettverk_n/draft")
    page = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft: Brukerundersøkelse – Nettverk N" in page
    assert "No questions yet." in page
    assert "Nynorsk: <code>title</code>" in page  # missing, marked
    with app.app_context():
        db = database.session()
        owner = db.get(QuestionnaireOwner, "brukerundersokelse_nettverk_n")
        assert (owner.kind, owner.network_id) == ("network", world["N"])
        content = db.get(QuestionnaireDraft, "brukerundersokelse_nettverk_n").content
        assert content["source"]["nb"] == "Laget av Nettverk N."


def test_a_new_checklist_starts_with_its_pathway(app, lead, world):
    assert _new(lead, "Sjekkliste Nordby", "checklist",
                f"network:{world['N']}").status_code == 303
    with app.app_context():
        content = database.session().get(QuestionnaireDraft, "sjekkliste_nordby").content
    assert content["pathway"] == {"start": "start", "label": "referanse"}
    assert [i["type"] for i in content["sections"][0]["items"]] == ["date", "text", "checklist"]


@pytest.mark.parametrize("title", ["Brukerundersøkelse", "user SURVEY"])
def test_a_title_already_in_use_is_refused(app, lead, world, title):
    response = _new(lead, title, owner=f"network:{world['N']}")
    assert response.status_code == 422
    assert "Another questionnaire has this title" in response.get_data(as_text=True)
    with app.app_context():
        assert database.session().scalar(sa.select(sa.func.count(QuestionnaireDraft.slug))) == 0


@pytest.mark.parametrize("owner", ["network:999", "installation", "organisation:1", "",
                                   "x" * 300])
def test_an_owner_not_offered_is_refused(app, lead, world, owner):
    response = _new(lead, "Mitt skjema", owner=owner)
    assert response.status_code == 422
    with app.app_context():
        assert database.session().scalar(sa.select(sa.func.count(QuestionnaireDraft.slug))) == 0


def test_a_unit_lead_may_not_make_questionnaires(client, make_account, world):
    make_account("enhet@kommune.no", units=(world["U"],))
    assert log_in(client, "enhet@kommune.no").status_code == 303
    assert client.get("/admin/questionnaires/new").status_code == 403


def _draft(app, slug: str, owner: tuple[str, int], **changes) -> None:
    with app.app_context():
        db = database.session()
        drafts.start(db, {**sample_content(slug), **changes})
        kind, number = owner
        db.add(QuestionnaireOwner(slug=slug, kind=kind, **{f"{kind}_id": number}))
        db.commit()


def test_publishing_lists_what_is_missing_and_links_to_it(app, lead, world):
    _draft(app, "mitt", ("network", world["N"]))
    page = lead.get("/admin/questionnaires/mitt/draft").get_data(as_text=True)
    response = lead.post("/admin/questionnaires/mitt/draft/publish",
                         data={"csrf_token": csrf_of(page)})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "It cannot be published yet" in text
    assert 'href="/admin/questionnaires/mitt/draft/details"><code>title.nn</code>' in text
    with app.app_context():
        assert database.session().scalar(sa.select(sa.func.count(QuestionnaireVersion.id)).where(
            QuestionnaireVersion.slug == "mitt")) == 0


def test_publishing_stores_the_version_and_ends_the_draft(app, lead, world):
    title = {"nb": "Mitt skjema", "nn": "Mitt skjema", "en": "My form"}
    _draft(app, "mitt", ("network", world["N"]), title=title)
    page = lead.get("/admin/questionnaires/mitt/draft").get_data(as_text=True)
    response = lead.post("/admin/questionnaires/mitt/draft/publish",
                         data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/questionnaires/mitt/1")
    assert lead.get("/admin/questionnaires/mitt/draft").status_code == 404
    # The next version starts from the published one.
    page = lead.get("/admin/questionnaires/mitt/1").get_data(as_text=True)
    assert lead.post("/admin/questionnaires/mitt/draft/start",
                     data={"csrf_token": csrf_of(page)}).status_code == 303
    page = lead.get("/admin/questionnaires/mitt/draft").get_data(as_text=True)
    assert "Publish version 2" in page


def test_a_built_in_questionnaire_has_no_draft(lead):
    page = lead.get("/admin/questionnaires").get_data(as_text=True)
    assert lead.post("/admin/questionnaires/psfs/draft/start",
                     data={"csrf_token": csrf_of(page)}).status_code == 403


def test_throwing_away_an_unpublished_draft_removes_its_owner(app, lead, world):
    _draft(app, "mitt", ("network", world["N"]))
    page = lead.get("/admin/questionnaires/mitt/draft/discard")
    assert page.status_code == 200
    response = lead.post("/admin/questionnaires/mitt/draft/discard",
                         data={"csrf_token": csrf_of(page.get_data(as_text=True))})
    assert response.status_code == 303
    with app.app_context():
        db = database.session()
        assert db.get(QuestionnaireDraft, "mitt") is None
        assert db.get(QuestionnaireOwner, "mitt") is None


def test_someone_elses_draft_is_not_there(app, lead, world):
    _draft(app, "deres", ("organisation", world["P"]))  # Sørby: in no network of the lead
    assert lead.get("/admin/questionnaires/deres/draft").status_code == 404
    _draft(app, "nordby", ("organisation", world["O"]))  # seen through the network, not theirs
    assert lead.get("/admin/questionnaires/nordby/draft").status_code == 403


def test_who_sees_and_changes_what(app, make_account, world):
    with app.app_context():
        db = database.session()
        for slug, kind, number in (("n", "network", world["N"]), ("o", "organisation", world["O"]),
                                   ("p", "organisation", world["P"])):
            db.add(QuestionnaireOwner(slug=slug, kind=kind, **{f"{kind}_id": number}))
        db.commit()
        accounts = {"lead": make_account("a@x.no", networks=(world["N"],)),
                    "org": make_account("b@x.no", organisations=(world["O"],)),
                    "unit": make_account("c@x.no", units=(world["U"],)),
                    "other": make_account("d@x.no", organisations=(world["P"],))}
        seen = {name: {s for s in ("n", "o", "p", "psfs")
                       if questionnaire_owners.may_see(db, db.merge(a), s)}
                for name, a in accounts.items()}
        edits = {name: {s for s in ("n", "o", "p", "psfs")
                        if questionnaire_owners.may_edit(db, db.merge(a), s)}
                 for name, a in accounts.items()}
    assert seen == {"lead": {"n", "o", "psfs"}, "org": {"n", "o", "psfs"},
                    "unit": {"n", "o", "psfs"}, "other": {"p", "psfs"}}
    assert edits == {"lead": {"n"}, "org": {"o"}, "unit": set(), "other": {"p"}}


@pytest.mark.parametrize("data", [
    {"title-nb": "x" * 201},
    {"title-nb": "Mitt", "kind": "survey"},
    {"title-nb": "Mitt", "kind": ""},
    {"title-nb": "   "},
    {"title-nb": "Mitt", "title-xx": "ukjent språk", "title-nn": "y" * 5000},
])
def test_a_new_questionnaire_refuses_what_it_cannot_use(app, lead, world, data):
    page = lead.get("/admin/questionnaires/new").get_data(as_text=True)
    response = lead.post("/admin/questionnaires/new", data={
        "csrf_token": csrf_of(page), "owner": f"network:{world['N']}", "kind": "general",
        **data})
    assert response.status_code == 422
    assert "Check this" in response.get_data(as_text=True)
    with app.app_context():
        assert database.session().scalar(sa.select(sa.func.count(QuestionnaireDraft.slug))) == 0


def test_posts_without_the_form_token_change_nothing(app, lead, world):
    _draft(app, "mitt", ("network", world["N"]), title={"nb": "A", "nn": "A", "en": "A"})
    for url in ("/admin/questionnaires/new", "/admin/questionnaires/mitt/draft/publish",
                "/admin/questionnaires/mitt/draft/discard"):
        assert lead.post(url, data={"title-nb": "Mitt", "kind": "general"}).status_code == 400
    with app.app_context():
        assert database.session().get(QuestionnaireDraft, "mitt") is not None


def test_publishing_a_new_version_leaves_the_surveys_on_theirs(app, lead, world, make_survey):
    _draft(app, "mitt", ("network", world["N"]), title={"nb": "A", "nn": "A", "en": "A"})
    page = lead.get("/admin/questionnaires/mitt/draft").get_data(as_text=True)
    lead.post("/admin/questionnaires/mitt/draft/publish", data={"csrf_token": csrf_of(page)})
    survey = make_survey("mitt")
    with app.app_context():
        db = database.session()
        first = db.scalar(sa.select(QuestionnaireVersion).filter_by(slug="mitt"))
        before = copy.deepcopy(first.content)
        second = drafts.open_version(db, first)
        content = drafts.edited(second)
        content["sections"][0]["items"][0]["text"]["nb"] = "Et annet spørsmål"
        drafts.save(db, second, content)
        newer = drafts.publish(db, second)
        db.commit()
        db.expire_all()
        assert newer.version == 2
        assert db.get(QuestionnaireVersion, first.id).content == before
        assert db.get(Survey, survey.id).questionnaire_version_id == first.id
