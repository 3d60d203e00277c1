"""Baseline against follow-up on a fixed dataset: every number computed by hand (Welch's
interval written out below), the small-group rule at 4 and 5 responses, the direction of a
scale where low is good, out-of-scope surveys (404), mismatched surveys (400), and an
organisation's units pooled.

The user survey (brukerundersokelse, scale 1–7, high is good), unit A:

Category «Results for the user», each response's mean of its answers to the category:
  baseline (spring 2025): (1+3)/2 = 2, 3, 3, 4, 5 → n1 = 5, m1 = 17/5 = 3.4;
    deviations −1.4, −0.4, −0.4, 0.6, 1.6, squares 1.96 + 0.16 + 0.16 + 0.36 + 2.56 = 5.2,
    s1² = 5.2/4 = 1.3, s1²/n1 = 0.26; CI 3.4 ± t(0.975, 4)·√0.26 = 3.4 ± 2.7764·0.5099
    = 1.98 … 4.82 → "2.0 to 4.8".
  follow-up (spring 2026): 4, 5, 5, 6, 6, 7 → n2 = 6, m2 = 33/6 = 5.5;
    squares 2.25 + 0.25·4 + 2.25 = 5.5, s2² = 5.5/5 = 1.1, s2²/n2 = 0.18333;
    CI 5.5 ± 2.5706·0.42817 = 4.40 … 6.60 → "4.4 to 6.6".
  Welch: diff = 5.5 − 3.4 = 2.1; se = √(0.26 + 0.18333) = √0.44333 = 0.66583;
    df = 0.44333² / (0.26²/4 + 0.18333²/5) = 0.19654 / (0.0169 + 0.0067222) = 8.3203;
    t(0.975, 8.3203) = 2.2906; half width 2.2906·0.66583 = 1.5252
    → 0.5748 … 3.6252 → "+2.1 (95% CI 0.6 to 3.6)": the interval excludes 0 → better.
  0–100 (100·(x − 1)/6): 40.0 and 75.0; the difference 2.1·100/6 = 35.0,
    CI 0.5748·100/6 = 9.58 … 3.6252·100/6 = 60.42 → "+35.0 (95% CI 9.6 to 60.4)".
Category «Respectful treatment»: baseline 4, 4, 5, 5, 6 (m 4.8, s² 2.8/4 = 0.7, /5 = 0.14);
  follow-up 4, 5, 5, 5, 6 (m 5.0, s² 2/4 = 0.5, /5 = 0.1); diff 0.2, se = √0.24 = 0.48990,
  df = 0.0576 / (0.14²/4 + 0.1²/4) = 0.0576/0.0074 = 7.7838, t = 2.3156, half width 1.1344
  → −0.94 … 1.34 → "+0.2 (95% CI -0.9 to 1.3)": includes 0 → no clear change.
Category «User involvement»: 4 baseline answers (one "don't know") against 5 → suppressed.

Unit B of the same organisation, spring 2025: «Results for the user» 3, 3, 4, 4, 6; spring
2026: 3 responses only, so B's 2026 survey is left out of the pool for that category (its
figure could be recovered from the pool minus A's own results page).
Pooled spring 2025: 2, 3, 3, 4, 5, 3, 3, 4, 4, 6 → n 10, m 3.7; squares 2.89 + 0.49·4 +
  0.09·3 + 1.69 + 5.29 = 12.1, s² = 12.1/9 = 1.34444, /10 = 0.134444;
  CI 3.7 ± 2.2622·√0.134444 = 3.7 ± 0.8295 → "2.9 to 4.5".
Pooled spring 2026: A's 6 only (m 5.5, s²/n 0.18333). diff 1.8, se = √0.31778 = 0.56372,
  df = 0.31778² / (0.134444²/9 + 0.18333²/5) = 0.100983/0.0087307 = 11.5665,
  t = 2.1879, half width 1.2334 → 0.57 … 3.03 → "+1.8 (95% CI 0.6 to 3.0)".
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter

import pytest
from scipy import stats

import database
from analytics.small_groups import SmallGroups
from questionnaires.item_types import AnswerValue
from questionnaires.loader import builtin_definitions
from questionnaires.queries import latest_version
from reporting.comparison import (
    BETTER,
    UNCLEAR,
    WORSE,
    compare_category,
    direction,
    pool,
    welch_difference,
)
from surveys.models import Network, Organisation, Survey, Unit
from surveys.operations import Outcome, submit_response
from tests.conftest import log_in, release_waiting

pytestmark = pytest.mark.both_backends  # figures aggregated in SQL
FIVE = SmallGroups(5)

A_2025 = [
    {"resultat_hverdag": 1, "resultat_mestring": 3, "medvirkning_viktig": 3,
     "respekt_behandling": 4},
    {"resultat_hverdag": 3, "medvirkning_viktig": 4, "respekt_behandling": 4},
    {"resultat_hverdag": 3, "medvirkning_viktig": 4, "respekt_behandling": 5},
    {"resultat_hverdag": 4, "medvirkning_viktig": 5, "respekt_behandling": 5},
    {"resultat_hverdag": 5, "medvirkning_viktig": "dont_know", "respekt_behandling": 6},
]
A_2026 = [
    {"resultat_hverdag": 4, "medvirkning_viktig": 4, "respekt_behandling": 4},
    {"resultat_hverdag": 5, "medvirkning_viktig": 5, "respekt_behandling": 5},
    {"resultat_hverdag": 5, "medvirkning_viktig": 5, "respekt_behandling": 5},
    {"resultat_hverdag": 6, "medvirkning_viktig": 6, "respekt_behandling": 5},
    {"resultat_hverdag": 6, "medvirkning_viktig": 6, "respekt_behandling": 6},
    {"resultat_hverdag": 7},
]
B_2025 = [{"resultat_hverdag": value} for value in (3, 3, 4, 4, 6)]
B_2026 = [{"resultat_hverdag": value} for value in (2, 2, 2)]
AGREE7 = builtin_definitions()["brukerundersokelse"].scales["agree7"]


def store(app, survey_id: int, answers: dict) -> None:
    values = [AnswerValue(item, 0, float(value), None) if isinstance(value, int)
              else AnswerValue(item, 0, None, value) for item, value in answers.items()]
    with app.app_context():
        db = database.session()
        outcome = submit_response(db, db.get(Survey, survey_id), None,
                                  secrets.token_urlsafe(18), "nb", values, dt.date(2026, 3, 2))
        assert outcome == Outcome.STORED


@pytest.fixture
def world(app, make_account, keep_world):
    return keep_world("test_comparison.world", lambda: build_world(app, make_account))


def build_world(app, make_account):
    """Network N (organisation O: units A and B) and network M (unit C); surveys by key.
    The 2025 surveys are marked baseline, the 2026 ones follow-up."""
    with app.app_context():
        db = database.session()
        bruker, psfs = latest_version(db, "brukerundersokelse"), latest_version(db, "psfs")
        n, m = Network(name="N"), Network(name="M")
        o = Organisation(name="Kommune O", kind="kommune", network=n)
        a, b = Unit(name="A", organisation=o), Unit(name="B", organisation=o)
        c = Unit(name="C", organisation=Organisation(name="Kommune P", kind="kommune",
                                                     network=m))

        def survey(key, unit, version=bruker, period="Vår 2025", opens=dt.date(2025, 3, 1),
                   phase="baseline"):
            return key, Survey(title=key, questionnaire=version, unit=unit, phase=phase,
                               period_label=period, opens_on=opens)

        later = {"period": "Vår 2026", "opens": dt.date(2026, 3, 1), "phase": "follow_up"}
        surveys = dict([
            survey("A_2025", a), survey("A_2026", a, **later),
            survey("B_2025", b), survey("B_2026", b, **later),
            survey("C_2025", c), survey("A_psfs", a, version=psfs, period="Vår 2026"),
        ])
        db.add_all([n, m, *surveys.values()])
        db.commit()
        ids = {key: value.id for key, value in surveys.items()}
        ids |= {"O": o.id, "A": a.id, "N": n.id, "M": m.id}
    for key, rows in (("A_2025", A_2025), ("A_2026", A_2026), ("B_2025", B_2025),
                      ("B_2026", B_2026), ("C_2025", B_2025)):
        for answers in rows:
            store(app, ids[key], answers)
        # Computed by hand over every row (6 in A_2026, 3 in B_2026 to be left out), so the
        # rows that did not fill a batch are released too, as a migrated database holds them.
        release_waiting(app, ids[key])
    make_account("enhet@a.no", units=(ids["A"],))
    make_account("nett@n.no", networks=(ids["N"],))
    make_account("nett@m.no", networks=(ids["M"],))
    return ids


def get(client, email: str, url: str):
    client.set_cookie("lang", "en")
    log_in(client, email)
    return client.get(url)


def page(client, email: str, url: str) -> str:
    response = get(client, email, url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def row_of(html: str, label: str) -> str:
    start = html.index(f'<th scope="row">{label}')
    return html[start:html.index("</tr>", start)]


# --- The arithmetic -------------------------------------------------------------------------

def h(values: list[float]) -> dict[float, int]:
    """A group of scores as the tallies give it: {score: how many}."""
    return dict(Counter(float(v) for v in values))


def test_welch_interval_by_hand_and_against_scipy():
    first, second = [2, 3, 3, 4, 5], [4, 5, 5, 6, 6, 7]
    d = welch_difference(h(first), h(second))
    assert round(d.diff, 4) == 2.1
    assert round(d.df, 4) == 8.3203
    assert (round(d.low, 4), round(d.high, 4)) == (0.5748, 3.6252)
    check = stats.ttest_ind(second, first, equal_var=False).confidence_interval(0.95)
    assert (d.low, d.high) == pytest.approx((check.low, check.high))
    assert welch_difference(h([1]), h(second)) is None
    same = welch_difference(h([3, 3]), h([4, 4]))
    assert (same.diff, same.low, same.high, same.df) == (1, 1, 1, None)


def test_direction_follows_the_scale():
    high, low = AGREE7, builtin_definitions()["samling"].scales["samling5"]
    falling = welch_difference(h([3, 3, 4, 4, 4]), h([1, 1, 2, 2, 1]))
    assert direction(falling, low) == BETTER
    assert direction(falling, high) == WORSE
    assert direction(welch_difference(h([4, 4, 5, 5, 6]), h([4, 5, 5, 5, 6])), high) == UNCLEAR


def test_small_groups_and_pooling():
    assert compare_category("c", h([1, 2, 3, 4]), h([1, 2, 3, 4, 5]), AGREE7, FIVE).suppressed
    shown = compare_category("c", h([1, 2, 3, 4, 5]), h([1, 2, 3, 4, 5]), AGREE7, FIVE)
    assert not shown.suppressed and shown.first.n == 5
    pooled, left_out = pool({1: {"r": h([1, 2, 3, 4, 5])}, 2: {"r": h([6, 7])},
                             3: {"r": {}}, 4: {"r": h([1, 1, 1, 1, 9])}}, FIVE)
    assert pooled == {"r": {1.0: 5, 2.0: 1, 3.0: 1, 4.0: 1, 5.0: 1, 9.0: 1}}
    assert left_out == {"r": 1}


# --- The survey page ------------------------------------------------------------------------

def test_hand_computed_comparison_of_two_surveys(client, world):
    # Asked from the follow-up survey: the earlier survey is still the baseline.
    html = page(client, "enhet@a.no",
                f"/admin/surveys/{world['A_2026']}/compare?with={world['A_2025']}")
    assert "<dt>Baseline</dt><dd>A_2025 (Vår 2025, baseline)</dd>" in html
    row = row_of(html, "Results for the user")
    assert ('<td class="num">5</td><td class="num">3.4 <span class="ci">(95% CI 2.0 to 4.8)'
            '</span></td><td class="num">6</td><td class="num">5.5 <span class="ci">'
            '(95% CI 4.4 to 6.6)</span></td><td class="num">+2.1 <span class="ci">'
            '(95% CI 0.6 to 3.6)</span></td><td>better</td>') in row
    respekt = row_of(html, "Respectful treatment")
    assert "+0.2 <span class=\"ci\">(95% CI \u22120.9 to 1.3)</span>" in respekt
    assert "<td>no clear change</td>" in respekt
    # 4 against 5: nothing but «fewer than 5».
    medvirkning = row_of(html, "User involvement")
    assert '<td class="num" colspan="6">fewer than 5</td>' in medvirkning
    read = html[html.index('class="ds-paragraph how-to-read"'):][:600]  # below the table
    assert "n is how many answered." in read
    assert "Higher is better: 7 is the best answer and 1 the worst." in read
    on_100 = html[html.index("Category scores on 0–100"):]
    assert ('<td class="num">40.0</td><td class="num">75.0</td><td class="num">+35.0 '
            '<span class="ci">(95% CI 9.6 to 60.4)</span></td>') in row_of(
                on_100, "Results for the user")
    chart = f"/admin/surveys/{world['A_2026']}/compare/chart?fmt=svg&amp;with={world['A_2025']}"
    assert f'src="{chart}"' in html and 'alt="Dot chart: per category' in html


def test_the_form_lists_surveys_of_the_same_questionnaire_and_unit(client, world):
    html = page(client, "enhet@a.no", f"/admin/surveys/{world['A_2026']}/compare")
    assert '<label class="ds-label" for="with">Compare with</label>' in html
    assert f'<option value="{world["A_2025"]}">A_2025 (Vår 2025)' in html
    assert f'value="{world["A_psfs"]}"' not in html
    assert f'value="{world["B_2025"]}"' not in html


def test_chart_as_svg_and_png(client, world):
    url = f"/admin/surveys/{world['A_2025']}/compare/chart?with={world['A_2026']}"
    svg = get(client, "enhet@a.no", url + "&fmt=svg")
    assert svg.status_code == 200 and svg.content_type.startswith("image/svg+xml")
    assert 'aria-label="Baseline and follow-up per category, 0–100"' in svg.get_data(
        as_text=True)
    png = client.get(url + "&fmt=png&download=1")
    assert png.content_type == "image/png" and "attachment" in png.headers[
        "Content-Disposition"]


def test_out_of_scope_survey_is_not_found(client, world):
    url = f"/admin/surveys/{world['A_2025']}/compare?with={world['C_2025']}"
    assert get(client, "enhet@a.no", url).status_code == 404
    chart = f"/admin/surveys/{world['A_2025']}/compare/chart?with={world['C_2025']}"
    assert client.get(chart).status_code == 404


@pytest.mark.parametrize("value", ["²", "abc", "-1", "9" * 40])
def test_a_survey_number_that_is_no_number_is_not_found(client, world, value):
    for path in ("compare", "compare/chart", "compare.csv"):
        url = f"/admin/surveys/{world['A_2025']}/{path}?with={value}"
        assert get(client, "nett@n.no", url).status_code == 404, (path, value)


@pytest.mark.parametrize(("other", "message"), [
    ("A_psfs", "The two surveys must use the same questionnaire."),
    ("B_2025", "The two surveys must belong to the same unit."),
    ("A_2025", "Choose a different survey to compare with."),
])
def test_mismatched_surveys_are_refused(client, world, other, message):
    response = get(client, "nett@n.no",
                   f"/admin/surveys/{world['A_2025']}/compare?with={world[other]}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    chart = f"/admin/surveys/{world['A_2025']}/compare/chart?with={world[other]}"
    assert client.get(chart).status_code == 400


# --- The organisation -----------------------------------------------------------------------

def test_organisation_pools_its_units(client, world):
    url = (f"/admin/organisations/{world['O']}/compare?questionnaire=brukerundersokelse"
           "&first=Vår+2025&second=Vår+2026")
    html = page(client, "nett@n.no", url)
    assert "<dt>Baseline</dt><dd>Vår 2025: 2 surveys</dd>" in html
    row = row_of(html, "Results for the user")
    assert "1 survey with fewer than 5 responses left out" in row
    assert ('<td class="num">10</td><td class="num">3.7 <span class="ci">(95% CI 2.9 to 4.5)'
            '</span></td><td class="num">6</td><td class="num">5.5') in row
    assert '+1.8 <span class="ci">(95% CI 0.6 to 3.0)</span></td><td>better</td>' in row
    chart = get(client, "nett@n.no", url.replace("/compare?", "/compare/chart?") + "&fmt=svg")
    assert chart.status_code == 200


def test_organisation_form_and_bad_periods(client, world):
    html = page(client, "nett@n.no", f"/admin/organisations/{world['O']}/compare")
    assert '<option value="Vår 2025"' in html and '<option value="Vår 2026"' in html
    bad = client.get(f"/admin/organisations/{world['O']}/compare?questionnaire="
                     "brukerundersokelse&first=Vår+2025&second=Høst+2030")
    assert bad.status_code == 400
    assert "Choose two periods that exist for this questionnaire." in bad.get_data(as_text=True)


@pytest.mark.parametrize("email", ["enhet@a.no", "nett@m.no"])
def test_organisation_comparison_is_for_its_network(client, world, email):
    assert get(client, email, f"/admin/organisations/{world['O']}/compare").status_code == 404
