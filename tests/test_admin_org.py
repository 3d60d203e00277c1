"""The organisation, accounts and audit log pages: who may see and change what, every form's
bad input (422, a message, nothing saved), deleting with a confirmation that counts what is
lost, and the audit entries every change leaves."""

from __future__ import annotations

import datetime as dt
import functools
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

import database
from questionnaires.queries import latest_version
from surveys import tallies
from surveys.account_models import Account, AuditEntry, PasswordLink
from surveys.auth import hash_password
from surveys.models import (
    Answer,
    Gathering,
    Network,
    Organisation,
    Response,
    SingleUseLink,
    Survey,
    Unit,
    link_digest,
    new_token,
)
from tests.conftest import PASSWORD, csrf_of, log_in

ADMIN, LEAD, UNIT_LEAD = "admin@kommune.no", "nettverk@ks.no", "enhet@kommune.no"


@pytest.fixture
def world(app, make_account, keep_world):
    return keep_world("test_admin_org.world", lambda: build_world(app, make_account))


def build_world(app, make_account):
    """Two networks. North: gathering 1, Bodø with two units. South: Kristiansand with one.
    An administrator, a lead of North, and a unit lead of North's first unit."""
    with app.app_context():
        db = database.session()
        north, south = Network(name="Nettverk Nord"), Network(name="Nettverk Sør")
        bodo = Organisation(name="Bodø kommune", kind="kommune", network=north)
        home, kad = Unit(name="Hjemmesykepleien", organisation=bodo), Unit(name="KAD",
                                                                          organisation=bodo)
        krs = Organisation(name="Kristiansand kommune", kind="kommune", network=south)
        other = Unit(name="Psykisk helse", organisation=krs)
        gathering = Gathering(network=north, number=1, held_on=dt.date(2026, 3, 1),
                              place="Mo i Rana")
        south_gathering = Gathering(network=south, number=1)
        db.add_all([north, south, home, kad, other, gathering, south_gathering])
        db.commit()
        ids = SimpleNamespace(north=north.id, south=south.id, bodo=bodo.id, krs=krs.id,
                              home=home.id, kad=kad.id, other=other.id, gathering=gathering.id,
                              south_gathering=south_gathering.id)
    ids.admin = make_account(ADMIN, None, name="Ada Admin", is_admin=True).id
    ids.lead = make_account(LEAD, None, name="Nina Nettverk", networks=(ids.north,)).id
    ids.unit_lead = make_account(UNIT_LEAD, None, name="Erik Enhet", units=(ids.home,)).id
    with app.app_context():  # one argon2 hash for all three: hashing is slow on purpose
        db = database.session()
        db.execute(sa.update(Account).values(password_hash=_password_hash()))
        db.commit()
    return ids


@functools.cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def as_user(client, email: str | None):
    """English pages, logged in as `email` (None: anonymous)."""
    client.set_cookie("lang", "en")
    if email:
        assert log_in(client, email).status_code == 303
    return client


def token(client) -> str:
    return csrf_of(client.get("/admin/").get_data(as_text=True))


def post(client, url: str, data: dict | None = None):
    return client.post(url, data={"csrf_token": token(client), **(data or {})})


def text(response) -> str:
    return response.get_data(as_text=True)


def count(app, model, *where) -> int:
    with app.app_context():
        return database.session().scalar(
            sa.select(sa.func.count()).select_from(model).where(*where))


def actions(app) -> list[str]:
    with app.app_context():
        return list(database.session().scalars(
            sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def add_survey(app, unit_id: int | None = None, gathering_id: int | None = None,
               responses: int = 2) -> int:
    """A survey with `responses` responses of one answer each (released, as a database from
    before the batches holds them) and one single-use link."""
    with app.app_context():
        db = database.session()
        survey = Survey(title="Brukerundersøkelse", unit_id=unit_id, gathering_id=gathering_id,
                        questionnaire=latest_version(db, "brukerundersokelse"))
        db.add(survey)
        db.flush()
        db.add(SingleUseLink(token_digest=link_digest(app.secret_key, new_token()),
                             survey_id=survey.id))
        for n in range(responses):
            db.add(Response(survey_id=survey.id, language="nb", submitted_on=dt.date(2026, 1, 5),
                            released=True,
                            questionnaire_version_id=survey.questionnaire_version_id,
                            submission_key=f"key-{survey.id}-{n}",
                            answers=[Answer(survey_id=survey.id, item="q1", value_num=4)]))
        db.flush()
        tallies.rebuild(db, survey.id, survey.questionnaire.definition)  # as if answered
        db.commit()
        return survey.id


# --- Seeing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/organisation", "/admin/accounts", "/admin/audit"])
def test_anonymous_visitors_are_sent_to_log_in(client, world, url):
    response = as_user(client, None).get(url)
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]


def test_each_role_sees_its_own_part_of_the_organisation(client, world):
    page = text(as_user(client, ADMIN).get("/admin/organisation"))
    for name in ("Nettverk Nord", "Nettverk Sør", "Mo i Rana", "Kristiansand kommune", "KAD",
                 "Add a network"):
        assert name in page
    client.post("/admin/logout", data={"csrf_token": token(client)})

    page = text(as_user(client, LEAD).get("/admin/organisation"))
    assert "Nettverk Nord" in page and "Bodø kommune" in page and "Gathering 1" in page
    assert "Nettverk Sør" not in page and "Psykisk helse" not in page
    assert "Add a network" not in page and "Add an organisation" in page
    client.post("/admin/logout", data={"csrf_token": token(client)})

    page = text(as_user(client, UNIT_LEAD).get("/admin/organisation"))
    assert "Hjemmesykepleien" in page and "Bodø kommune" in page
    assert "KAD" not in page and "Psykisk helse" not in page
    assert "Add an organisation" not in page and "Rename" not in page


def test_archived_items_are_shown_apart_and_marked(app, client, world):
    as_user(client, ADMIN)
    assert post(client, f"/admin/units/{world.kad}/archive").status_code == 303
    assert post(client, f"/admin/networks/{world.south}/archive").status_code == 303
    page = text(client.get("/admin/organisation"))
    assert "Archived units of Bodø kommune" in page
    archived = page[page.index('id="archived-networks"'):]
    assert "Nettverk Sør" in archived and "Archived" in archived
    active = page[page.index("<h1"):page.index('id="archived-networks"')]
    assert "Nettverk Sør" not in active
    kad = page[page.index(f'id="unit-{world.kad}"'):]
    assert re.match(r'id="unit-\d+">\s*<a class="ds-link org-name" href="/admin/units/\d+">KAD</a> '
                    r'<span class="org-tag">Archived</span>', kad)
    assert post(client, f"/admin/units/{world.kad}/unarchive").status_code == 303
    with app.app_context():
        assert database.session().get(Unit, world.kad).archived is False
    assert actions(app) == ["unit.archive", "network.archive", "unit.unarchive"]


# --- Changing the structure ----------------------------------------------------------------------


def test_administrator_creates_renames_and_archives_a_network(app, client, world):
    as_user(client, ADMIN)
    assert client.get("/admin/networks/new").status_code == 200
    created = post(client, "/admin/networks/new", {"name": "  Helgeland   2021–2023 "})
    assert created.status_code == 303
    with app.app_context():
        network = database.session().scalars(sa.select(Network).filter_by(
            name="Helgeland 2021–2023")).one()
    assert created.headers["Location"].endswith(f"/admin/organisation#network-{network.id}")
    assert post(client, f"/admin/networks/{network.id}/edit",
                {"name": "Helgeland"}).status_code == 303
    assert post(client, f"/admin/networks/{network.id}/archive").status_code == 303
    with app.app_context():
        stored = database.session().get(Network, network.id)
        assert (stored.name, stored.archived) == ("Helgeland", True)
    assert post(client, f"/admin/networks/{network.id}/unarchive").status_code == 303
    assert actions(app) == ["network.create", "network.rename", "network.archive",
                            "network.unarchive"]
    with app.app_context():
        targets = database.session().scalars(sa.select(AuditEntry.target)).all()
    assert "«Helgeland 2021–2023»" in targets[1] and "«Helgeland»" in targets[1]


def test_network_lead_manages_gatherings_organisations_and_units(app, client, world):
    as_user(client, LEAD)
    steps = [
        (f"/admin/networks/{world.north}/gatherings/new",
         {"number": "5", "held_on": "2027-03-01", "place": "Bodø"}),
        (f"/admin/gatherings/{world.gathering}/edit",
         {"number": "1", "held_on": "2026-03-02", "place": "Mosjøen"}),
        (f"/admin/networks/{world.north}/organisations/new",
         {"name": "Nordlandssykehuset", "kind": "helseforetak"}),
        (f"/admin/organisations/{world.bodo}/edit", {"name": "Bodø", "kind": "kommune"}),
        (f"/admin/organisations/{world.bodo}/units/new", {"name": "Legevakt"}),
        (f"/admin/units/{world.kad}/edit", {"name": "KAD Bodø"}),
        (f"/admin/units/{world.kad}/archive", {}),
        (f"/admin/organisations/{world.bodo}/archive", {}),
        (f"/admin/organisations/{world.bodo}/unarchive", {}),
    ]
    for url, data in steps:
        if not url.endswith("archive"):
            assert client.get(url).status_code == 200, url
        assert post(client, url, data).status_code == 303, url
    with app.app_context():
        db = database.session()
        gatherings = {g.number: (g.held_on, g.place) for g in db.get(Network, world.north)
                      .gatherings}
        assert gatherings == {1: (dt.date(2026, 3, 2), "Mosjøen"),
                              5: (dt.date(2027, 3, 1), "Bodø")}
        hospital = db.scalars(sa.select(Organisation).filter_by(name="Nordlandssykehuset")).one()
        assert hospital.kind == "helseforetak"
        assert {n.id for n in hospital.networks} == {world.north}
        assert db.get(Organisation, world.bodo).name == "Bodø"
        assert db.get(Unit, world.kad).name == "KAD Bodø" and db.get(Unit, world.kad).archived
        assert db.scalars(sa.select(Unit).filter_by(name="Legevakt")).one().organisation_id \
            == world.bodo
    assert actions(app) == ["gathering.create", "gathering.edit", "organisation.create",
                            "organisation.edit", "unit.create", "unit.rename", "unit.archive",
                            "organisation.archive", "organisation.unarchive"]


NETWORK_ADMIN_ONLY = [("get", "/admin/networks/new"), ("post", "/admin/networks/new"),
                      ("get", "/admin/networks/{north}/edit"),
                      ("post", "/admin/networks/{north}/edit"),
                      ("post", "/admin/networks/{north}/archive"),
                      ("post", "/admin/networks/{north}/unarchive"),
                      ("get", "/admin/networks/{north}/delete"),
                      ("post", "/admin/networks/{north}/delete")]


@pytest.mark.parametrize(("method", "url"), NETWORK_ADMIN_ONLY)
@pytest.mark.parametrize("who", [LEAD, UNIT_LEAD])
def test_only_administrators_manage_networks(app, client, world, who, method, url):
    as_user(client, who)
    url = url.format(**vars(world))
    response = client.get(url) if method == "get" else post(client, url, {"name": "Ny"})
    assert response.status_code == 403
    assert count(app, Network) == 2 and actions(app) == []


OTHER_NETWORK = [("get", "/admin/networks/{south}/gatherings/new"),
                 ("post", "/admin/networks/{south}/gatherings/new"),
                 ("get", "/admin/gatherings/{south_gathering}/edit"),
                 ("post", "/admin/gatherings/{south_gathering}/edit"),
                 ("get", "/admin/gatherings/{south_gathering}/delete"),
                 ("post", "/admin/gatherings/{south_gathering}/delete"),
                 ("get", "/admin/networks/{south}/organisations/new"),
                 ("post", "/admin/networks/{south}/organisations/new"),
                 ("get", "/admin/organisations/{krs}/edit"),
                 ("post", "/admin/organisations/{krs}/edit"),
                 ("post", "/admin/organisations/{krs}/archive"),
                 ("post", "/admin/organisations/{krs}/unarchive"),
                 ("get", "/admin/organisations/{krs}/delete"),
                 ("post", "/admin/organisations/{krs}/delete"),
                 ("get", "/admin/organisations/{krs}/units/new"),
                 ("post", "/admin/organisations/{krs}/units/new"),
                 ("get", "/admin/units/{other}/edit"), ("post", "/admin/units/{other}/edit"),
                 ("post", "/admin/units/{other}/archive"),
                 ("post", "/admin/units/{other}/unarchive"),
                 ("get", "/admin/units/{other}/delete"),
                 ("post", "/admin/units/{other}/delete"),
                 ("get", "/admin/units/99999/edit"), ("get", "/admin/gatherings/99999/edit"),
                 ("get", "/admin/units/99999999999999999999/edit"),
                 ("post", "/admin/organisations/9999999999/delete")]
VALID = {"name": "Nytt navn", "kind": "kommune", "number": "2", "confirm": "y"}


@pytest.mark.parametrize(("method", "url"), OTHER_NETWORK)
def test_network_lead_cannot_see_or_change_another_network(app, client, world, method, url):
    as_user(client, LEAD)
    url = url.format(**vars(world))
    response = client.get(url) if method == "get" else post(client, url, VALID)
    assert response.status_code == 404
    assert count(app, Unit) == 3 and count(app, Organisation) == 2
    assert count(app, Gathering) == 2 and actions(app) == []
    with app.app_context():
        db = database.session()
        assert db.get(Unit, world.other).name == "Psykisk helse"
        assert not db.get(Organisation, world.krs).archived


UNIT_LEAD_CASES = [(403, "get", "/admin/units/{home}/edit"),
                   (403, "post", "/admin/units/{home}/edit"),
                   (403, "post", "/admin/units/{home}/archive"),
                   (403, "get", "/admin/units/{home}/delete"),
                   (403, "post", "/admin/units/{home}/delete"),
                   (404, "get", "/admin/units/{kad}/edit"),
                   (404, "post", "/admin/units/{kad}/archive"),
                   (404, "get", "/admin/organisations/{bodo}/units/new"),
                   (404, "post", "/admin/organisations/{bodo}/units/new"),
                   (404, "post", "/admin/organisations/{bodo}/edit"),
                   (404, "post", "/admin/networks/{north}/organisations/new"),
                   (404, "post", "/admin/networks/{north}/gatherings/new"),
                   (404, "post", "/admin/gatherings/{gathering}/delete")]


@pytest.mark.parametrize(("status", "method", "url"), UNIT_LEAD_CASES)
def test_unit_lead_may_not_change_the_structure(app, client, world, status, method, url):
    as_user(client, UNIT_LEAD)
    url = url.format(**vars(world))
    response = client.get(url) if method == "get" else post(client, url, VALID)
    assert response.status_code == status
    assert count(app, Unit) == 3 and count(app, Gathering) == 2 and actions(app) == []
    with app.app_context():
        assert database.session().get(Unit, world.home).name == "Hjemmesykepleien"


# --- Bad input -----------------------------------------------------------------------------------

LONG = "x" * 201
FILL = "Fill this in."
TOO_LONG = "Write at most 200 characters."
CHOOSE = "Choose one of the options."
TAKEN = "This name is already used. Choose another."
BAD_DATE = "Write the date as year-month-day, for example 2026-03-31."
GATHERING_TAKEN = "This network already has Gathering 1."

BAD_INPUT = [
    ("/admin/networks/new", {"name": ""}, FILL, Network),
    ("/admin/networks/new", {"name": " \t\x00 "}, FILL, Network),
    ("/admin/networks/new", {"name": LONG}, TOO_LONG, Network),
    ("/admin/networks/new", {"name": "nettverk nord"}, TAKEN, Network),
    ("/admin/networks/{south}/edit", {"name": ""}, FILL, Network),
    ("/admin/networks/{south}/edit", {"name": LONG}, TOO_LONG, Network),
    ("/admin/networks/{south}/edit", {"name": "Nettverk Nord"}, TAKEN, Network),
    ("/admin/networks/{north}/gatherings/new", {"number": ""}, CHOOSE, Gathering),
    ("/admin/networks/{north}/gatherings/new", {"number": "0"}, CHOOSE, Gathering),
    ("/admin/networks/{north}/gatherings/new", {"number": "6"}, CHOOSE, Gathering),
    ("/admin/networks/{north}/gatherings/new", {"number": "to"}, CHOOSE, Gathering),
    ("/admin/networks/{north}/gatherings/new", {"number": "1"}, GATHERING_TAKEN, Gathering),
    ("/admin/networks/{north}/gatherings/new", {"number": "2", "held_on": "2026-02-30"},
     BAD_DATE, Gathering),
    ("/admin/networks/{north}/gatherings/new", {"number": "2", "held_on": "1.4.2026"},
     BAD_DATE, Gathering),
    ("/admin/networks/{north}/gatherings/new", {"number": "2", "held_on": "1066-10-14"},
     "Write a date between 2000-01-01 and 2100-12-31.", Gathering),
    ("/admin/networks/{north}/gatherings/new", {"number": "2", "held_on": "2026-02-01"},
     "Gathering 1 is on 2026-03-01; the gatherings' dates must follow their numbers.",
     Gathering),
    ("/admin/networks/{north}/gatherings/new", {"number": "2", "place": LONG}, TOO_LONG,
     Gathering),
    ("/admin/networks/{north}/organisations/new", {"name": "", "kind": "kommune"}, FILL,
     Organisation),
    ("/admin/networks/{north}/organisations/new", {"name": LONG, "kind": "kommune"}, TOO_LONG,
     Organisation),
    ("/admin/networks/{north}/organisations/new", {"name": "Rana kommune", "kind": "fylke"},
     CHOOSE, Organisation),
    ("/admin/networks/{north}/organisations/new", {"name": "Rana kommune"}, CHOOSE,
     Organisation),
    ("/admin/networks/{north}/organisations/new", {"name": "BODØ KOMMUNE", "kind": "kommune"},
     TAKEN, Organisation),
    ("/admin/organisations/{bodo}/edit", {"name": "", "kind": "kommune"}, FILL, Organisation),
    ("/admin/organisations/{bodo}/edit", {"name": "Bodø", "kind": "sykehus"}, CHOOSE,
     Organisation),
    ("/admin/organisations/{bodo}/units/new", {"name": ""}, FILL, Unit),
    ("/admin/organisations/{bodo}/units/new", {"name": LONG}, TOO_LONG, Unit),
    ("/admin/organisations/{bodo}/units/new", {"name": "kad"}, TAKEN, Unit),
    ("/admin/units/{kad}/edit", {"name": ""}, FILL, Unit),
    ("/admin/units/{kad}/edit", {"name": LONG}, TOO_LONG, Unit),
    ("/admin/units/{kad}/edit", {"name": "Hjemmesykepleien"}, TAKEN, Unit),
]


@pytest.mark.parametrize(("url", "data", "message", "model"), BAD_INPUT)
def test_bad_input_is_refused_with_a_message(app, client, world, url, data, message, model):
    as_user(client, LEAD if "gatherings" in url or "units" in url else ADMIN)
    before = count(app, model)
    response = post(client, url.format(**vars(world)), data)
    assert response.status_code == 422
    page = text(response)
    assert message in page.replace("&#39;", "'")
    assert 'class="ds-error-summary"' in page
    assert count(app, model) == before and actions(app) == []
    with app.app_context():
        db = database.session()
        assert db.get(Network, world.south).name == "Nettverk Sør"
        assert db.get(Organisation, world.bodo).kind == "kommune"
        assert db.get(Unit, world.kad).name == "KAD"


def test_a_gathering_keeps_its_own_number_when_edited(app, client, world):
    as_user(client, LEAD)
    post(client, f"/admin/networks/{world.north}/gatherings/new", {"number": "2"})
    url = f"/admin/gatherings/{world.gathering}/edit"
    taken = post(client, url, {"number": "2", "held_on": "2026-03-01"})
    assert taken.status_code == 422 and "This network already has Gathering 2." in text(taken)
    assert post(client, url, {"number": "1", "place": "Mo"}).status_code == 303
    assert client.get(url).status_code == 200


# --- Deleting ------------------------------------------------------------------------------------


def test_deleting_a_unit_with_responses_asks_and_says_what_is_lost(app, client, world):
    survey = add_survey(app, unit_id=world.kad, responses=3)
    as_user(client, LEAD)
    url = f"/admin/units/{world.kad}/delete"
    page = text(client.get(url))
    assert "1 survey, with its links" in page and "3 responses" not in page  # «fewer than 5»
    assert "fewer than 5 responses in 1 survey, with all their answers" in page
    seen = re.search(r'name="seen" type="hidden" value="([^"]+)"', page).group(1)

    unconfirmed = post(client, url, {"seen": seen})
    assert unconfirmed.status_code == 422
    assert "Tick the box to confirm that this may be deleted." in text(unconfirmed)
    add_survey(app, unit_id=world.kad, responses=1)  # a response arrives meanwhile
    stale = post(client, url, {"seen": seen, "confirm": "y"})
    assert stale.status_code == 422 and "The numbers changed" in text(stale)
    assert "fewer than 5 responses in each of 2 surveys" in text(stale)
    assert count(app, Response) == 4 and count(app, Unit, Unit.id == world.kad) == 1

    seen = re.search(r'name="seen" type="hidden" value="([^"]+)"', text(stale)).group(1)
    done = post(client, url, {"seen": seen, "confirm": "y"})
    assert done.status_code == 303
    assert count(app, Unit, Unit.id == world.kad) == 0
    for model in (Survey, Response, Answer, SingleUseLink):
        assert count(app, model) == 0, model
    assert count(app, Survey, Survey.id == survey) == 0
    with app.app_context():
        entry = database.session().scalars(sa.select(AuditEntry)).one()
    assert entry.action == "unit.delete" and "2 surveys, 4 responses" in entry.target


def test_deleting_a_network_takes_its_gatherings_and_leaves_its_members(app, client, world):
    """Organisations outlive a network (issue 20): deleting it takes its gatherings with
    their surveys and its memberships; its members keep their units and surveys."""
    from surveys.membership_models import NetworkMembership

    units_before = count(app, Unit)
    member = add_survey(app, unit_id=world.home, responses=2)
    add_survey(app, gathering_id=world.gathering, responses=5)
    kept = add_survey(app, unit_id=world.other, responses=1)
    as_user(client, ADMIN)
    url = f"/admin/networks/{world.north}/delete"
    page = text(client.get(url))
    for shown in ("5 responses, with all their answers", "1 gathering"):
        assert shown in page
    assert "1 organisation" not in page and "2 units" not in page
    seen = re.search(r'name="seen" type="hidden" value="([^"]+)"', page).group(1)
    assert post(client, url, {"seen": seen, "confirm": "y"}).status_code == 303
    assert count(app, Network) == 1 and count(app, Organisation) == 2
    assert count(app, Unit) == units_before
    assert count(app, Gathering) == 1 and count(app, Response) == 3
    assert count(app, Survey) == 2 == count(app, Survey, Survey.id.in_([member, kept]))
    assert count(app, NetworkMembership, NetworkMembership.network_id == world.north) == 0
    with app.app_context():
        lead = database.session().get(Account, world.lead)
        assert lead.networks == [] and lead.is_active
        assert database.session().get(Account, world.unit_lead).units != []
    assert actions(app) == ["network.delete"]


@pytest.mark.parametrize("what", ["gathering", "unit", "organisation"])
def test_deleting_without_data_needs_only_a_simple_confirm(app, client, world, what):
    url = {"gathering": f"/admin/gatherings/{world.gathering}/delete",
           "unit": f"/admin/units/{world.kad}/delete",
           "organisation": f"/admin/organisations/{world.bodo}/delete"}[what]
    if what == "organisation":  # its data may span networks: not for a network's lead
        assert as_user(client, LEAD).get(url).status_code == 403
        client.post("/admin/logout", data={"csrf_token": token(client)})
    as_user(client, LEAD if what != "organisation" else ADMIN)
    page = text(client.get(url))
    assert "No surveys or responses are stored under" in page and 'name="confirm"' not in page
    assert post(client, url).status_code == 303
    model = {"gathering": Gathering, "unit": Unit, "organisation": Organisation}[what]
    assert count(app, model) == {"gathering": 1, "unit": 2 if what == "unit" else 1,
                                 "organisation": 1}[what]
    assert actions(app) == [f"{what}.delete"]


# --- Accounts ------------------------------------------------------------------------------------


def test_administrator_creates_an_account_and_hands_over_a_link(app, client, world):
    as_user(client, ADMIN)
    listing = text(client.get("/admin/accounts"))
    assert "Nina Nettverk" in listing and LEAD in listing and "Network lead:" in listing
    created = post(client, "/admin/accounts", {
        "name": "Kari Nordmann", "email": " Kari.Nordmann@Rana.Kommune.no ",
        "role": "network_lead", "networks": [str(world.north)], "units": [str(world.other)]})
    assert created.status_code == 200
    link = re.search(r'value="(http://localhost/admin/set-password/[^"]+)"', text(created))
    assert link, text(created)
    token_part = link.group(1).rsplit("/", 1)[1]
    with app.app_context():
        db = database.session()
        account = db.scalars(sa.select(Account).filter_by(
            email="kari.nordmann@rana.kommune.no")).one()
        assert [n.id for n in account.networks] == [world.north] and account.units == []
        assert account.password_hash is None and not account.is_admin
        entry = db.scalars(sa.select(AuditEntry)).one()
    assert entry.action == "account.create" and token_part not in entry.target
    assert token_part not in text(client.get("/admin/accounts"))  # shown once only

    renewed = post(client, f"/admin/accounts/{account.id}/password-link")
    assert renewed.status_code == 200 and "/admin/set-password/" in text(renewed)
    assert count(app, PasswordLink, PasswordLink.account_id == account.id) == 2

    client.post("/admin/logout", data={"csrf_token": token(client)})
    assert client.get(link.group(1).replace("http://localhost", "")).status_code == 200


def test_administrator_deactivates_and_reactivates_an_account(app, client, world):
    other = as_user(app.test_client(), UNIT_LEAD)
    as_user(client, ADMIN)
    assert post(client, f"/admin/accounts/{world.unit_lead}/deactivate").status_code == 303
    assert other.get("/admin/organisation").status_code == 302  # logged out at once
    assert log_in(app.test_client(), UNIT_LEAD).status_code == 422
    assert post(client, f"/admin/accounts/{world.unit_lead}/reactivate").status_code == 303
    assert log_in(app.test_client(), UNIT_LEAD).status_code == 303
    assert post(client, f"/admin/accounts/{world.admin}/deactivate").status_code == 403
    assert post(client, "/admin/accounts/99999/deactivate").status_code == 404
    assert post(client, "/admin/accounts/99999999999999999999/password-link").status_code == 404
    assert actions(app) == ["account.deactivate", "account.reactivate"]


ACCOUNT_BAD_INPUT = [
    ({"name": "", "email": "ny@kommune.no", "role": "admin"}, FILL),
    ({"name": LONG, "email": "ny@kommune.no", "role": "admin"}, TOO_LONG),
    ({"name": "Ny", "email": "", "role": "admin"}, FILL),
    ({"name": "Ny", "email": "ikke en adresse", "role": "admin"}, "Write a valid e-mail address."),
    ({"name": "Ny", "email": "a@" + "b" * 250 + ".no", "role": "admin"},
     "Write at most 254 characters."),
    ({"name": "Ny", "email": " NETTVERK@KS.no", "role": "admin"},
     "An account with this e-mail address already exists."),
    ({"name": "Ny", "email": "ny@kommune.no", "role": "boss"}, CHOOSE),
    ({"name": "Ny", "email": "ny@kommune.no"}, CHOOSE),
    ({"name": "Ny", "email": "ny@kommune.no", "role": "network_lead"},
     "Choose at least one network for a network lead."),
    ({"name": "Ny", "email": "ny@kommune.no", "role": "unit_lead"},
     "Choose at least one unit for a unit lead."),
    ({"name": "Ny", "email": "ny@kommune.no", "role": "unit_lead", "units": ["99999"]},
     "Choose among the options shown."),
    ({"name": "Ny", "email": "ny@kommune.no", "role": "network_lead", "networks": ["x"]},
     "Choose among the options shown."),
]


@pytest.mark.parametrize(("data", "message"), ACCOUNT_BAD_INPUT)
def test_bad_account_input_is_refused(app, client, world, data, message):
    as_user(client, ADMIN)
    before = count(app, Account)
    response = post(client, "/admin/accounts", data)
    assert response.status_code == 422
    assert message in text(response)
    assert "/admin/set-password/" not in text(response)
    assert count(app, Account) == before and count(app, PasswordLink) == 0
    assert actions(app) == []


def test_a_radio_group_in_error_is_described_by_it_and_invalid(client, world):
    as_user(client, ADMIN)
    html = text(post(client, "/admin/accounts", {"name": "Ny", "email": "ny@kommune.no"}))
    group = re.search(r'<fieldset [^>]*id="role"[^>]*>.*?</fieldset>', html, re.S).group(0)
    assert 'aria-describedby="error-role"' in group and 'id="error-role"' in group
    radios = re.findall(r'<input [^>]*type="radio"[^>]*>', group)
    assert radios and all('aria-invalid="true"' in radio for radio in radios)
    units = re.search(r'<fieldset [^>]*id="units"[^>]*>.*?</fieldset>', html, re.S).group(0)
    assert "aria-invalid" not in units


ADMIN_PAGES = [("get", "/admin/accounts"), ("post", "/admin/accounts"), ("get", "/admin/audit"),
               ("post", "/admin/accounts/{unit_lead}/deactivate"),
               ("post", "/admin/accounts/{unit_lead}/reactivate"),
               ("post", "/admin/accounts/{unit_lead}/password-link")]


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
@pytest.mark.parametrize("who", [LEAD, UNIT_LEAD, None])
def test_accounts_and_audit_log_are_for_administrators(app, client, world, who, method, url):
    as_user(client, who)
    url = url.format(**vars(world))
    data = {"name": "Ny", "email": "ny@kommune.no", "role": "admin"}
    if who is None:
        response = client.get(url) if method == "get" else client.post(url, data=data)
        assert response.status_code == (302 if method == "get" else 400)  # login; no CSRF
    else:
        response = client.get(url) if method == "get" else post(client, url, data)
        assert response.status_code == 403
    assert count(app, Account) == 3 and count(app, PasswordLink) == 0 and actions(app) == []


# --- The audit log -------------------------------------------------------------------------------


def test_audit_log_is_paged_newest_first(app, client, world):
    start = dt.datetime(2026, 1, 1, 8, 0)
    with app.app_context():
        db = database.session()
        db.add_all(AuditEntry(account_id=world.lead, action="unit.rename", target=f"entry {n:03}",
                              created_at=start + dt.timedelta(minutes=n)) for n in range(120))
        db.commit()
    as_user(client, ADMIN)
    first = text(client.get("/admin/audit"))
    rows = re.findall(r"<td>(entry \d+)</td>", first)
    assert len(rows) == 50 and rows[0] == "entry 119" and rows[-1] == "entry 070"
    assert "Nina Nettverk" in first and "Renamed: unit" in first and "Page 1 of 3" in first
    last = text(client.get("/admin/audit?page=3"))
    assert re.findall(r"<td>(entry \d+)</td>", last)[-1] == "entry 000"
    assert len(re.findall(r"<td>(entry \d+)</td>", last)) == 20
    for bad in ("0", "4", "-1", "abc", "1.5", "99999999999", "٣"):
        assert client.get(f"/admin/audit?page={bad}").status_code == 404, bad
