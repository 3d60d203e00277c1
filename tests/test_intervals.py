"""Intervals outside the scale are clipped to it (issue 16, finding 8), on the page, in the
download and in the API alike.

By hand: five answers 1, 1, 1, 1, 2 on a 1–5 item: mean 1.2, sd √0.2 = 0.4472, se 0.2,
t(0.975, 4) = 2.7764, half width 0.5553 → 0.6447 … 1.7553 («0,64–1,76»: a mean of 0,64
cannot be on a scale that starts at 1) → clipped 1 … 1.7553, «1.0 to 1.8».
PSFS means 0, 0, 0, 0, 2 (0–10): mean 0.4, sd √0.8, se 0.4, half width 1.1106 → −0.71 …
1.51 → clipped 0 … 1.51. Changes 10, 10, 10, 10, 8: 9.6 ± 1.1106 → 8.49 … 10.71 → … 10.
"""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
import sqlalchemy as sa

import database
from analytics.paired import Pair, paired_summary
from analytics.small_groups import SmallGroups
from analytics.stats import MeanCI, mean_ci, within
from questionnaires.item_types import AnswerValue
from questionnaires.loader import builtin_definitions
from reporting.comparison import compare_category
from reporting.item_results import scale_summary
from surveys import api_tokens
from surveys.account_models import Account
from surveys.models import Survey
from surveys.operations import submit_response
from tests.conftest import leads, page_of

FIVE = SmallGroups(5)
DAY = dt.date(2026, 3, 2)
SAMLING5 = builtin_definitions()["samling"].scales["samling5"]  # 1–5, low is good


def test_within_clips_only_what_lies_outside():
    ci = mean_ci([1, 1, 1, 1, 2])
    assert (round(ci.low, 4), round(ci.high, 4)) == (0.6447, 1.7553)
    clipped = within(ci, 1, 5)
    assert (clipped.n, clipped.mean, clipped.low, clipped.high) == (5, ci.mean, 1, ci.high)
    inside = mean_ci([2, 3, 3, 4, 4])
    assert within(inside, 1, 5) is inside  # nothing to clip: the same interval
    both = MeanCI(n=2, mean=3.0, low=-4.0, high=12.0)
    assert (within(both, 1, 5).low, within(both, 1, 5).high) == (1, 5)
    edge = mean_ci([5, 5, 5, 5, 5])  # no spread: the interval is the mean, on the edge
    assert within(edge, 1, 5) == edge == MeanCI(5, 5.0, 5.0, 5.0)
    single = MeanCI(n=1, mean=1.0, low=None, high=None)
    assert within(single, 1, 5) is single and within(None, 1, 5) is None


def test_a_scale_item_and_a_comparison_keep_to_the_scale():
    summary = scale_summary({1.0: 4, 2.0: 1}, 0, SAMLING5, FIVE)
    assert summary.ci.low == 1 and round(summary.ci.high, 4) == 1.7553
    row = compare_category("c", {1.0: 4, 2.0: 1}, {5.0: 4, 1.0: 1}, SAMLING5, FIVE)
    assert row.first.low == 1 and row.second.high == 5
    # Welch: 4.2 − 1.2 = 3.0, se √(0.04 + 0.64) = 0.8246, df 0.68² / (0.04²/4 + 0.64²/4)
    # = 4.498, t = 2.6593 → 3.0 ± 2.1929 → 0.81 … 5.19; two means on 1–5 cannot differ by
    # more than 4.
    assert row.difference.high == 4 and round(row.difference.low, 2) == 0.81
    assert row.difference_100.low == -100  # worse by at most the whole scale


def test_psfs_means_and_change_keep_to_0_10_and_plus_minus_10():
    def pair(index: int, before: float, after: float) -> Pair:
        return Pair(f"p{index}", DAY, DAY + dt.timedelta(weeks=4), {1: before}, {1: after})

    near_zero = [pair(i, score, score + 1) for i, score in enumerate([0, 0, 0, 0, 2])]
    summary = paired_summary(5, near_zero, FIVE)
    assert summary.baseline_mean.low == 0 and round(summary.baseline_mean.high, 2) == 1.51
    big = [pair(i, 0, score) for i, score in enumerate([10, 10, 10, 10, 8])]
    change = paired_summary(5, big, FIVE).change
    assert change.high == 10 and round(change.low, 2) == 8.49


@pytest.fixture
def samling_survey(app, make_survey):
    survey = make_survey("samling", invited=10)
    with app.app_context():
        db = database.session()
        found = db.get(Survey, survey.id)
        for value in (1, 1, 1, 1, 2):
            submit_response(db, found, None, secrets.token_urlsafe(18), "nb",
                            [AnswerValue("nytte_totalt", 0, float(value), None)],
                            dt.date(2026, 3, 2))
    return survey.id


def test_the_page_the_csv_and_the_api_show_the_clipped_interval(app, client, make_account,
                                                                 samling_survey):
    lead, _network_lead = leads(app, make_account, samling_survey)
    html = page_of(client, lead, f"/admin/surveys/{samling_survey}/results")
    assert '1.2 <span class="ci">(95% CI 1.0 to 1.8)</span>' in html
    assert "0.6 to" not in html
    assert "cut at the ends of the scale" in html  # the method note says so
    text = client.get(f"/admin/surveys/{samling_survey}/results.csv?sep=,").get_data(
        as_text=True)
    row = next(line for line in text.splitlines() if line.startswith("scale,nytte_totalt"))
    assert ",1.2,1,1.7553," in row
    with app.app_context():
        db = database.session()
        account = db.scalars(sa.select(Account).filter_by(email=lead)).one()
        secret = api_tokens.create_token(db, account, "test", DAY).secret
    body = client.get(f"/api/v1/surveys/{samling_survey}/results",
                      headers={"Authorization": f"Bearer {secret}"}).get_json()
    item = next(i for section in body["sections"] for i in section["items"]
                if i["id"] == "nytte_totalt")
    assert (item["mean"], item["ci_low"], round(item["ci_high"], 4)) == (1.2, 1.0, 1.7553)
