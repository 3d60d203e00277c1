"""One rounding rule: decimal half up, the same on the page, in the CSV/XLSX, in charts and
for the API's figures (issue 16, finding 5).

By hand: 43/40 = 1.075 exactly, but the binary float is 1.07499999999999995559…, so Python's
round(1.075, 2) gives 1.07 while Excel, Questback and the page give 1,08. 23/40 = 57.5 %:
round(100 * 0.575) = round(57.49999999999999) = 57, half up gives 58. 5/40 = 12.5 %: half to
even (Babel) gives 12, half up 13. 21/20 = 1.05: half to even gives 1,0, half up 1,1.
The expected figures below come from integer arithmetic on the exact fraction, never from the
code under test.
"""

from __future__ import annotations

import csv
import io
import json
import math
import secrets
from fractions import Fraction

import pytest
from flask_babel import force_locale

import database
from analytics import exports
from api import models as api_models
from questionnaires.item_types import AnswerValue
from questionnaires.queries import latest_version
from surveys.models import Gathering, Network, Organisation, Survey, Unit
from surveys.operations import submit_response
from tests.conftest import log_in, release_waiting

LARGEST_N = 400


def exact(s: int, n: int, places: int) -> str:
    """s/n rounded half up to `places` decimals by integer arithmetic, written with a
    decimal comma and a real minus sign (s may be negative)."""
    scale = 10 ** places
    magnitude = (2 * abs(s) * scale + n) // (2 * n)  # floor(|s|/n · scale + ½)
    whole, part = divmod(magnitude, scale)
    text = f"{whole},{part:0{places}d}" if places else str(whole)
    return ("\u2212" + text) if s < 0 and magnitude else text


def first_time(s: int, n: int, smallest_n: int) -> bool:
    """Whether s/n is met here for the first time, counting n up from `smallest_n`: s/n is
    p/q in lowest terms (10/8 is 5/4: the same Fraction, and the same float, as division
    rounds the exact quotient), met first at the smallest multiple of q that is at least
    `smallest_n`, that is where the multiple before it, n − q, is below `smallest_n`."""
    return n - n // math.gcd(s, n) < smallest_n


def test_the_hand_computed_cases():
    assert exact(43, 40, 2) == "1,08" and exact(23 * 100, 40, 0) == "58"
    assert exact(-43, 40, 2) == "\u22121,08" and exact(-1, 40, 1) == "0,0"
    assert round(43 / 40, 2) == 1.07  # why float rounding cannot be used


def test_half_up_of_exact_fractions_and_negative_means():
    """The same rule from an exact fraction, and away from zero for a negative mean (a
    change), for every s/n with n ≤ 400 (the fraction's digits repeat with period n in s)."""
    from analytics import numbers
    for n in range(1, LARGEST_N + 1):
        for s in range(-n, n + 1):
            if not first_time(s, n, 1):
                continue
            assert numbers.fixed(Fraction(s, n), 2, "nb") == exact(s, n, 2), (s, n)
            assert numbers.fixed(s / n, 1, "nb") == exact(s, n, 1), (s, n)


def test_page_csv_and_api_agree_for_every_mean_and_share_up_to_400(app):
    """Means with two decimals (the gathering table's, on a 1–5 scale) and shares in whole
    percent, for every s/n with n ≤ 400: the page's filter, the CSV's cell and the API's JSON
    number read the same, and that is the exact fraction rounded half up. Each value once
    (`first_time`): 195,000 means of the 321,000 pairs."""
    from analytics import numbers
    from web.i18n import percent, two_decimals

    with app.test_request_context(), force_locale("nb"):
        for n in range(5, LARGEST_N + 1):
            for s in range(n, 5 * n + 1):
                if not first_time(s, n, 5):
                    continue
                mean = s / n
                page = two_decimals(mean)
                csv_cell = exports.cell(numbers.half_up(mean, 2), ";")
                sent = json.loads(api_models.GatheringMean(
                    gathering=1, asked=True, n=n, mean=mean, ci_low=None, ci_high=None,
                    suppressed=False).model_dump_json())["mean"]
                assert page == csv_cell == numbers.fixed(sent, 2, "nb") == exact(s, n, 2), (
                    s, n)
            for s in range(0, n + 1):
                if not first_time(s, n, 5):
                    continue
                share = s / n
                assert percent(share) == exact(100 * s, n, 0) + "\u00a0%", (s, n)
                assert exports.cell(numbers.percent(share), ";") == exact(100 * s, n, 0)


def test_the_csv_keeps_trailing_zeros_and_the_xlsx_the_decimals():
    from analytics import numbers
    assert exports.cell(numbers.half_up(1.3, 2), ";") == "1,30"
    assert exports.cell(numbers.half_up(1.3, 2), ",") == "1.30"
    assert exports.cell(numbers.half_up(-0.004, 2), ";") == "0,00"


# --- The gathering table and a results page, end to end ------------------------------------

@pytest.fixture
def figures(app, make_account, keep_world):
    return keep_world("test_rounding.figures", lambda: build_figures(app, make_account))


def build_figures(app, make_account):
    """Gathering 1: 40 responses, «nytte_totalt» summing to 43 (1.075), 80 invited (50 %);
    gathering 2: 23 responses of 40 invited (57.5 %), «nytte_totalt» all 2."""
    import datetime as dt
    with app.app_context():
        db = database.session()
        network = Network(name="Vest")
        db.add(Unit(name="Enhet Vest", organisation=Organisation(
            name="Kommune Vest", kind="kommune", network=network)))
        version = latest_version(db, "samling")
        first = Survey(title="Samling 1", questionnaire=version, invited=80,
                       gathering=Gathering(network=network, number=1))
        second = Survey(title="Samling 2", questionnaire=version, invited=40,
                        gathering=Gathering(network=network, number=2))
        db.add_all([first, second])
        db.commit()
        day = dt.date(2026, 3, 2)
        for value in [2] * 3 + [1] * 37:
            submit_response(db, first, None, secrets.token_urlsafe(18), "nb",
                            [AnswerValue("nytte_totalt", 0, float(value), None)], day)
        for _ in range(23):
            submit_response(db, second, None, secrets.token_urlsafe(18), "nb",
                            [AnswerValue("nytte_totalt", 0, 2.0, None)], day)
        network_id, surveys = network.id, (first.id, second.id)
    for survey_id in surveys:  # 23 is no multiple of k: released as before the batches
        release_waiting(app, survey_id)
    make_account("nett@vest.no", networks=(network_id,))
    return network_id


def test_the_gathering_page_and_its_csv_round_alike(client, figures):
    client.set_cookie("lang", "nb")
    log_in(client, "nett@vest.no")
    html = client.get(f"/admin/networks/{figures}/evaluations").get_data(as_text=True)
    start = html.index("Nytten av samlingen totalt sett")
    row = html[start:html.index("</tr>", start)]
    assert 'data-state="shown">1,08<span' in row and 'data-state="shown">2,00<span' in row
    start = html.index("Svarprosent")
    assert "58\u00a0%" in html[start:html.index("</tr>", start)]
    text = client.get(f"/admin/networks/{figures}/evaluations.csv").get_data(as_text=True)
    # Columns: part, question, figure (mean, n, interval), then one per gathering.
    rows = {(row[1], row[2]): row[3:] for row in csv.reader(
        io.StringIO(text.lstrip("\ufeff")), delimiter=";")}
    assert rows[("Nytten av samlingen totalt sett", "Gjennomsnitt")][:2] == ["1,08", "2,00"]
    assert rows[("Svarprosent", "")][:2] == ["50", "58"]


def test_a_results_page_rounds_half_up_where_babel_rounded_to_even(app, client, make_survey,
                                                                   make_account):
    """20 answers summing to 21: mean 1.05 → «1,1» (half to even gave «1,0»); 20 responses
    of 160 invited: 12.5 % → «13 %» (half to even gave «12 %»). The CSV keeps four decimals
    (1,05 and 12,5), which round to the page's figures the same way."""
    import datetime as dt

    from tests.conftest import leads

    survey = make_survey("samling", invited=160)
    with app.app_context():
        db = database.session()
        found = db.get(Survey, survey.id)
        for value in [2] + [1] * 19:
            submit_response(db, found, None, secrets.token_urlsafe(18), "nb",
                            [AnswerValue("nytte_totalt", 0, float(value), None)],
                            dt.date(2026, 3, 2))
    lead, _network_lead = leads(app, make_account, survey.id)
    client.set_cookie("lang", "nb")
    log_in(client, lead)
    html = client.get(f"/admin/surveys/{survey.id}/results").get_data(as_text=True)
    assert "<dd>13\u00a0%</dd>" in html
    start = html.index('id="item-nytte_totalt"')
    assert "<dd>1,1 <span" in html[start:html.index("</dl>", start)]
    text = client.get(f"/admin/surveys/{survey.id}/results.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    survey_row = next(row for row in rows if row[0] == "survey")
    item_row = next(row for row in rows if row[1] == "nytte_totalt")
    assert survey_row[header.index("response_rate_percent")] == "12,5"
    assert item_row[header.index("mean")] == "1,05"
