"""A unit's trend (issue 17): for a questionnaire measured in more than one period, the unit
page shows every period's category scores with their intervals, oldest first, each period
through the small-group rule of its own results page."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import database
from questionnaires.queries import latest_version
from surveys.models import Survey
from surveys.operations import submit_response
from tests.conftest import log_in
from tests.test_anonymity_batches import user_answers, values_of

PERIODS = [("Høst 2025", dt.date(2025, 9, 1), 5), ("Vår 2026", dt.date(2026, 3, 1), 10),
           ("Høst 2026", dt.date(2026, 9, 1), 3)]


def test_the_unit_page_shows_every_period_oldest_first(app, client, make_survey,
                                                       make_account):
    first = make_survey("brukerundersokelse", period_label="Vår 2025",
                        opens_on=dt.date(2025, 3, 1))
    with app.app_context():
        db = database.session()
        version = latest_version(db, "brukerundersokelse")
        later = [Survey(title=f"Brukerundersøkelse {label}", questionnaire=version,
                        unit_id=first.unit_id, period_label=label, opens_on=opens)
                 for label, opens, _n in PERIODS]
        db.add_all(later)
        db.commit()
        ids = [first.id, *(s.id for s in later)]
    with app.app_context():
        db = database.session()
        for survey_id, n in zip(ids, [5, *(n for _l, _o, n in PERIODS)], strict=True):
            for k in range(n):
                submit_response(db, db.get(Survey, survey_id), None, secrets.token_urlsafe(18),
                                "nb", values_of(user_answers(k)), dt.date(2026, 1, 5))
    make_account("enhet@kommune.no", units=(first.unit_id,))
    client.set_cookie("lang", "en")
    log_in(client, "enhet@kommune.no")
    page = client.get(f"/admin/units/{first.unit_id}").text
    assert re.search(r'<h2 [^>]*id="trend-1">«[^»]+» over time</h2>', page)
    table = page[page.index("Category scores per period"):]
    table = table[:table.index("</table>")]
    periods = re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', table)
    assert periods == ["Vår 2025", "Høst 2025", "Vår 2026", "Høst 2026"]
    rows = table.split("<tr>")[2:]
    assert "95% CI" in rows[0] and "95% CI" in rows[2]
    assert "no scores: fewer than 5 responses" in rows[3]  # three responses: none released
    after = page[page.index("Category scores per period"):]
    read = after[after.index('class="ds-paragraph how-to-read"'):][:600]  # below the table
    assert "Higher is better: 7 is the best answer and 1 the worst." in read
    chart = client.get(f"/admin/units/{first.unit_id}/trend/chart?questionnaire=brukerundersokelse")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    svg = chart.text
    assert 'role="img"' in svg and "Vår 2025" in svg and "Høst 2026" in svg
    none = client.get(f"/admin/units/{first.unit_id}/trend/chart?questionnaire=psfs")
    assert none.status_code == 400 and "no trend of that questionnaire" in none.text
    assert client.get(f"/admin/units/{first.unit_id}/trend/chart?questionnaire=brukerundersokelse"
                      "&fmt=gif").status_code == 404
