"""A survey's results page on fixed datasets: every number computed by hand, the small-group
rule at 4 and 5 responses, follow-ups not counted, free text for the unit's own leads only,
and the chart of one item."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
import sqlalchemy as sa

import database
from analytics.stats import mean_ci, mean_ci_from_counts
from questionnaires import schema
from questionnaires.item_types import AnswerValue
from questionnaires.loader import builtin_definitions
from surveys.models import Response, Survey
from surveys.operations import Outcome, submit_response
from tests.conftest import leads, log_in, page_of, release_waiting

pytestmark = pytest.mark.both_backends  # figures aggregated in SQL

# The gathering evaluation (scale samling5: 1 = very good is best, 5 = very poor is worst).
# nytte_totalt: 1, 1, 2, 2, 3 and one "don't know" → n 5, mean 1.8; deviations −0.8, −0.8,
# 0.2, 0.2, 1.2, squares sum to 2.8, sd = √(2.8/4) = 0.8367, se = 0.3742,
# t(0.975, 4) = 2.7764 → 1.8 ± 1.0388 = 0.76 … 2.84, cut at the scale's end 1 → "1.0 to 2.8";
# 0–100: 100·(1.8 − 5)/(1 − 5) = 80.0; top box (1 or 2): 4 of 5 = 80%.
# Category «The gathering» (balanse, nytte_totalt), per response:
#   (1+2)/2 = 1.5, (1+2)/2 = 1.5, (2+2)/2 = 2, (2+3)/2 = 2.5, (3+3)/2 = 3, 4 (only balanse)
# → n 6, mean 14.5/6 = 2.4167; squares of deviations sum to 4.7083, sd = √(4.7083/5) = 0.9704,
# se = 0.3962, t(0.975, 5) = 2.5706 → 2.4167 ± 1.0184 = 1.40 … 3.44 → "1.4 to 3.4";
# 0–100: 100·(2.4167 − 5)/(1 − 5) = 64.6.
# deltakere_fra_kommunen (a whole number): 2, 3, 3, 4, 8 → n 5, mean 4; squares of deviations
# 4 + 1 + 1 + 0 + 16 = 22, sd = √5.5 = 2.3452, se = 1.0488 → 4 ± 2.9120 → "1.1 to 6.9".
SAMLING = [
    {"nytte_totalt": 1, "balanse": 2, "onsker_neste": "Mer gruppearbeid",
     "deltakere_fra_kommunen": 2},
    {"nytte_totalt": 1, "balanse": 2, "deltakere_fra_kommunen": 3},
    {"nytte_totalt": 2, "balanse": 2, "deltakere_fra_kommunen": 3},
    {"nytte_totalt": 2, "balanse": 3, "deltakere_fra_kommunen": 4},
    {"nytte_totalt": 3, "balanse": 3, "deltakere_fra_kommunen": 8},
    {"nytte_totalt": "dont_know", "balanse": 4},
]


def store(app, survey_id: int, answers: dict) -> None:
    """One response through the real write path; numbers as value_num, words as text."""
    values = [AnswerValue(item, 0, float(value), None) if isinstance(value, int)
              else AnswerValue(item, 0, None, value) for item, value in answers.items()]
    with app.app_context():
        db = database.session()
        survey = db.get(Survey, survey_id)
        outcome = submit_response(db, survey, None, secrets.token_urlsafe(18), "nb", values,
                                  dt.date(2026, 3, 2))
        assert outcome == Outcome.STORED


@pytest.fixture
def samling(app, make_survey, make_account, keep_world):
    def build():
        survey = make_survey("samling", invited=8)
        for answers in SAMLING:
            store(app, survey.id, answers)
        release_waiting(app, survey.id)  # six, computed by hand: the one past the batch too
        return survey.id, *leads(app, make_account, survey.id)

    survey_id, unit_lead, network_lead = keep_world("test_results.samling", build)
    with app.app_context():
        return database.session().get(Survey, survey_id), unit_lead, network_lead


def item_block(html: str, item_id: str) -> str:
    """The part of the page about one item: from its heading to the next heading."""
    start = html.index(f'id="item-{item_id}"')
    end = html.find("<h", start + 1)
    return html[start:end if end > 0 else None]


def test_mean_from_counts_equals_the_mean_of_the_values():
    values = [1, 1, 2, 2, 3]
    assert mean_ci_from_counts({1.0: 2, 2.0: 2, 3.0: 1, 4.0: 0}) == mean_ci(values)
    ci = mean_ci_from_counts({1.0: 2, 2.0: 2, 3.0: 1})
    assert (ci.n, round(ci.mean, 4), round(ci.low, 2), round(ci.high, 2)) == (5, 1.8, 0.76, 2.84)
    assert mean_ci_from_counts({}) is None
    assert mean_ci_from_counts({3.0: 1}).low is None


def test_hand_computed_item_figures(client, samling):
    survey, unit_lead, _ = samling
    html = page_of(client, unit_lead, f"/admin/surveys/{survey.id}/results")
    assert "<dt>Responses</dt><dd>6</dd>" in html
    assert "<dt>Invited</dt><dd>8</dd>" in html
    assert "<dt>Response rate</dt><dd>75%</dd>" in html
    block = item_block(html, "nytte_totalt")
    assert "Lower is better: 1 is the best answer and 5 the worst." in block
    assert "<dt>Answers</dt><dd>5</dd>" in block
    assert '<dt>Mean</dt><dd>1.8 <span class="ci">(95% CI 1.0 to 2.8)</span></dd>' in block
    assert "<dt>Mean on 0–100 (100 = best)</dt><dd>80.0</dd>" in block
    assert "<dt>Share in the best two steps</dt><dd>80%</dd>" in block
    assert "<dt>Don't know / not relevant</dt><dd>1</dd>" in block
    number = item_block(html, "deltakere_fra_kommunen")
    assert '<dt>Mean</dt><dd>4.0 <span class="ci">(95% CI 1.1 to 6.9)</span></dd>' in number


def test_counts_per_step_and_the_chart_beside_them(client, samling):
    survey, unit_lead, _ = samling
    html = page_of(client, unit_lead, f"/admin/surveys/{survey.id}/results")
    block = html[html.index('id="item-nytte_totalt"'):html.index('id="item-info_forkant"')]
    rows = [('1 = Very good', 2), ("2 = Good", 2), ("3 = Average", 1), ("4 = Poor", 0),
            ("5 = Very poor", 0)]
    for label, count in rows:
        assert f'<tr><th scope="row">{label}</th><td class="num">{count}</td></tr>' in block
    assert (f'src="/admin/surveys/{survey.id}/results/chart?item=nytte_totalt&amp;fmt=svg"'
            in block)
    assert 'alt="Stacked bar chart: answers per step to «Overall usefulness' in block


def test_category_scores_over_responses(client, samling):
    survey, unit_lead, _ = samling
    html = page_of(client, unit_lead, f"/admin/surveys/{survey.id}/results")
    assert ('<tr><th scope="row">The gathering</th>\n    <td class="num">6</td>'
            '<td class="num">2.4 <span class="ci">(95% CI 1.4 to 3.4)</span></td>'
            '<td class="num">64.6</td></tr>') in html
    # Nobody answered the items of the other category.
    assert ('<tr><th scope="row">Before and between gatherings</th>\n    '
            '<td class="num" colspan="3">fewer than 5</td>') in html
    assert "<dt>Answers</dt><dd>fewer than 5</dd>" in item_block(html, "info_forkant")
    # How to read the table, beside it: n, the interval, and that lower is better here.
    table = html[html.index("<caption>Category scores</caption>"):]
    read = table[table.index('class="ds-paragraph how-to-read"'):][:600]
    assert "n is how many answered." in read and "95% confidence interval" in read
    assert "Lower is better: 1 is the best answer and 5 the worst." in read


def test_the_unit_page_shows_each_surveys_category_scores(client, samling, app):
    survey, unit_lead, _ = samling
    with app.app_context():
        db = database.session()
        first = db.get(Survey, survey.id)
        other = Survey(title="Samling 2", questionnaire=first.questionnaire, unit=first.unit)
        db.add(other)
        db.commit()
        unit_id = first.unit_id
    html = page_of(client, unit_lead, f"/admin/units/{unit_id}")
    def block_of(survey_id: int) -> str:
        start = html.index(f'id="results-{survey_id}"')
        return html[start:html.index("</section>", start)]

    block = block_of(survey.id)
    assert "<dt>Responses</dt><dd>6</dd>" in block
    assert "<dt>Response rate</dt><dd>75%</dd>" in block  # 6 of 8 invited
    assert ('<tr><th scope="row">The gathering</th>\n    <td class="num">6</td>'
            '<td class="num">2.4 <span class="ci">(95% CI 1.4 to 3.4)</span></td>'
            '<td class="num">64.6</td></tr>') in block
    assert f'action="/admin/surveys/{survey.id}/compare"' in block
    assert "Lower is better: 1 is the best answer and 5 the worst." in block
    assert f'<option value="{other.id}">Samling 2</option>' in block
    # The other survey has no responses: nothing but the rule.
    rest = block_of(other.id)
    assert "<dt>Responses</dt><dd>fewer than 5</dd>" in rest
    assert "The gathering</th>" not in rest


def test_free_text_for_the_units_own_lead_only(client, samling):
    survey, unit_lead, network_lead = samling
    html = page_of(client, unit_lead, f"/admin/surveys/{survey.id}/results")
    assert "<li>Mer gruppearbeid</li>" in html
    assert "Nobody has written anything here." in item_block(html, "kommentar")
    client.get("/admin/logout")
    html = page_of(client, network_lead, f"/admin/surveys/{survey.id}/results")
    assert "Mer gruppearbeid" not in html
    assert "so only the unit's own leads read them" in html
    assert '<dd>1.8 <span class="ci">' in html  # the figures are there for the network lead


def test_a_lead_of_another_unit_gets_404(client, samling, make_survey, make_account, app):
    survey, _, _ = samling
    other = make_survey("samling")
    with app.app_context():
        other_unit = database.session().get(Survey, other.id).unit_id
    make_account("annen@b.no", units=(other_unit,))
    client.set_cookie("lang", "en")
    log_in(client, "annen@b.no")
    assert client.get(f"/admin/surveys/{survey.id}/results").status_code == 404
    chart = f"/admin/surveys/{survey.id}/results/chart?item=nytte_totalt&fmt=svg"
    assert client.get(chart).status_code == 404


# Brukerundersøkelse (agree7, 7 = strongly agree is best): resultat_hverdag 7, 6, 5, 7, 4 →
# n 5, mean 29/5 = 5.8, 0–100 100·(5.8 − 1)/(7 − 1) = 80.0, top box (6 or 7) 3 of 5 = 60%.
# Category «Results for the user» has only this item answered: one mean per response, 5.8.
USERS = [
    {"resultat_hverdag": 7, "who_answered": "alone"},
    {"resultat_hverdag": 6, "who_answered": "alone"},
    {"resultat_hverdag": 5, "who_answered": "with_help"},
    {"resultat_hverdag": 7, "who_answered": "alone"},
    {"resultat_hverdag": 4, "who_answered": "with_help", "comment": "Takk for hjelpen"},
]


def test_four_responses_show_only_the_count_and_five_show_everything(
        client, app, make_survey, make_account):
    survey = make_survey("brukerundersokelse", invited=10)
    for answers in USERS[:4]:
        store(app, survey.id, answers)
    unit_lead, _ = leads(app, make_account, survey.id)
    url = f"/admin/surveys/{survey.id}/results"
    html = page_of(client, unit_lead, url)
    assert "<dt>Responses</dt><dd>fewer than 5</dd>" in html
    assert "Response rate" not in html  # 4 of 10 would tell the count
    assert "The results are shown once at least 5 have answered" in html
    assert "item-resultat_hverdag" not in html and "Results for the user" not in html
    chart = client.get(f"{url}/chart?item=resultat_hverdag&fmt=svg").get_data(as_text=True)
    assert 'aria-roledescription="rect mark container"/>' in chart  # a bar with no segments
    store(app, survey.id, USERS[4])
    html = client.get(url).get_data(as_text=True)
    assert "<dt>Responses</dt><dd>5</dd>" in html
    assert "<dt>Response rate</dt><dd>50%</dd>" in html
    block = item_block(html, "resultat_hverdag")
    assert "Higher is better: 7 is the best answer and 1 the worst." in block
    assert '<dt>Mean</dt><dd>5.8 <span class="ci">' in block
    assert "<dt>Mean on 0–100 (100 = best)</dt><dd>80.0</dd>" in block
    assert "<dt>Share in the best two steps</dt><dd>60%</dd>" in block
    assert "<dt>Don't know / not relevant</dt><dd>0</dd>" in block
    assert '<tr><th scope="row">2</th><td class="num">0</td></tr>' in block  # unlabelled step
    assert '<th scope="row">Results for the user</th>\n    <td class="num">5</td>' in html
    who = item_block(html, "who_answered")
    assert "Answers from 5 responses" in who
    alone = "Me, the person getting help, on my own"
    assert f'<th scope="row">{alone}</th><td class="num">3</td>' in who
    assert "<dt>Responses</dt><dd>fewer than 5</dd>" in item_block(html, "helper")
    assert "<li>Takk for hjelpen</li>" in html


def test_follow_up_responses_are_not_responses_of_the_survey(
        client, app, make_survey, make_account):
    survey = make_survey("brukerundersokelse")
    for answers in USERS:
        store(app, survey.id, answers)
    with app.app_context():
        db = database.session()
        first = db.scalars(sa.select(Response.id).filter_by(survey_id=survey.id)).first()
        db.execute(sa.update(Response).where(Response.id == first).values(is_follow_up=True))
        db.commit()
    unit_lead, _ = leads(app, make_account, survey.id)
    html = page_of(client, unit_lead, f"/admin/surveys/{survey.id}/results")
    assert "<dt>Responses</dt><dd>fewer than 5</dd>" in html


def test_the_chart_as_svg_and_png_and_bad_requests(client, samling):
    survey, unit_lead, _ = samling
    client.set_cookie("lang", "en")
    log_in(client, unit_lead)
    base = f"/admin/surveys/{survey.id}/results/chart"
    svg = client.get(f"{base}?item=nytte_totalt&fmt=svg")
    assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")
    text = svg.get_data(as_text=True)
    assert 'aria-label="Overall usefulness of the gathering"' in text
    assert "1 = Very good" in text and "5 = Very poor" in text
    png = client.get(f"{base}?item=nytte_totalt&fmt=png&download=1")
    assert png.data.startswith(b"\x89PNG")
    assert png.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"{base}?item=nytte_totalt&fmt=gif").status_code == 404
    assert client.get(f"{base}?item=no_such_item&fmt=svg").status_code == 404
    assert client.get(f"{base}?item=onsker_neste&fmt=svg").status_code == 404  # not a scale
    missing = client.get(f"{base}?fmt=svg")
    assert missing.status_code == 400 and "Something was wrong" in missing.get_data(as_text=True)


def test_a_psfs_survey_without_answers_renders(client, app, make_survey, make_account):
    survey = make_survey("psfs")
    unit_lead, _ = leads(app, make_account, survey.id)
    html = page_of(client, unit_lead, f"/admin/surveys/{survey.id}/results")
    assert "<dt>Responses</dt><dd>fewer than 5</dd>" in html
    assert f'href="/admin/surveys/{survey.id}/change"' in html


def first_answers(definition: schema.Definition, position: int) -> dict:
    """A valid answer to every top-level item but groups, varied a little by `position`."""
    answers: dict = {}
    for item in definition.items():
        if isinstance(item, schema.ScaleItem):
            steps = definition.scale_of(item).steps
            answers[item.id] = steps[position % len(steps)]
        elif isinstance(item, schema.SingleChoiceItem | schema.MultipleChoiceItem):
            answers[item.id] = item.options[position % len(item.options)].value
        elif isinstance(item, schema.ChecklistItem):
            answers[item.id] = schema.CHECKLIST_VALUES[position % 3]
        elif isinstance(item, schema.IntegerItem):
            answers[item.id] = item.min
        elif isinstance(item, schema.TextItem | schema.LongTextItem):
            answers[item.id] = f"Tekst {position}"
    return answers


@pytest.mark.parametrize("slug", sorted(builtin_definitions()))
def test_every_built_in_questionnaire_renders_with_five_responses(
        slug, client, app, make_survey, make_account):
    survey = make_survey(slug)
    definition = builtin_definitions()[slug]
    for position in range(5):
        store(app, survey.id, first_answers(definition, position))
    unit_lead, _ = leads(app, make_account, survey.id)
    html = page_of(client, unit_lead, f"/admin/surveys/{survey.id}/results")
    assert "<dt>Responses</dt><dd>5</dd>" in html
    scales = [i for i in definition.items() if isinstance(i, schema.ScaleItem)]
    if scales:
        assert "<dt>Answers</dt><dd>5</dd>" in item_block(html, scales[0].id)
        chart = client.get(f"/admin/surveys/{survey.id}/results/chart?item={scales[0].id}")
        assert chart.status_code == 200
    if slug == "sjekkliste":  # done, not done, not relevant, done, not done
        block = item_block(html, "primaerkontakt")
        for label, count in (("Done", 2), ("Not done", 2), ("Not relevant", 1)):
            assert f'<th scope="row">{label}</th><td class="num">{count}</td>' in block
