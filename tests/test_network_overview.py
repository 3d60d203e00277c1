"""The network at a glance, on a small dataset computed by hand.

Network Vest: «Kommune A» with «Hjemmesykepleien» (an older baseline survey of five 1s, then
a follow-up survey with the 5 responses below, then an empty newer survey) and «KAD» (4
responses, baseline), «Kommune B» with «Legevakt» (nothing) and an archived unit (not shown).

Hjemmesykepleien's newest answered survey, category «Results for the user» (three items):
responses 7,7,7 → 7; 6,5,«vet ikke» → 5.5; 4,4,4 → 4; 7,6,5 → 6; 3 → 3; the mean of the
response means is 25.5 / 5 = 5.1 (the mean over answers would be 65 / 13 = 5.0). On 0–100:
100·(5.1 − 1)/6 = 68.3 → band 3. «Respectful treatment»: all 7 → 7.0 → band 4. «User
involvement» is answered by 4 responses only → «fewer than 5».
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa

import database
from questionnaires.item_types import AnswerValue
from questionnaires.loader import builtin_definitions
from questionnaires.queries import latest_version
from reporting import network_overview as no
from surveys.models import Network, Organisation, Survey, Unit
from surveys.operations import submit_response
from tests.conftest import log_in, release_waiting

pytestmark = pytest.mark.both_backends  # figures aggregated in SQL

DAY = dt.date(2026, 3, 2)
RESULTAT = ("resultat_hverdag", "resultat_mestring", "resultat_trygghet")
HJEMME = [(7, 7, 7), (6, 5, "dont_know"), (4, 4, 4), (7, 6, 5), (3,)]
CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "network.css"
TEXT_COLOURS = ("#000000", "#ffffff")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of '#rrggbb'."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio (1–21) of two '#rrggbb' colours."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with `background`."""
    return max(TEXT_COLOURS, key=lambda colour: contrast_ratio(colour, background))


def store(db, survey: Survey, values: dict[str, float | str]) -> None:
    answers = [AnswerValue(item, 0, None, value) if isinstance(value, str)
               else AnswerValue(item, 0, float(value), None) for item, value in values.items()]
    submit_response(db, survey, None, secrets.token_urlsafe(18), "nb", answers, DAY)


def survey(db, unit: Unit, slug: str, phase: str | None = None) -> Survey:
    made = Survey(title=f"{slug} {unit.name}", questionnaire=latest_version(db, slug),
                  unit=unit, phase=phase)
    db.add(made)
    db.commit()
    return made


def fill_hjemme(db, unit: Unit) -> None:
    old = survey(db, unit, "brukerundersokelse", "baseline")
    for _ in range(5):
        store(db, old, dict.fromkeys(RESULTAT, 1) | {"respekt_tid": 1})
    newest = survey(db, unit, "brukerundersokelse", "follow_up")
    for index, values in enumerate(HJEMME):
        answers: dict[str, float | str] = dict(zip(RESULTAT, values, strict=False))
        answers |= {"respekt_behandling": 7, "respekt_tid": 7}
        if index < 4:
            answers["medvirkning_viktig"] = 2
        store(db, newest, answers)
    survey(db, unit, "brukerundersokelse")  # newer, but without responses: not used
    teams = survey(db, unit, "oppfolging")
    for status in ("i_drift", "i_drift", "startet"):
        store(db, teams, {"hva_er_viktig": status, "psfs": "malt", "kommentar": "Hemmelig"})


@pytest.fixture
def vest(app, make_account, keep_world):
    return keep_world("test_network_overview.vest", lambda: build_vest(app, make_account))


def build_vest(app, make_account):
    with app.app_context():
        db = database.session()
        network = Network(name="Vest")
        first = Organisation(name="Kommune A", kind="kommune", network=network)
        second = Organisation(name="Kommune B", kind="kommune", network=network)
        hjemme = Unit(name="Hjemmesykepleien", organisation=first)
        kad = Unit(name="KAD", organisation=first)
        db.add_all([hjemme, kad, Unit(name="Legevakt", organisation=second),
                    Unit(name="Nedlagt", organisation=second, archived=True)])
        db.commit()
        fill_hjemme(db, hjemme)
        kad_survey = survey(db, kad, "brukerundersokelse", "baseline")
        for _ in range(4):
            store(db, kad_survey, dict.fromkeys(RESULTAT, 7))
        store(db, survey(db, kad, "oppfolging"), {"hva_er_viktig": "ikke_startet"})
        other = Network(name="Nord")
        db.add(other)
        db.commit()
        ids = {"network": network.id, "kad": kad.id, "other": other.id}
        surveys = list(db.scalars(sa.select(Survey.id)))
    # Counts of 1 to 4 (KAD's 4) are what the overview must hide: released as a database
    # from before the batches holds them.
    for survey_id in surveys:
        release_waiting(app, survey_id)
    make_account("nett@vest.no", networks=(ids["network"],))
    make_account("enhet@vest.no", units=(ids["kad"],))
    make_account("nett@nord.no", networks=(ids["other"],))
    return ids


def page(client, email: str, url: str) -> str:
    client.set_cookie("lang", "en")
    log_in(client, email)
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def table(html: str, name: str) -> str:
    match = re.search(r'<table class="ds-table ' + name + r'".*?</table>', html, re.S)
    assert match, name
    return match.group(0)


def cells(html: str, heading: str) -> list[tuple[str, str]]:
    """(class, text) of each data cell in the row headed `heading`."""
    match = re.search(r'<tr><th scope="row">' + re.escape(heading) + r"</th>(.*?)</tr>",
                      html, re.S)
    assert match, heading
    found = re.findall(r'<td(?: class="([^"]*)")?>(.*?)</td>', match.group(1), re.S)
    return [(cls, re.sub(r"<[^>]+>", "|", text).strip("|")) for cls, text in found]


def test_heat_map_cells_computed_by_hand(client, vest):
    html = page(client, "nett@vest.no", f"/admin/networks/{vest['network']}/overview")
    heat = table(html, "heat-map")
    row = cells(heat, "Hjemmesykepleien")
    # responses, then resultat, brukermedvirkning, respekt, tilgjengelighet, informasjon, helhet
    assert row[0] == ("num", "5")
    assert row[1] == ("num heat-3", "5.1")
    assert row[2] == ("num heat-none", "fewer than 5")
    assert row[3] == ("num heat-4", "7.0")
    assert row[4:] == [("num heat-none", "fewer than 5")] * 3
    kad = cells(heat, "KAD")
    assert kad[0] == ("num", "fewer than 5")
    assert kad[1:] == [("num heat-none", "fewer than 5")] * 6
    assert cells(heat, "Legevakt")[0] == ("num", "no survey")
    assert "Nedlagt" not in html
    assert heat.index("Kommune A") < heat.index("KAD") < heat.index("Kommune B")
    assert "newest survey" in html and "higher is better" in html


def test_heat_map_in_bokmal_uses_a_decimal_comma(client, vest):
    client.set_cookie("lang", "nb")
    log_in(client, "nett@vest.no")
    html = client.get(f"/admin/networks/{vest['network']}/overview").get_data(as_text=True)
    assert cells(table(html, "heat-map"), "Hjemmesykepleien")[1] == ("num heat-3", "5,1")


def test_every_colour_has_enough_contrast_and_matches_the_css():
    css = CSS.read_text()
    for index, background in enumerate(no.BANDS):
        rule = re.search(r"\.heat-" + str(index) + r",[^{]*\{ background: (#[0-9a-f]{6}); "
                         r"color: (#[0-9a-f]{6}); \}", css)
        assert rule, index
        assert rule.group(1) == background
        assert rule.group(2) == text_colour(background)
        assert contrast_ratio(rule.group(2), background) >= 4.5
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    # sequential: each band darker than the one before
    lums = [luminance(colour) for colour in no.BANDS]
    assert lums == sorted(lums, reverse=True)


def test_bands_follow_the_scales_direction():
    samling = builtin_definitions()["samling"]
    scale = samling.scales[next(iter(samling.scales))]
    assert scale.good == "low"
    assert no.band(0) == 0 and no.band(68.3) == 3 and no.band(100) == 4
    limits = no.band_limits(scale)
    assert limits[-1] == pytest.approx((1.0, 1.8))  # the best band is the lowest values
    assert limits[0] == pytest.approx((4.2, 5.0))


def test_baseline_and_follow_up(client, vest):
    html = page(client, "nett@vest.no", f"/admin/networks/{vest['network']}/overview")
    phases = table(html, "phase-table")
    assert [text for _, text in cells(phases, "Hjemmesykepleien")] == [
        "Yes, 5 responses", "Yes, 5 responses"]
    assert [text for _, text in cells(phases, "KAD")] == [
        "Yes, fewer than 5 responses", "No"]
    assert [text for _, text in cells(phases, "Legevakt")] == ["No", "No"]


def test_improvement_area_matrix(client, vest):
    html = page(client, "nett@vest.no", f"/admin/networks/{vest['network']}/overview")
    matrix = table(html, "status-table")
    row = cells(matrix, "Hjemmesykepleien")
    assert row[0] == ("num", "3")
    assert row[1] == ("", "Started: 1||In daily operation: 2")  # options' order
    assert row[2] == ("", "Measured and followed up: 3")
    assert row[3] == ("", "no answer")
    assert cells(matrix, "KAD")[:2] == [("num", "1"), ("", "Not started")]
    assert '<li class="status status-ikke_startet">Not started</li>' in matrix
    assert "Legevakt" not in matrix
    assert "Hemmelig" not in html


def test_another_questionnaire_and_a_bad_choice(client, vest):
    url = f"/admin/networks/{vest['network']}/overview"
    html = page(client, "nett@vest.no", url + "?questionnaire=parorende")
    assert "Hjemmesykepleien" in table(html, "heat-map")
    assert cells(table(html, "heat-map"), "Hjemmesykepleien")[0] == ("num", "no survey")
    response = client.get(url + "?questionnaire=oppfolging")  # it has no categories
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Choose one of the questionnaires in the list." in text
    assert 'aria-invalid="true"' in text


def test_admin_sees_it_and_leads_outside_the_network_get_404(app, client, make_account, vest):
    make_account("admin@vest.no", is_admin=True)
    assert "5.1" in page(client, "admin@vest.no", f"/admin/networks/{vest['network']}/overview")
    for email in ("enhet@vest.no", "nett@nord.no"):
        other = app.test_client()
        log_in(other, email)
        assert other.get(f"/admin/networks/{vest['network']}/overview").status_code == 404
    assert page(app.test_client(), "nett@nord.no", f"/admin/networks/{vest['other']}/overview")
