"""Checklist compliance, the Anhøj run chart rules, phase splits, p- and p′-charts, and their
charts, checked against published limits and hand-made series (the arithmetic is in the
comments). Pure functions, no Flask, no database."""

from __future__ import annotations

import datetime
import re
from typing import Any

import altair as alt
import pytest
import vl_convert as vlc

from analytics.charts import to_svg
from analytics.p_charts import MonthCount, p_chart_limits, p_phases, split_p_chart
from analytics.run_charts import (
    SIGNAL_SHAPE,
    PChartRow,
    RunChartRow,
    p_chart,
    p_chart_rows,
    run_chart,
    run_chart_rows,
)
from analytics.spc import (
    MIN_USEFUL,
    Observation,
    Run,
    Signal,
    analyse_runs,
    compliance,
    crossings_limit,
    longest_run_limit,
    split_at,
)

# --- compliance -------------------------------------------------------------------------


def test_compliance_is_done_over_done_plus_not_done():
    assert compliance(3, 1) == 0.75
    assert compliance(0, 4) == 0.0
    assert compliance(7, 0) == 1.0


def test_compliance_of_a_pathway_where_no_step_was_relevant_is_none():
    assert compliance(0, 0) is None


def test_compliance_refuses_negative_counts():
    with pytest.raises(ValueError):
        compliance(-1, 3)


# --- the published limits ----------------------------------------------------------------

# Critical values for the Anhøj rules: (useful observations n, upper limit for the longest
# run, lower limit for the number of crossings). Source: Anhøj J, Olesen AV (2014), "Run
# charts revisited: a simulation study of run chart rules for detection of non-random
# variation in health care processes", PLoS ONE 9(11): e113825, and the qicharts2 vignette
# "Quality Improvement Charts", Appendix 2 ("Critical values for longest run and number of
# crossings", n = 10–100). A run longer than the limit, or fewer crossings than the limit,
# signals. The issue's own examples are n = 10 → 6 and 2, n = 20 → 7 and 6; the vignette
# works n = 24 → 8 and 8 in its text.
PUBLISHED = [
    (10, 6, 2), (11, 6, 2), (12, 7, 3), (13, 7, 3), (14, 7, 4), (15, 7, 4), (16, 7, 4),
    (17, 7, 5), (18, 7, 5), (19, 7, 6), (20, 7, 6), (21, 7, 6), (22, 7, 7), (23, 8, 7),
    (24, 8, 8), (25, 8, 8), (30, 8, 10), (40, 8, 14), (46, 9, 17), (50, 9, 19),
    (91, 10, 37), (100, 10, 41),
]


@pytest.mark.parametrize(("n", "longest", "crossings"), PUBLISHED)
def test_limits_match_the_published_table(n: int, longest: int, crossings: int):
    assert longest_run_limit(n) == longest
    assert crossings_limit(n) == crossings


def test_limits_need_a_useful_observation():
    with pytest.raises(ValueError):
        longest_run_limit(0)
    with pytest.raises(ValueError):
        crossings_limit(0)


# --- runs analysis on hand-made series ---------------------------------------------------


def pct(*values: int) -> list[float]:
    """Compliance given in whole percent, as the pages show it."""
    return [value / 100 for value in values]


# Random-looking noise, 20 pathways, every value distinct.
#   sorted: 35 39 42 44 45 47 48 51 53 55 | 57 58 60 62 63 66 68 70 71 74
#   median = (55 + 57) / 2 = 56; none lies on it, so n useful = 20 → limits 7 and 6
#   sides:  A A B A B B B A A B A B B A A A B B A B   (A above 56, B below)
#   runs:   AA|B|A|BBB|AA|B|A|BB|AAA|BB|A|B = 12 runs → 11 crossings; longest 3
#   3 ≤ 7 and 11 ≥ 6: no signal.
NOISE = pct(62, 71, 48, 66, 55, 39, 44, 58, 70, 51, 63, 47, 42, 68, 57, 60, 35, 53, 74, 45)


def test_random_noise_gives_no_signal():
    result = analyse_runs(NOISE)
    assert result.median == pytest.approx(0.56)
    assert (result.n, result.n_useful) == (20, 20)
    assert (result.longest_run_limit, result.crossings_limit) == (7, 6)
    assert result.crossings == 11
    assert result.longest_run == Run(start=4, end=6, length=3, side="below")
    assert not result.too_few
    assert (result.shift, result.few_crossings, result.signal) == (False, False, False)
    assert result.signals == ()
    assert result.signal_points() == frozenset()


# A shift: nine pathways in a row above the median, and otherwise enough crossings.
#   below (B): 40–51, twelve values; above (A): 61–72, twelve values
#   median = (51 + 61) / 2 = 56; n useful = 24 → limits 8 and 8
#   index:  0-2  3  4-5  6  7-8  9-17  18-20  21  22-23
#   sides:  BBB  A  BB   A  BB   A×9   BBB    A   BB     = 9 runs → 8 crossings
#   longest run 9 (indexes 9–17, above) > 8: a shift; 8 crossings is not < 8: no signal.
SHIFT = pct(45, 40, 48, 63, 50, 43, 61, 47, 51, 64, 66, 70, 62, 68, 72, 65, 69, 67,
            41, 49, 46, 71, 44, 42)


def test_a_shift_of_nine_above_the_median():
    result = analyse_runs(SHIFT)
    assert result.median == pytest.approx(0.56)
    assert (result.n_useful, result.longest_run_limit, result.crossings_limit) == (24, 8, 8)
    assert result.longest_run == Run(start=9, end=17, length=9, side="above")
    assert result.crossings == 8
    assert (result.shift, result.few_crossings) == (True, False)
    # The page words it: "a shift: 9 pathways in a row above the median".
    assert result.signals == (
        Signal("shift", count=9, limit=8, side="above", start=9, end=17),
    )
    assert result.signal_points() == frozenset(range(9, 18))


# Too few crossings with no run long enough to be a shift.
#   A: 61–70, B: 40–49; median = (49 + 61) / 2 = 55; n useful = 20 → limits 7 and 6
#   sides: A×5 B×5 A×5 B×5 = 4 runs → 3 crossings < 6: signal; longest 5 ≤ 7: no shift.
FEW_CROSSINGS = pct(62, 65, 61, 68, 64, 45, 41, 48, 43, 46, 70, 63, 67, 66, 69,
                    44, 49, 40, 47, 42)


def test_too_few_crossings():
    result = analyse_runs(FEW_CROSSINGS)
    assert result.median == pytest.approx(0.55)
    assert (result.crossings, result.crossings_limit) == (3, 6)
    assert result.longest_run == Run(start=0, end=4, length=5, side="above")
    assert (result.shift, result.few_crossings) == (False, True)
    # "too few crossings: 3 where at least 6 were expected"
    assert result.signals == (Signal("crossings", count=3, limit=6),)
    assert result.signal_points() == frozenset()


def test_a_steady_rise_is_seen_as_a_long_run_and_too_few_crossings():
    # 5 %, 10 %, …, 100 %: median (50 + 55) / 2 = 52.5; the first ten lie below, the last
    # ten above: runs 10 and 10 > 7, and 1 crossing < 6. The Anhøj rules have no trend rule
    # (Anhøj & Olesen 2014 found it "virtually useless"); a trend shows up as these two.
    result = analyse_runs([step / 20 for step in range(1, 21)])
    assert result.median == pytest.approx(0.525)
    assert (result.crossings, result.longest_run_limit, result.crossings_limit) == (1, 7, 6)
    assert result.longest_run == Run(start=0, end=9, length=10, side="below")
    assert [signal.kind for signal in result.signals] == ["shift", "shift", "crossings"]
    assert [signal.side for signal in result.signals[:2]] == ["below", "above"]
    assert result.signal_points() == frozenset(range(20))


def test_a_median_of_100_percent_leaves_too_few_useful_points():
    # Nine of fourteen pathways at 100 %: the 7th and 8th sorted values are both 100 %, so
    # the median is 100 %, those nine lie on it, and only the five below are useful.
    values = pct(100, 80, 100, 100, 90, 100, 100, 75, 100, 100, 100, 50, 100, 90)
    result = analyse_runs(values)
    assert result.median == 1.0
    assert (result.n, result.n_useful) == (14, 5)
    assert result.too_few
    assert (result.longest_run_limit, result.crossings_limit) == (None, None)
    # All five below form one run (points on the median neither break nor extend it), but
    # with the rules switched off that is not reported as a shift.
    assert result.longest_run == Run(start=1, end=13, length=5, side="below")
    assert not result.signal and result.signals == ()


def test_too_few_is_below_ten_useful_points():
    assert MIN_USEFUL == 10
    assert analyse_runs(NOISE[:9]).too_few
    assert not analyse_runs(NOISE[:10]).too_few
    assert analyse_runs([]).too_few and analyse_runs([]).median is None


def test_points_on_the_median_neither_break_nor_extend_a_run():
    # 1 3 2 3 3 1 2: median 2; sides B A · A A B · → runs B | A A A | B (the 2 at index 2
    # sits inside the run of three above); 2 crossings, 5 useful.
    result = analyse_runs([1, 3, 2, 3, 3, 1, 2])
    assert result.sides == ("below", "above", None, "above", "above", "below", None)
    assert result.runs == (Run(0, 0, 1, "below"), Run(1, 4, 3, "above"),
                           Run(5, 5, 1, "below"))
    assert (result.n_useful, result.crossings) == (5, 2)


def test_a_given_centre_line_replaces_the_median():
    # The twelve pathways after a change against the median of those before (0.565): all
    # twelve above → one run of 12 > round(log2(12) + 3) = 7, 0 crossings < 3.
    result = analyse_runs(AFTER, centre=0.565)
    assert result.centre == 0.565
    assert result.median == pytest.approx(0.89)
    assert result.longest_run == Run(0, 11, 12, "above")
    assert (result.shift, result.few_crossings) == (True, True)


# --- split at a change ------------------------------------------------------------------

# Before: sorted 44 45 48 50 52 55 | 58 61 64 66 69 70 → median (55 + 58) / 2 = 56.5
#   sides B A B A B A A B A B A B → 11 runs, 10 crossings, longest 2; n 12 → limits 7, 3
# After: sorted 80 82 83 85 86 88 | 90 92 93 95 97 100 → median (88 + 90) / 2 = 89
#   sides B A B A B A B A A B A B → 11 runs, 10 crossings, longest 2 → no signal either
# Unsplit, all 24: median (70 + 80) / 2 = 75, twelve below then twelve above → a shift.
BEFORE = pct(50, 64, 55, 70, 45, 66, 58, 44, 69, 52, 61, 48)
AFTER = pct(80, 92, 85, 100, 88, 95, 83, 97, 90, 86, 93, 82)
START = datetime.date(2025, 1, 6)
CHANGE = START + datetime.timedelta(weeks=12)


def weekly(values: list[float]) -> list[Observation]:
    return [Observation(START + datetime.timedelta(weeks=index), value, label=f"P{index + 1}")
            for index, value in enumerate(values)]


def test_split_gives_each_phase_its_own_median_and_analysis():
    split = split_at(weekly(BEFORE + AFTER), CHANGE)
    assert split.change_index == 12
    before, after = split.phases
    assert (before.offset, before.n, after.offset, after.n) == (0, 12, 12, 12)
    assert before.median == pytest.approx(0.565)
    assert after.median == pytest.approx(0.89)
    for phase in (before, after):
        assert (phase.n_useful, phase.crossings, phase.longest_run_limit,
                phase.crossings_limit) == (12, 10, 7, 3)
        assert phase.longest_run.length == 2
        assert not phase.signal
    # Indexes are into the whole series: the after phase's first run starts at 12.
    assert after.runs[0] == Run(12, 12, 1, "below")
    assert after.longest_run == Run(19, 20, 2, "above")


def test_the_unsplit_series_shows_the_improvement_as_a_shift():
    whole = analyse_runs(BEFORE + AFTER)
    assert whole.median == pytest.approx(0.75)
    assert whole.signals == (
        Signal("shift", count=12, limit=8, side="below", start=0, end=11),
        Signal("shift", count=12, limit=8, side="above", start=12, end=23),
        Signal("crossings", count=1, limit=8),
    )


def test_a_pathway_starting_on_the_change_date_belongs_after():
    observations = weekly(BEFORE + AFTER)
    assert split_at(observations, observations[12].when).change_index == 12
    assert split_at(observations, observations[12].when
                    + datetime.timedelta(days=1)).change_index == 13


def test_a_change_before_every_pathway_leaves_an_empty_before_phase():
    split = split_at(weekly(AFTER), START - datetime.timedelta(days=1))
    assert (split.before.n, split.before.median, split.before.too_few) == (0, None, True)
    assert split.after.n == 12


def test_split_refuses_observations_out_of_time_order():
    with pytest.raises(ValueError):
        split_at(list(reversed(weekly(BEFORE))), CHANGE)


# --- p-chart and Laney's p′ ---------------------------------------------------------------

# Four months, Σdone = 16 + 40 + 88 + 20 = 164, Σtotal = 16 + 64 + 100 + 25 = 205,
# p̄ = 164 / 205 = 0.8, p̄(1 − p̄) = 0.16.
#   month  n    p              σ = √(0.16/n)  p̄ ± 3σ              clipped         flag
#   1      16   16/16 = 1.0    0.1            0.5 … 1.1           0.5 … 1.0       on the limit
#   2      64   40/64 = 0.625  0.05           0.65 … 0.95         0.65 … 0.95     below
#   3      100  88/100 = 0.88  0.04           0.68 … 0.92         0.68 … 0.92     –
#   4      25   20/25 = 0.8    0.08           0.56 … 1.04         0.56 … 1.0      –
MONTHS = [
    MonthCount(datetime.date(2025, 1, 1), 16, 16),
    MonthCount(datetime.date(2025, 2, 1), 40, 64),
    MonthCount(datetime.date(2025, 3, 1), 88, 100),
    MonthCount(datetime.date(2025, 4, 1), 20, 25),
]


def test_p_chart_limits_by_hand():
    chart = p_chart_limits(MONTHS)
    assert chart.centre == pytest.approx(0.8)
    assert chart.sigma_z is None and not chart.laney
    expected = [(1.0, 0.1, 0.5, 1.0, None), (0.625, 0.05, 0.65, 0.95, "below"),
                (0.88, 0.04, 0.68, 0.92, None), (0.8, 0.08, 0.56, 1.0, None)]
    for point, (share, sigma, lower, upper, outside) in zip(chart.points, expected,
                                                            strict=True):
        assert point.share == pytest.approx(share)
        assert point.sigma == pytest.approx(sigma)
        assert (point.lower, point.upper) == (pytest.approx(lower), pytest.approx(upper))
        assert point.outside == outside
    assert chart.signals == (Signal("outside_limits", side="below", start=1, end=1),)


def test_laney_p_prime_widens_the_limits_by_the_spread_of_z():
    # z = (p − p̄) / σ: (1.0 − 0.8)/0.1 = 2, (0.625 − 0.8)/0.05 = −3.5,
    #   (0.88 − 0.8)/0.04 = 2, (0.8 − 0.8)/0.08 = 0
    # moving ranges |−3.5 − 2| = 5.5, |2 + 3.5| = 5.5, |0 − 2| = 2 → mean 13/3 = 4.3333
    # σ_z = 4.3333 / 1.128 = 3.84161
    # month 2: 0.8 ± 3 × 0.05 × 3.84161 = 0.8 ± 0.57624 → 0.22376 … 1 (clipped): inside now
    # month 3: 0.8 ± 3 × 0.04 × 3.84161 = 0.8 ± 0.46099 → 0.33901 … 1
    # months 1 and 4: 3σ′ = 1.15248 and 0.92199 > 0.8 → 0 … 1
    chart = p_chart_limits(MONTHS, laney=True)
    assert chart.laney
    assert [point.z for point in chart.points] == pytest.approx([2, -3.5, 2, 0])
    assert chart.sigma_z == pytest.approx(13 / 3 / 1.128)
    assert chart.sigma_z == pytest.approx(3.84161, abs=1e-5)
    assert [(point.lower, point.upper) for point in chart.points] == [
        (0.0, 1.0),
        (pytest.approx(0.22376, abs=1e-5), 1.0),
        (pytest.approx(0.33901, abs=1e-5), 1.0),
        (0.0, 1.0),
    ]
    assert chart.points[1].sigma == pytest.approx(0.05 * 3.84161, abs=1e-6)
    assert chart.signals == ()


def test_months_without_a_relevant_step_are_left_out():
    empty = MonthCount(datetime.date(2025, 5, 1), 0, 0)
    chart = p_chart_limits([*MONTHS, empty])
    assert [point.month.month for point in chart.points] == [1, 2, 3, 4]
    nothing = p_chart_limits([empty])
    assert (nothing.centre, nothing.points) == (None, ())


def test_everything_done_has_no_spread_and_no_signal():
    # p̄ = 1: σ = 0 for every month, z undefined (None), limits 1 … 1, nothing outside.
    chart = p_chart_limits([MonthCount(datetime.date(2025, 1, 1), 5, 5),
                            MonthCount(datetime.date(2025, 2, 1), 8, 8)], laney=True)
    assert chart.centre == 1.0
    assert [(point.z, point.lower, point.upper) for point in chart.points] == [
        (None, 1.0, 1.0), (None, 1.0, 1.0)]
    assert chart.sigma_z == 0.0 and chart.signals == ()


def test_laney_with_one_month_falls_back_to_the_plain_limits():
    # One month, 40 of 64: no moving range, so no σ_z. Plain limits: p̄ = 0.625,
    # σ = √(0.625 × 0.375 / 64) = √0.0036621 = 0.060515, 3σ = 0.181546 → 0.44345 … 0.80655
    chart = p_chart_limits(MONTHS[1:2], laney=True)
    assert chart.sigma_z is None
    assert (chart.points[0].lower, chart.points[0].upper) == (
        pytest.approx(0.44345, abs=1e-5), pytest.approx(0.80655, abs=1e-5))


def test_p_chart_refuses_impossible_counts():
    with pytest.raises(ValueError):
        p_chart_limits([MonthCount(datetime.date(2025, 1, 1), 6, 5)])


# --- charts -------------------------------------------------------------------------------

RUN_TEXTS = {"title": "Compliance, pathway by pathway", "x_title": "Pathways in time order",
             "y_title": "Compliance", "median_label": "Median", "point_label": "Pathway",
             "signal_label": "Part of a shift", "legend_title": "Points"}
P_TEXTS = {"title": "Steps done per month", "x_title": "Month", "y_title": "Share done",
           "centre_label": "Average", "limits_label": "3-sigma limits", "point_label": "Month",
           "outside_label": "Outside the limits", "legend_title": "Months"}
MONTH_LABELS = ["Jan 2025", "Feb 2025", "Mar 2025", "Apr 2025"]


def _texts(svg: str) -> list[str]:
    return re.findall(r">([^<]*)</text>", svg)


def _layers(chart: alt.TopLevelMixin, mark: str) -> list[list[dict[str, Any]]]:
    """The inline data of every layer drawn with `mark`."""
    layers = chart.to_dict()["layer"]
    return [layer["data"]["values"] for layer in layers
            if (layer["mark"] if isinstance(layer["mark"], str)
                else layer["mark"]["type"]) == mark]


def test_run_chart_rows_mark_the_points_of_the_shift():
    observations = weekly(SHIFT)
    rows = run_chart_rows(observations, analyse_runs(SHIFT))
    assert len(rows) == 24
    assert rows[0] == RunChartRow(position=1, when=START, label="P1", value=0.45, phase=0,
                                  median=pytest.approx(0.56), side="below", signal=False)
    assert [row.position for row in rows if row.signal] == list(range(10, 19))


def test_run_chart_spec_holds_the_points_and_renders():
    observations = weekly(SHIFT)
    chart = run_chart(observations, analyse_runs(SHIFT), locale="en", **RUN_TEXTS)
    points = _layers(chart, "point")[0]
    assert [(point["position"], point["value"]) for point in points] == [
        (index + 1, value) for index, value in enumerate(SHIFT)]
    assert [point["position"] for point in points
            if point["kind"] == "Part of a shift"] == list(range(10, 19))
    # Signals differ by shape as well as colour.
    shape = chart.to_dict()["layer"][-1]["encoding"]["shape"]["scale"]
    assert shape == {"domain": ["Pathway", "Part of a shift"],
                     "range": ["circle", SIGNAL_SHAPE]}
    (median,) = _layers(chart, "rule")
    assert median == [{"start": 0.6, "end": 24.4, "median": pytest.approx(0.56),
                       "text": "Median 56%", "signal": True}]
    svg = vlc.vegalite_to_svg(chart.to_json())
    assert "Compliance, pathway by pathway" in svg
    assert {"Median 56%", "Part of a shift"} <= set(_texts(svg))


def test_split_run_chart_has_a_median_per_phase_and_a_rule_at_the_change():
    observations = weekly(BEFORE + AFTER)
    split = split_at(observations, CHANGE)
    chart = run_chart(observations, split, change_label="New routine", locale="nb",
                      **RUN_TEXTS)
    medians, change = _layers(chart, "rule")
    assert [(row["start"], row["end"], row["median"]) for row in medians] == [
        (0.6, 12.4, pytest.approx(0.565)), (12.6, 24.4, pytest.approx(0.89))]
    assert change == [{"at": 12.5, "label": "New routine"}]
    assert [row.phase for row in run_chart_rows(observations, split)] == [0] * 12 + [1] * 12
    texts = set(_texts(to_svg(chart)))
    # Whole percent rounded half up as on the page (56.5 → 57), «57 %» with the Norwegian
    # no-break space, also on the axis; no signal, so no signal legend.
    assert {"Median 57\u00a0%", "Median 89\u00a0%", "New routine", "Pathway", "80\u00a0%"} <= texts
    assert "Part of a shift" not in texts


def test_run_chart_refuses_an_analysis_of_other_observations():
    with pytest.raises(ValueError):
        run_chart(weekly(NOISE), analyse_runs(SHIFT), locale="en", **RUN_TEXTS)


def test_empty_run_chart_still_renders():
    assert "Compliance, pathway by pathway" in to_svg(
        run_chart([], analyse_runs([]), locale="en", **RUN_TEXTS))


def test_p_chart_rows_and_spec():
    limits = p_chart_limits(MONTHS)
    rows = p_chart_rows(limits)
    assert rows[1] == PChartRow(position=2, month=datetime.date(2025, 2, 1), done=40,
                                total=64, share=0.625, lower=pytest.approx(0.65),
                                upper=pytest.approx(0.95), outside="below", phase=0,
                                centre=pytest.approx(0.8))
    chart = p_chart(limits, month_labels=MONTH_LABELS, locale="en", **P_TEXTS)
    points = _layers(chart, "point")[0]
    assert [(point["position"], point["share"], point["kind"]) for point in points] == [
        (1, 1.0, "Month"), (2, 0.625, "Outside the limits"), (3, 0.88, "Month"),
        (4, 0.8, "Month")]
    # Step lines: each month's limits span its slot, position ± 0.5.
    steps = _layers(chart, "line")[0]
    assert [(step["position"], step["share"]) for step in steps
            if step["line"] == "lower"][:4] == [
        (0.5, pytest.approx(0.5)), (1.5, pytest.approx(0.5)),
        (1.5, pytest.approx(0.65)), (2.5, pytest.approx(0.65))]
    svg = vlc.vegalite_to_svg(chart.to_json())
    texts = set(_texts(svg))
    assert set(MONTH_LABELS) <= texts
    assert {"Average 80%", "3-sigma limits", "Outside the limits"} <= texts


def test_p_chart_needs_a_label_per_month_and_draws_an_empty_chart():
    with pytest.raises(ValueError):
        p_chart(p_chart_limits(MONTHS), month_labels=MONTH_LABELS[:2], locale="en",
                **P_TEXTS)
    assert "Steps done per month" in to_svg(
        p_chart(p_chart_limits([]), month_labels=[], locale="en", **P_TEXTS))


# --- the p-chart split at a change --------------------------------------------------------

# MONTHS split after February, each phase with its own p̄ and limits:
#   before: Σdone = 16 + 40 = 56, Σtotal = 80, p̄ = 0.7, p̄(1 − p̄) = 0.21
#     month 1: σ = √(0.21/16) = 0.114564, 0.7 ± 0.343693 → 0.356307 … 1 (clipped)
#     month 2: σ = √(0.21/64) = 0.057282, 0.7 ± 0.171846 → 0.528154 … 0.871846;
#              0.625 lies inside (below the one p̄ of 0.8 it lay outside)
#   after: Σdone = 88 + 20 = 108, Σtotal = 125, p̄ = 0.864, p̄(1 − p̄) = 0.117504
#     month 3: σ = √(0.117504/100) = 0.0342789, 0.864 ± 0.102837 → 0.761163 … 0.966837
#     month 4: σ = √(0.117504/25) = 0.0685578, 0.864 ± 0.205673 → 0.658327 … 1 (clipped)
MARCH = datetime.date(2025, 3, 1)


def test_a_split_p_chart_has_its_own_centre_and_limits_per_phase():
    split = split_p_chart(MONTHS[:2], MONTHS[2:], MARCH)
    before, after = p_phases(split)
    assert (before.centre, after.centre) == (pytest.approx(0.7), pytest.approx(0.864))
    assert [(point.lower, point.upper) for point in split.points] == [
        (pytest.approx(0.356307, abs=1e-6), 1.0),
        (pytest.approx(0.528154, abs=1e-6), pytest.approx(0.871846, abs=1e-6)),
        (pytest.approx(0.761163, abs=1e-6), pytest.approx(0.966837, abs=1e-6)),
        (pytest.approx(0.658327, abs=1e-6), 1.0)]
    assert split.change_index == 2 and split.signals == ()
    # Each phase is exactly the p-chart of its own months.
    assert before == p_chart_limits(MONTHS[:2]) and after == p_chart_limits(MONTHS[2:])


def test_signals_of_a_split_p_chart_count_from_the_first_month_of_all():
    # After the change, a third month of 10/40 = 25 %: p̄ = 118/165 = 0.715152, so March
    # (88/100, 3σ = 3 × √(0.715152 × 0.284848 / 100) = 0.135403, upper 0.850554) lies above
    # and May (3σ = 0.214091, lower 0.501061) below: the 1st and 3rd months of the phase,
    # the 3rd and 5th of the chart.
    late = MonthCount(datetime.date(2025, 5, 1), 10, 40)
    split = split_p_chart(MONTHS[:2], [*MONTHS[2:], late], MARCH, laney=False)
    assert split.after.points[0].upper == pytest.approx(0.850554, abs=1e-6)
    assert split.after.points[2].lower == pytest.approx(0.501061, abs=1e-6)
    assert split.signals == (Signal("outside_limits", side="above", start=2, end=2),
                             Signal("outside_limits", side="below", start=4, end=4))
    assert [row.phase for row in p_chart_rows(split)] == [0, 0, 1, 1, 1]
    assert [row.position for row in p_chart_rows(split)] == [1, 2, 3, 4, 5]


def test_laney_factor_is_taken_within_each_phase():
    split = split_p_chart(MONTHS[:2], MONTHS[2:], MARCH, laney=True)
    assert split.laney
    assert split.before.sigma_z == p_chart_limits(MONTHS[:2], laney=True).sigma_z
    assert split.after.sigma_z == p_chart_limits(MONTHS[2:], laney=True).sigma_z


def test_an_empty_phase_leaves_one_centre_line():
    split = split_p_chart([], MONTHS, datetime.date(2024, 12, 1))
    assert split.before.centre is None and split.change_index == 0
    chart = p_chart(split, month_labels=MONTH_LABELS, change_label="Change", locale="en",
                    **P_TEXTS)
    centres, change = _layers(chart, "rule")
    assert centres == [{"start": 0.5, "end": 4.5, "share": pytest.approx(0.8),
                        "text": "Average 80%"}]
    assert change == [{"at": 0.5, "label": "Change"}]


def test_split_p_chart_spec_has_a_centre_per_phase_and_a_rule_at_the_change():
    split = split_p_chart(MONTHS[:2], MONTHS[2:], MARCH)
    chart = p_chart(split, month_labels=MONTH_LABELS, change_label="New routine",
                    locale="nb", **P_TEXTS)
    centres, change = _layers(chart, "rule")
    assert [(row["start"], row["end"], row["share"]) for row in centres] == [
        (0.5, 2.5, pytest.approx(0.7)), (2.5, 4.5, pytest.approx(0.864))]
    assert change == [{"at": 2.5, "label": "New routine"}]
    # Lines are not joined across the change: the points' line is drawn per phase.
    texts = set(_texts(to_svg(chart)))
    # p̄ written by the one rounding rule, in Norwegian: whole percent, a no-break space.
    assert {"Average 70\xa0%", "Average 86\xa0%", "New routine"} <= texts
    assert "Outside the limits" not in texts
