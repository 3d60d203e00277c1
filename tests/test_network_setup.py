"""A network lead sets up the network's year in one go (issue 17): gatherings 1–4 and the
erfaringssamling with their dates, places and invited counts, and an evaluation survey for
each, from one page."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

import database
from questionnaires.queries import latest_version
from surveys.account_models import AuditEntry
from surveys.models import Gathering, Network, Survey
from tests.conftest import csrf_of, log_in

DATES = ["2026-02-03", "2026-04-14", "2026-06-09", "2026-09-22", "2027-09-21"]


@pytest.fixture
def network(app, client, make_account) -> int:
    with app.app_context():
        db = database.session()
        made = Network(name="Helgeland 2026–2027")
        db.add(made)
        db.commit()
        network_id = made.id
    make_account("nett@ks.no", networks=(network_id,))
    make_account("enhet@kommune.no")
    client.set_cookie("lang", "en")
    return network_id


def form_data(page: str, **changes) -> dict:
    data = {"csrf_token": csrf_of(page)}
    for row, day in enumerate(DATES):
        data |= {f"gatherings-{row}-held_on": day, f"gatherings-{row}-place": f"Sted {row + 1}",
                 f"gatherings-{row}-invited": str(40 + row), f"gatherings-{row}-evaluate": "y"}
    return data | changes


def stored(app, network_id: int) -> tuple[list[tuple], list[tuple]]:
    with app.app_context():
        db = database.session()
        gatherings = db.execute(sa.select(Gathering.number, Gathering.held_on, Gathering.place)
                                .where(Gathering.network_id == network_id)
                                .order_by(Gathering.number)).all()
        surveys = db.execute(
            sa.select(Gathering.number, Survey.opens_on, Survey.closes_on, Survey.invited,
                      Survey.questionnaire_version_id)
            .join(Gathering, Survey.gathering_id == Gathering.id)
            .where(Gathering.network_id == network_id).order_by(Gathering.number)).all()
    return [tuple(g) for g in gatherings], [tuple(s) for s in surveys]


def test_a_network_lead_sets_up_the_year_in_one_go(app, client, network):
    log_in(client, "nett@ks.no")
    assert f"/admin/networks/{network}/setup" in client.get("/admin/organisation").text
    page = client.get(f"/admin/networks/{network}/setup")
    assert page.status_code == 200 and "Gathering 4" in page.text
    made = client.post(f"/admin/networks/{network}/setup", data=form_data(page.text))
    assert made.status_code == 303
    assert made.headers["Location"].endswith(f"/admin/networks/{network}/evaluations")
    gatherings, surveys = stored(app, network)
    assert [g[0] for g in gatherings] == [1, 2, 3, 4, 5]
    assert gatherings[1] == (2, dt.date(2026, 4, 14), "Sted 2")
    with app.app_context():
        samling = latest_version(database.session(), "samling").id
    assert surveys[0] == (1, dt.date(2026, 2, 3), dt.date(2026, 2, 10), 40, samling)
    assert [s[3] for s in surveys] == [40, 41, 42, 43, 44]
    with app.app_context():
        actions = database.session().scalars(sa.select(AuditEntry.action)).all()
    assert actions.count("survey.create") == 5 and actions.count("gathering.create") == 5
    # Again: nothing doubled; a date moved is moved, the evaluations stay one per gathering
    page = client.get(f"/admin/networks/{network}/setup")
    assert "already has its evaluation" in page.text
    again = form_data(page.text, **{"gatherings-1-held_on": "2026-04-21"})
    assert client.post(f"/admin/networks/{network}/setup", data=again).status_code == 303
    gatherings, surveys = stored(app, network)
    assert len(gatherings) == 5 and len(surveys) == 5
    assert gatherings[1][1] == dt.date(2026, 4, 21)


def test_only_the_rows_ticked_get_an_evaluation(app, client, network):
    log_in(client, "nett@ks.no")
    page = client.get(f"/admin/networks/{network}/setup").text
    data = {key: value for key, value in form_data(page).items()
            if not key.endswith("-evaluate") or key.startswith("gatherings-0")}
    assert client.post(f"/admin/networks/{network}/setup", data=data).status_code == 303
    gatherings, surveys = stored(app, network)
    assert len(gatherings) == 5 and [s[0] for s in surveys] == [1]


def test_bad_input_is_refused_with_the_reason_and_nothing_is_saved(app, client, network):
    log_in(client, "nett@ks.no")
    page = client.get(f"/admin/networks/{network}/setup").text
    for changes, reason in (
            ({"gatherings-2-held_on": "2026-01-01"}, "dates must follow their numbers"),
            ({"gatherings-0-invited": "-1"}, "Write a whole number from 0"),
            ({"gatherings-3-held_on": "22.09.2026"}, "Write the date as year-month-day"),
            ({"questionnaire": "999999"}, "Choose one of the options shown."),
            ({f"gatherings-{n}-evaluate": "" for n in range(5)} | {
                f"gatherings-{n}-held_on": "" for n in range(5)},
             "Fill in a date or tick an evaluation for at least one gathering.")):
        refused = client.post(f"/admin/networks/{network}/setup",
                              data=form_data(page, **changes))
        assert refused.status_code == 422 and reason in refused.text, changes
    assert stored(app, network) == ([], [])


def test_a_unit_lead_may_not_set_up_a_network(app, client, network):
    log_in(client, "enhet@kommune.no")
    assert client.get(f"/admin/networks/{network}/setup").status_code == 404
