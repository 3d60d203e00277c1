"""The small-group rule everywhere: one scenario with 4 responses and the same with 5, and
every page, chart and export that could show its figures is read. With 4 no figure built on
them may appear anywhere; with 5 it appears everywhere.

The scenario: network «Liten», organisation «K», unit «U» with a «brukerundersokelse»
baseline (2025) and follow-up (2026), every answer 6 on the 1–7 scale (mean 6, on the 0–100
axis 100·(6 − 1)/(7 − 1) = 83.3…, a number nothing else on these pages prints), and a
gathering evaluation with «nytte_totalt» 1, then 2 for the rest: mean (1 + 2·(n − 1))/n,
1.75 with 4 and 1.80 with 5. The markers are matched in every locale format a page, a CSV
(4 decimals, ';' with a decimal comma) or an XLSX cell writes them.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

import database
from questionnaires.queries import latest_version
from surveys.models import Gathering, Network, Organisation, Survey, Unit
from tests.conftest import log_in
from tests.test_results import store

pytestmark = pytest.mark.both_backends  # figures aggregated in SQL

SCALE_ITEMS = ("resultat_hverdag", "respekt_behandling", "medvirkning_viktig")
ON_100 = re.compile(r"83[.,]3")
HEAT_CELL = re.compile(r'<td class="num heat-\d">6\.0</td>')  # the overview prints means
HEAT_ROW = re.compile(r"U[;,\n]5[;,\n]6\b")  # …and its exports the unit's row: U, 5, 6 …
DRAWN = re.compile(r'role-mark[^>]*>\s*<(path|text|line)')  # a mark group with a mark in it
GATHERING = {4: re.compile(r"1[.,]75"), 5: re.compile(r"1[.,]80?\b")}


@pytest.fixture(params=[4, 5])
def scenario(request, app, make_account, keep_world):
    n = request.param
    return keep_world(f"test_small_groups.scenario[{n}]",
                      lambda: build_scenario(n, app, make_account))


def build_scenario(n, app, make_account):
    with app.app_context():
        db = database.session()
        network = Network(name="Liten")
        org = Organisation(name="K", kind="kommune", network=network)
        unit = Unit(name="U", organisation=org)
        bruker = latest_version(db, "brukerundersokelse")
        made = {
            "baseline": Survey(title="Før", questionnaire=bruker, unit=unit, phase="baseline",
                               period_label="2025", opens_on=dt.date(2025, 3, 1), invited=10),
            "follow_up": Survey(title="Etter", questionnaire=bruker, unit=unit,
                                phase="follow_up", period_label="2026",
                                opens_on=dt.date(2026, 3, 1), invited=10),
            "gathering": Survey(title="Samling 1", questionnaire=latest_version(db, "samling"),
                                gathering=Gathering(network=network, number=1), invited=10),
        }
        db.add_all(made.values())
        db.commit()
        ids = {key: survey.id for key, survey in made.items()}
        ids |= {"network": network.id, "organisation": org.id, "unit": unit.id}
    for _ in range(n):
        for key in ("baseline", "follow_up"):
            store(app, ids[key], dict.fromkeys(SCALE_ITEMS, 6))
    for k in range(n):
        store(app, ids["gathering"], {"nytte_totalt": 1 if k == 0 else 2})
    make_account("admin@liten.no", is_admin=True)
    return n, ids


def urls(ids: dict) -> list[str]:
    """Every output that shows the unit's scores: pages, charts, CSV and XLSX."""
    b, f, o, net = ids["baseline"], ids["follow_up"], ids["organisation"], ids["network"]
    org_query = "questionnaire=brukerundersokelse&first=2025&second=2026"
    return [
        f"/admin/surveys/{b}/results", f"/admin/surveys/{b}/results.csv",
        f"/admin/surveys/{b}/results.csv?sep=,", f"/admin/surveys/{b}/results.xlsx",
        *(f"/admin/surveys/{b}/results/chart?item={item}&fmt=svg" for item in SCALE_ITEMS),
        f"/admin/units/{ids['unit']}",
        f"/admin/surveys/{b}/compare?with={f}", f"/admin/surveys/{b}/compare.csv?with={f}",
        f"/admin/surveys/{b}/compare.xlsx?with={f}",
        f"/admin/surveys/{b}/compare/chart?with={f}&fmt=svg",
        f"/admin/organisations/{o}/compare?{org_query}",
        f"/admin/organisations/{o}/compare.csv?{org_query}",
        f"/admin/organisations/{o}/compare.xlsx?{org_query}",
        f"/admin/organisations/{o}/compare/chart?{org_query}&fmt=svg",
        f"/admin/networks/{net}/overview", f"/admin/networks/{net}/overview.csv",
        f"/admin/networks/{net}/overview.xlsx",
    ]


def gathering_urls(ids: dict) -> list[str]:
    net = ids["network"]
    return [f"/admin/networks/{net}/evaluations", f"/admin/networks/{net}/evaluations.csv",
            f"/admin/networks/{net}/evaluations.csv?sep=,",
            f"/admin/networks/{net}/evaluations.xlsx"]


def text_of(response) -> str:
    """What a reader gets, as text: a page or SVG as is, a CSV decoded, an XLSX's cells."""
    assert response.status_code == 200, (response.request.url, response.status_code)
    data = response.get_data()
    if data.startswith(b"PK"):
        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(str(value) for sheet in book.worksheets
                         for row in sheet.iter_rows(values_only=True) for value in row
                         if value is not None)
    return data.decode("utf-8-sig")


def test_four_responses_show_nothing_anywhere_and_five_show_everywhere(client, scenario):
    n, ids = scenario
    client.set_cookie("lang", "en")
    log_in(client, "admin@liten.no")
    for url in urls(ids):
        text = text_of(client.get(url))
        marker = ON_100
        if "/overview" in url:
            marker = HEAT_CELL if url.endswith("/overview") else HEAT_ROW
        if n == 4:
            assert not marker.search(text), url
        elif "/chart" not in url:  # a chart draws the mean, it does not print 0–100
            assert marker.search(text), url
    for url in gathering_urls(ids):
        text = text_of(client.get(url))
        assert bool(GATHERING[4].search(text)) is False, url
        assert bool(GATHERING[5].search(text)) is (n == 5), url


def test_charts_draw_no_mark_from_four_responses(client, scenario):
    """The charts' marks (bars, points, rules) are drawn only from five responses up; the
    axes and title are there either way."""
    n, ids = scenario
    client.set_cookie("lang", "en")
    log_in(client, "admin@liten.no")
    for url in urls(ids):
        if "/chart" in url:
            svg = text_of(client.get(url))
            assert svg.startswith("<svg")
            assert bool(DRAWN.search(svg)) is (n == 5), url
