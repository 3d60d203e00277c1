"""The words of the charts and their findings (issue 16, finding 11): the run chart's «no
signal» and its coloured points never contradict each other, the legend names the rule of
each coloured point, Norwegian charts write «80 %» with the no-break space, and negative
numbers carry a real minus sign (U+2212).

The series is tests/test_spc.py's: twelve pathways before a change (median 56.5 %) and
twelve after (80–100 %, median 89 %). After the change, around its own median, the points
vary at random (no signal); against the median from before, all twelve lie above it, a run
of 12 > 7: the improvement the page reports, drawn as purple diamonds.
"""

from __future__ import annotations

import re

from flask_babel import force_locale

from analytics.charts import change_histogram, to_svg
from analytics.run_charts import CARRIED, CARRIED_SHAPE, POINT_SHAPE, run_chart
from analytics.spc import split_at
from reporting.checklist import SeriesAnalysis
from reporting.checklist_words import change_verdict, findings
from tests.test_spc import AFTER, BEFORE, CHANGE, RUN_TEXTS, weekly

MINUS = "\u2212"
AGAINST = "After the change, in a run against the median before it"


def texts(svg: str) -> list[str]:
    return re.findall(r">([^<]*)</text>", svg)


def split_series() -> SeriesAnalysis:
    observations = weekly(BEFORE + AFTER)
    return SeriesAnalysis(observations, split_at(observations, CHANGE), 0)


def test_no_signal_after_the_change_and_its_points_agree(app):
    series = split_series()
    before, after = series.analysis.phases
    assert not after.signal and series.against_before.signal
    chart = run_chart(series.observations, series.analysis, change_label="Change",
                      carried=series.against_before, carried_label="Median before",
                      carried_point_label=AGAINST, locale="en", **RUN_TEXTS)
    points = chart.to_dict()["layer"][-1]
    kinds = [point["kind"] for point in points["data"]["values"]]
    own_signal = {index for phase in (before, after) for index in phase.signal_points()}
    for index, kind in enumerate(kinds):
        # A point is orange only if its own phase signals there; after the change, every
        # point is a diamond of the rule against the median from before, none an orange one.
        assert (kind == "Part of a shift") == (index in own_signal)
        if index >= 12:
            assert kind == AGAINST
    encoding = points["encoding"]
    domain = encoding["color"]["scale"]["domain"]
    assert set(kinds) == set(domain)  # the legend names exactly the kinds drawn
    assert encoding["shape"]["scale"]["range"][domain.index(AGAINST)] == CARRIED_SHAPE
    assert encoding["color"]["scale"]["range"][domain.index(AGAINST)] == CARRIED
    assert encoding["shape"]["scale"]["range"][domain.index("Pathway")] == POINT_SHAPE
    assert AGAINST in texts(to_svg(chart))
    with app.test_request_context(), force_locale("en"):
        (sentence,) = findings(after, split=True)
        assert sentence.startswith("No signal around this phase's own median")
        assert change_verdict(series).startswith("An improvement")
    with app.test_request_context(), force_locale("nb"):
        assert findings(after, split=True)[0].startswith("Ikke noe signal rundt fasens egen")
        assert "(57\u00a0%)" in change_verdict(series)  # 56.5 % half up, as on the page


def test_norwegian_charts_write_percent_with_a_space_and_a_real_minus():
    series = split_series()
    svg = to_svg(run_chart(series.observations, series.analysis, locale="nb", **RUN_TEXTS))
    found = texts(svg)
    assert {"0\u00a0%", "20\u00a0%", "100\u00a0%", "Median 57\u00a0%"} <= set(found)
    assert not any(re.fullmatch(r"\d+%", text) for text in found)
    english = texts(to_svg(run_chart(series.observations, series.analysis, locale="en",
                                     **RUN_TEXTS)))
    assert "20%" in english
    histogram = texts(to_svg(change_histogram([(-3, 2), (4, 5)], title="t", x_title="x",
                                              y_title="y", locale="nb")))
    assert f"{MINUS}10" in histogram and f"{MINUS}3" in histogram
    assert not any(text.startswith("-") for text in histogram)


def test_the_demo_page_says_which_rule_each_point_belongs_to(app, client, runner):
    import sqlalchemy as sa

    import database
    from surveys.models import Survey
    from tests.conftest import log_in

    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        survey_id = database.session().scalar(
            sa.select(Survey.id).where(Survey.change_on.is_not(None)))
    client.set_cookie("lang", "nb")
    log_in(client, "admin@demo.no", "demo-passord-2026")
    html = client.get(f"/admin/surveys/{survey_id}/checklist").get_data(as_text=True)
    assert "Lilla ruter er forløp etter endringen" in html
    svg = client.get(f"/admin/surveys/{survey_id}/checklist/run-chart.svg").get_data(
        as_text=True)
    assert "Etter endringen, i en serie mot medianen fra før" in svg
    assert ">Endring</text>" in svg  # the noun on the line at the change, not «Endre»
