"""Which survey is «before» (issue 16, finding 1): the surveys' phase decides, never their
dates; two surveys not marked one baseline and one follow-up are compared as A and B with
no better or worse, on the page, in the CSV, in the API and for an organisation's periods.

The figures are tests/test_comparison.py's: «Results for the user» 3.4 (2025) and 5.5
(2026), difference +2.1 (95 % CI 0.6 to 3.6), an interval that excludes 0. Read the wrong
way round (the bug: a follow-up without an opening date sorted first as the baseline) it is
−2.1 (95 % CI −3.6 to −0.6), «worse».
"""

from __future__ import annotations

import csv
import io

import pytest

import database
from surveys.models import Survey
from tests import test_comparison
from tests.test_comparison import page, row_of

pytestmark = pytest.mark.both_backends
world = test_comparison.world  # the fixture: tests/test_comparison.py's surveys and answers


def mark(app, ids: dict, **phases: str | None) -> None:
    """Set the phase of surveys by key; `A_2026_undated` also drops A_2026's opening date."""
    with app.app_context():
        db = database.session()
        for key, phase in phases.items():
            db.get(Survey, ids[key]).phase = phase
        db.commit()


def undate(app, survey_id: int) -> None:
    with app.app_context():
        db = database.session()
        db.get(Survey, survey_id).opens_on = None
        db.commit()


def csv_rows(client, url: str) -> list[dict[str, str]]:
    response = client.get(url + "&sep=,")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_a_follow_up_without_a_date_is_still_the_follow_up(app, client, world):
    undate(app, world["A_2026"])
    for here, other in (("A_2025", "A_2026"), ("A_2026", "A_2025")):
        html = page(client, "enhet@a.no",
                    f"/admin/surveys/{world[here]}/compare?with={world[other]}")
        assert "<dt>Baseline</dt><dd>A_2025 (Vår 2025, baseline)</dd>" in html
        assert "<dt>Follow-up</dt><dd>A_2026 (Vår 2026, follow-up)</dd>" in html
        row = row_of(html, "Results for the user")
        assert '+2.1 <span class="ci">(95% CI 0.6 to 3.6)</span></td><td>better</td>' in row
        assert "<th scope=\"col\">Change</th>" in html  # the noun, not the edit button
    rows = csv_rows(client, f"/admin/surveys/{world['A_2026']}/compare.csv"
                            f"?with={world['A_2025']}")
    resultat = next(r for r in rows if r["category"] == "resultat")
    assert (resultat["mean_baseline"], resultat["difference"], resultat["direction"]) == (
        "3.4", "2.1", "better")


@pytest.mark.parametrize("phases", [
    {"A_2025": None, "A_2026": None},
    {"A_2025": "follow_up", "A_2026": "follow_up"},
    {"A_2025": "baseline", "A_2026": "baseline"},
    {"A_2025": "baseline", "A_2026": None},
])
def test_surveys_not_marked_baseline_and_follow_up_are_a_and_b(app, client, world, phases):
    mark(app, world, **phases)
    # The page's own survey is A, the one chosen is B, whatever the dates.
    html = page(client, "enhet@a.no",
                f"/admin/surveys/{world['A_2026']}/compare?with={world['A_2025']}")
    assert "<dt>A</dt><dd>A_2026 (Vår 2026" in html and "<dt>B</dt><dd>A_2025 (Vår 2025" in html
    assert "compared as A and B" in html and "<dt>Baseline</dt>" not in html
    row = row_of(html, "Results for the user")
    assert ('<td class="num">6</td><td class="num">5.5 <span class="ci">(95% CI 4.4 to 6.6)'
            '</span></td><td class="num">5</td><td class="num">3.4') in row
    assert '\u22122.1 <span class="ci">(95% CI \u22123.6 to \u22120.6)</span>' in row
    assert "<td>clear difference</td>" in row
    assert "<td>no clear difference</td>" in row_of(html, "Respectful treatment")
    for word in (">better<", ">worse<", "no clear change", "Follow-up: mean"):
        assert word not in html
    rows = csv_rows(client, f"/admin/surveys/{world['A_2026']}/compare.csv"
                            f"?with={world['A_2025']}")
    assert "mean_a" in rows[0] and "difference_b_minus_a" in rows[0]
    assert not any(name.endswith(("baseline", "follow_up")) for name in rows[0])
    resultat = next(r for r in rows if r["category"] == "resultat")
    assert (resultat["mean_a"], resultat["mean_b"], resultat["difference_b_minus_a"],
            resultat["direction"]) == ("5.5", "3.4", "-2.1", "clear difference")
    chart = client.get(f"/admin/surveys/{world['A_2026']}/compare/chart?fmt=svg"
                       f"&with={world['A_2025']}").get_data(as_text=True)
    assert 'aria-label="A and B per category, 0–100"' in chart


ORGANISATION = ("/admin/organisations/{O}/compare?questionnaire=brukerundersokelse"
                "&first={first}&second={second}")


def test_organisation_periods_follow_the_phase_whichever_is_chosen_first(app, client, world):
    url = ORGANISATION.format(O=world["O"], first="Vår+2026", second="Vår+2025")
    html = page(client, "nett@n.no", url)
    assert "<dt>Baseline</dt><dd>Vår 2025: 2 surveys</dd>" in html
    assert "<dt>Follow-up</dt><dd>Vår 2026: 2 surveys</dd>" in html
    assert '+1.8 <span class="ci">(95% CI 0.6 to 3.0)</span></td><td>better</td>' in row_of(
        html, "Results for the user")
    rows = csv_rows(client, url.replace("/compare?", "/compare.csv?"))
    assert next(r for r in rows if r["category"] == "resultat")["difference"] == "1.8"


def test_organisation_periods_with_mixed_phases_are_a_and_b(app, client, world):
    mark(app, world, B_2026="baseline")
    url = ORGANISATION.format(O=world["O"], first="Vår+2025", second="Vår+2026")
    html = page(client, "nett@n.no", url)
    assert "<dt>A</dt><dd>Vår 2025: 2 surveys</dd>" in html
    assert "<dt>B</dt><dd>Vår 2026: 2 surveys</dd>" in html
    assert "<td>clear difference</td>" in row_of(html, "Results for the user")
    rows = csv_rows(client, url.replace("/compare?", "/compare.csv?"))
    resultat = next(r for r in rows if r["category"] == "resultat")
    assert (resultat["difference_b_minus_a"], resultat["direction"]) == (
        "1.8", "clear difference")
