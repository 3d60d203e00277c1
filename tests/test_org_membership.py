"""Organisations that outlive a network (issue 20): an organisation in no network, a
network's members with their periods, and the organisation administrator, who manages its
organisation's units and unit leads and sees nothing of any other organisation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import database
from surveys import access
from surveys.account_models import Account
from surveys.membership_models import NetworkMembership
from surveys.models import Organisation, Survey, Unit
from tests.test_admin_org import ADMIN, LEAD, UNIT_LEAD, as_user, count, post, text
from tests.test_admin_org import world as world  # the fixture

ORG_ADMIN = "org@bodo.kommune.no"


@pytest.fixture
def org_world(app, world, make_account):
    """`world`, with an administrator of Bodø and an organisation in no network (Hamar)."""
    with app.app_context():
        db = database.session()
        hamar = Organisation(name="Hamar kommune", kind="kommune")
        db.add(Unit(name="Hjemmetjenesten Hamar", organisation=hamar))
        db.commit()
        world.hamar = hamar.id
        world.hamar_unit = hamar.units[0].id
        world.home_survey = _survey(db, world.home)
        world.hamar_survey = _survey(db, world.hamar_unit)
    world.org_admin = make_account(ORG_ADMIN, name="Olga Org", organisations=(world.bodo,)).id
    return world


def _survey(db, unit_id: int) -> int:
    from questionnaires.queries import latest_version

    survey = Survey(title="Bruker", questionnaire=latest_version(db, "psfs"), unit_id=unit_id)
    db.add(survey)
    db.commit()
    return survey.id


def test_an_administrator_makes_an_organisation_in_no_network(app, client, world):
    as_user(client, ADMIN)
    made = post(client, "/admin/organisations/new", {"name": "Hamar kommune",
                                                     "kind": "kommune"})
    assert made.status_code == 303
    with app.app_context():
        hamar = database.session().scalars(
            sa.select(Organisation).filter_by(name="Hamar kommune")).one()
        assert hamar.networks == set() and hamar.network_id is None
    page = text(client.get("/admin/organisation"))
    assert "Organisations in no network" in page and "Hamar kommune" in page
    taken = post(client, "/admin/organisations/new", {"name": "bodø KOMMUNE",
                                                      "kind": "kommune"})
    assert taken.status_code == 422  # one name, one organisation, whatever its networks


def test_a_network_lead_takes_in_an_organisation_and_ends_its_membership(app, client,
                                                                          org_world):
    as_user(client, LEAD)
    url = f"/admin/networks/{org_world.north}/members"
    assert "Bodø kommune" in text(client.get(url))
    again = post(client, url, {"organisation": str(org_world.bodo)})
    assert again.status_code == 422 and "already a member" in text(again)
    assert post(client, url, {"organisation": str(org_world.hamar),
                              "joined_on": "2022-01-10"}).status_code == 303
    with app.app_context():
        membership = database.session().scalars(sa.select(NetworkMembership).filter_by(
            organisation_id=org_world.hamar)).one()
        lead = database.session().scalars(sa.select(Account).filter_by(email=LEAD)).one()
        assert access.can_see_unit(lead, database.session().get(Unit, org_world.hamar_unit))
    edit = f"/admin/memberships/{membership.id}/edit"
    backwards = post(client, edit, {"joined_on": "2022-01-10", "left_on": "2021-12-31"})
    assert backwards.status_code == 422
    assert post(client, edit, {"joined_on": "2022-01-10", "left_on": "2023-06-30",
                               "withdrawn": "y"}).status_code == 303
    with app.app_context():
        done = database.session().get(NetworkMembership, membership.id)
        assert (done.left_on.isoformat(), done.withdrawn) == ("2023-06-30", True)
        lead = database.session().scalars(sa.select(Account).filter_by(email=LEAD)).one()
        # a withdrawn member's units stay visible to the network's leads
        assert access.can_see_unit(lead, database.session().get(Unit, org_world.hamar_unit))
    page = text(client.get(f"/admin/organisations/{org_world.hamar}/networks"))
    assert "Nettverk Nord" in page and "Yes" in page
    # the lead of another network may not change this one's members
    south = f"/admin/networks/{org_world.south}/members"
    assert client.get(south).status_code == 404


def test_an_organisation_administrator_sees_its_organisation_and_nothing_else(app, client,
                                                                              org_world):
    as_user(client, ORG_ADMIN)
    page = text(client.get("/admin/organisation"))
    assert "Bodø kommune" in page and "Hamar kommune" not in page
    assert "Kristiansand" not in page and "Nettverk Nord" not in page
    assert client.get(f"/admin/surveys/{org_world.home_survey}").status_code == 200
    assert client.get(f"/admin/surveys/{org_world.hamar_survey}").status_code == 404
    assert client.get(f"/admin/networks/{org_world.north}/members").status_code == 404
    assert client.get(f"/admin/organisations/{org_world.krs}/accounts").status_code == 404
    made = post(client, f"/admin/organisations/{org_world.bodo}/units/new",
                {"name": "Legevakt"})
    assert made.status_code == 303
    assert post(client, "/admin/organisations/new",
                {"name": "X", "kind": "kommune"}).status_code == 403
    with app.app_context():
        db = database.session()
        me = db.get(Account, org_world.org_admin)
        survey = db.get(Survey, org_world.home_survey)
        assert access.can_see_survey(me, survey) and not access.may_read_free_text(me, survey)


def test_an_organisation_administrator_invites_and_deactivates_its_unit_leads(app, client,
                                                                               org_world):
    as_user(client, ORG_ADMIN)
    url = f"/admin/organisations/{org_world.bodo}/accounts"
    page = text(client.get(url))
    assert UNIT_LEAD in page and LEAD not in page and ADMIN not in page
    elsewhere = post(client, url, {"name": "Ola", "email": "ola@bodo.no",
                                   "units": [str(org_world.other)]})
    assert elsewhere.status_code == 422  # not one of the organisation's units
    made = post(client, url, {"name": "Ola", "email": "ola@bodo.no",
                              "units": [str(org_world.kad)]})
    assert made.status_code == 200 and "/admin/set-password/" in text(made)
    with app.app_context():
        ola = database.session().scalars(sa.select(Account).filter_by(email="ola@bodo.no")).one()
        assert [u.id for u in ola.units] == [org_world.kad] and not ola.is_admin
    assert post(client, f"/admin/organisation-accounts/{ola.id}/deactivate").status_code == 303
    for other in (org_world.lead, org_world.admin):
        assert post(client, f"/admin/organisation-accounts/{other}/deactivate"
                    ).status_code == 404
    with app.app_context():
        db = database.session()
        assert not db.get(Account, ola.id).is_active
        assert db.get(Account, org_world.lead).is_active
    assert count(app, Account, Account.is_active.is_(False)) == 1


def test_an_administrator_makes_an_organisation_administrator(app, client, world):
    as_user(client, ADMIN)
    made = post(client, "/admin/accounts", {"name": "Olga", "email": "olga@bodo.no",
                                            "role": "org_admin",
                                            "organisations": [str(world.bodo)]})
    assert made.status_code == 200
    with app.app_context():
        olga = database.session().scalars(sa.select(Account).filter_by(
            email="olga@bodo.no")).one()
        assert [o.id for o in olga.organisations] == [world.bodo]
        assert olga.units == [] and olga.networks == []
    none = post(client, "/admin/accounts", {"name": "Per", "email": "per@bodo.no",
                                            "role": "org_admin"})
    assert none.status_code == 422


def test_an_organisation_in_two_networks_is_shown_in_both_with_one_anchor(app, client,
                                                                            org_world):
    as_user(client, ADMIN)
    url = f"/admin/networks/{org_world.south}/members"
    assert post(client, url, {"organisation": str(org_world.bodo),
                              "joined_on": "2024-01-01"}).status_code == 303
    page = text(client.get("/admin/organisation"))
    assert page.count(f'id="organisation-{org_world.bodo}"') == 1
    assert page.count(f'id="unit-{org_world.home}"') == 1
    assert page.count(f'href="/admin/units/{org_world.home}"') == 2  # in each network
