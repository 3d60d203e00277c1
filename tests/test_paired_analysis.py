"""PSFS paired analysis, the shared statistics and the server-side charts, checked against
numbers worked out by hand (the arithmetic is in the comments). Pure functions, no Flask."""

from __future__ import annotations

import datetime
import re
import struct
from fractions import Fraction

import altair as alt
import pytest

from analytics.charts import change_histogram, count_ticks, slope_chart, to_png, to_svg
from analytics.paired import (
    IMPROVEMENT_SOURCE,
    IMPROVEMENT_THRESHOLD,
    ActivityCounts,
    Pair,
    activity_counts,
    normalise_activity,
    paired_summary,
    round_half_away,
)
from analytics.small_groups import SmallGroups
from analytics.stats import MeanCI, mean_ci, share

DAY = datetime.date(2025, 3, 3)
LATER = datetime.date(2025, 3, 31)


def pair(pair_id: str, baseline: list[float], follow_up: list[float]) -> Pair:
    """A pair whose activities sit at positions 1, 2, …"""
    return Pair(pair_id, DAY, LATER, dict(enumerate(baseline, 1)), dict(enumerate(follow_up, 1)))


# Five users. Per user: baseline mean → follow-up mean, change, change rounded half away from 0
#   a: (2+4)/2 = 3    → (5+5)/2 = 5      +2    → 2   (exactly the threshold: improved)
#   b: 5              → 6                +1    → 1
#   c: (1+2)/2 = 1.5  → (4+4)/2 = 4      +2.5  → 3   (Python's round(2.5) would give 2)
#   d: (6+6)/2 = 6    → (5+6)/2 = 5.5    −0.5  → −1  (Python's round(−0.5) would give 0)
#   e: (3+4+5)/3 = 4  → (8+8+8)/3 = 8    +4    → 4
FIVE = [
    pair("a", [2, 4], [5, 5]),
    pair("b", [5], [6]),
    pair("c", [1, 2], [4, 4]),
    pair("d", [6, 6], [5, 6]),
    pair("e", [3, 4, 5], [8, 8, 8]),
]


# --- analytics.stats ---------------------------------------------------------------------


def test_mean_ci_uses_t_with_n_minus_1_degrees_of_freedom():
    # 1..5: mean 3; squared deviations 4+1+0+1+4 = 10; variance 10/4 = 2.5; sd = 1.58114;
    # se = 1.58114/√5 = 0.70711; t(0.975, df 4) = 2.776; half width = 2.776 × 0.70711 = 1.9632
    result = mean_ci([1, 2, 3, 4, 5])
    assert result is not None
    assert (result.n, result.mean) == (5, 3.0)
    assert result.low == pytest.approx(3 - 1.9632, abs=1e-3)
    assert result.high == pytest.approx(3 + 1.9632, abs=1e-3)


def test_mean_ci_edge_cases():
    assert mean_ci([]) is None
    assert mean_ci([7]) == MeanCI(n=1, mean=7.0, low=None, high=None)
    assert mean_ci([4, 4, 4]) == MeanCI(n=3, mean=4.0, low=4.0, high=4.0)  # sd 0


def test_mean_ci_other_level():
    # 90 %: t(0.95, df 4) = 2.132; half width = 2.132 × 0.70711 = 1.5075
    result = mean_ci([1, 2, 3, 4, 5], level=0.90)
    assert result is not None
    assert result.high == pytest.approx(3 + 1.5075, abs=1e-3)


def test_small_group_counts_and_share():
    rule = SmallGroups(5)
    assert rule.count(4) is None
    assert rule.count(5) == 5
    assert (rule.too_few(0), rule.too_few(4), rule.too_few(5)) == (False, True, False)
    assert share(3, 4) == 0.75
    assert share(1, 0) is None


# --- analytics.paired: one pair ----------------------------------------------------------


def test_pair_uses_only_activities_scored_both_times():
    # Position 3 was not scored at follow-up, so it is left out of both means:
    # baseline (3+5)/2 = 4, follow-up (6+8)/2 = 7, change 3 (not (3+5+4)/3 = 4 → 7).
    p = Pair("x", DAY, LATER, {1: 3, 2: 5, 3: 4}, {1: 6, 2: 8})
    assert p.positions == [1, 2]
    assert (p.baseline_mean, p.follow_up_mean, p.change) == (4.0, 7.0, 3.0)


def test_pair_rejects_no_common_activity_and_scores_outside_0_to_10():
    with pytest.raises(ValueError):
        Pair("x", DAY, LATER, {1: 3}, {2: 5})
    with pytest.raises(ValueError):
        pair("x", [3], [11])


def test_a_rise_of_exactly_two_counts_as_improved_despite_floating_point():
    # Baseline (0+1+4)/3 = 5/3, follow-up (2+3+6)/3 = 11/3, change exactly 6/3 = 2. In floats,
    # 11/3 − 5/3 = 1.9999999999999998, which a plain float comparison would call "not improved".
    trap = pair("t", [0, 1, 4], [2, 3, 6])
    assert trap.change == 2.0
    others = [pair(str(i), [5], [5]) for i in range(4)]  # change 0
    summary = paired_summary(5, [trap, *others], rule=SmallGroups(5))
    assert summary.improved == 1
    assert summary.distribution == [(0, 4), (2, 1)]


def test_round_half_away_from_zero():
    assert [round_half_away(x) for x in (0.5, -0.5, 1.5, 2.5, -2.5, 0.49, -0.51)] == [
        1, -1, 2, 3, -3, 0, -1]
    assert round_half_away(Fraction(7, 3)) == 2  # 2.33


def test_threshold_and_source_are_named():
    assert IMPROVEMENT_THRESHOLD == 2.0
    assert "Stratford" in IMPROVEMENT_SOURCE and "Abbott" in IMPROVEMENT_SOURCE


# --- analytics.paired: the summary -------------------------------------------------------


def test_paired_summary_over_five_pairs():
    summary = paired_summary(8, FIVE, rule=SmallGroups(5))
    assert (summary.baselines, summary.follow_ups) == (8, 5)
    assert summary.share_paired == 5 / 8  # 0.625
    assert not summary.suppressed
    # Baseline means 3, 5, 1.5, 6, 4: sum 19.5 / 5 = 3.9
    # Follow-up means 5, 6, 4, 5.5, 8: sum 28.5 / 5 = 5.7
    assert summary.baseline_mean is not None and summary.follow_up_mean is not None
    assert summary.baseline_mean.mean == pytest.approx(3.9)
    assert summary.follow_up_mean.mean == pytest.approx(5.7)
    assert summary.baseline_mean.n == summary.follow_up_mean.n == 5
    # Changes 2, 1, 2.5, −0.5, 4: mean 9/5 = 1.8 (= 5.7 − 3.9)
    # Deviations 0.2, −0.8, 0.7, −2.3, 2.2; squares 0.04+0.64+0.49+5.29+4.84 = 11.3
    # Variance 11.3/4 = 2.825; sd 1.68077; se 1.68077/√5 = 0.75166
    # Half width 2.776 × 0.75166 = 2.0869 → CI −0.2869 … 3.8869
    change = summary.change
    assert change is not None
    assert change.n == 5
    assert change.mean == pytest.approx(1.8)
    assert change.low == pytest.approx(-0.2869, abs=1e-3)
    assert change.high == pytest.approx(3.8869, abs=1e-3)
    # Rose by ≥ 2: a (+2), c (+2.5), e (+4) → 3 of 5 = 0.6
    assert (summary.improved, summary.improved_share) == (3, 0.6)
    # Rounded changes 2, 1, 3, −1, 4, one user each, in order
    assert summary.distribution == [(-1, 1), (1, 1), (2, 1), (3, 1), (4, 1)]
    assert summary.pairs == FIVE


def test_fewer_pairs_than_minimum_suppresses_every_paired_figure():
    summary = paired_summary(10, FIVE[:4], rule=SmallGroups(5))
    assert summary.baselines == 10
    assert summary.follow_ups is None
    assert summary.share_paired is None
    assert summary.suppressed
    assert (summary.baseline_mean, summary.follow_up_mean, summary.change) == (None,) * 3
    assert (summary.improved, summary.improved_share) == (None, None)
    assert (summary.distribution, summary.pairs) == ([], [])


def test_minimum_is_a_parameter_and_inclusive():
    assert not paired_summary(5, FIVE, rule=SmallGroups(5)).suppressed
    assert paired_summary(5, FIVE, rule=SmallGroups(5)).share_paired == 1.0
    assert paired_summary(5, FIVE, rule=SmallGroups(6)).suppressed
    assert paired_summary(3, [], rule=SmallGroups(5)).baselines is None  # "fewer than 5"


def test_share_paired_needs_enough_baselines_too():
    # 5 pairs are enough for the paired figures, but 4 baselines are not (odd data, but the
    # rule must hold for each count on its own).
    summary = paired_summary(4, FIVE, rule=SmallGroups(5))
    assert summary.baselines is None
    assert summary.share_paired is None
    assert summary.follow_ups == 5


def test_no_pairs_shows_the_baselines_only():
    summary = paired_summary(5, [], rule=SmallGroups(1))
    assert (summary.baselines, summary.follow_ups, summary.share_paired) == (5, None, None)
    assert summary.suppressed


def early(pair: Pair) -> Pair:
    """The same pair, its follow-up typed in from paper before the earliest day."""
    return Pair(f"{pair.pair_id}-early", pair.baseline_on, pair.baseline_on, pair.baseline,
                pair.follow_up, early=True)


def test_early_follow_ups_are_left_out_of_the_change_by_default():
    # FIVE on time, and five early pairs that fell by 5 points each: left out, the figures
    # are FIVE's alone (change 1.8), and the early ones are counted apart.
    fell = [early(pair(f"x{k}", [8], [3])) for k in range(5)]
    summary = paired_summary(10, FIVE + fell, rule=SmallGroups(5))
    assert summary.change is not None and summary.change.mean == pytest.approx(1.8)
    assert summary.follow_ups == 5 and summary.share_paired == 0.5
    assert summary.pairs == FIVE
    assert (summary.early.count, summary.early.included, summary.early.too_few) == (
        5, False, False)


def test_early_follow_ups_are_in_the_change_when_included():
    # Changes 2, 1, 2.5, −0.5, 4 and five −5: mean (9 − 25)/10 = −1.6
    fell = [early(pair(f"x{k}", [8], [3])) for k in range(5)]
    summary = paired_summary(10, FIVE + fell, rule=SmallGroups(5), include_early=True)
    assert summary.change is not None and summary.change.mean == pytest.approx(-1.6)
    assert summary.change.n == summary.follow_ups == 10 and summary.early.included


def test_fewer_early_follow_ups_than_the_minimum_stay_out_even_when_included():
    """Taking 1–4 early pairs in or out would give two sets of figures whose difference
    rests on those few: they stay out, and their count is «fewer than 5»."""
    fell = [early(pair(f"x{k}", [8], [3])) for k in range(3)]
    summary = paired_summary(8, FIVE + fell, rule=SmallGroups(5), include_early=True)
    assert summary.change is not None and summary.change.mean == pytest.approx(1.8)
    assert summary.early.count is None and summary.early.any and summary.early.too_few
    assert not summary.early.included


def test_without_early_follow_ups_there_is_nothing_to_include():
    summary = paired_summary(8, FIVE, rule=SmallGroups(5), include_early=True)
    assert not summary.early.any and not summary.early.too_few
    assert summary.pairs == FIVE


def test_a_minimum_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        SmallGroups(0)


# --- analytics.paired: activities ---------------------------------------------------------

NAMED = [
    ["Gå tur", " gå   tur", "Handle"],  # the same activity twice: counts once for this user
    ["gå tur", "Lage mat", "handle"],
    ["gå  tur", "lage mat", "Åpne døra"],
    ["GÅ TUR", "Lage mat", "Øve på trapper", "  "],  # a blank row is not an activity
    ["Handle", "Arbeide", "Lage Mat"],
]


def test_normalise_activity():
    assert normalise_activity("  Gå\t  TUR\n") == "gå tur"


def test_activity_counts_distinct_users_and_most_common_spelling():
    # gå tur: users 1–4 = 4; spellings per user "Gå tur"+"gå tur", "gå tur", "gå tur", "GÅ TUR"
    #   → "gå tur" 3 beats "Gå tur" 1, though "Gå tur" was seen first.
    # lage mat: users 2–5 = 4; "Lage mat" 2, "lage mat" 1, "Lage Mat" 1 → "Lage mat".
    # handle: users 1, 2, 5 = 3; "Handle" 2 → "Handle".
    # Equal counts sort by text ignoring case: "gå tur" before "Lage mat" (g < l), which a
    # case-sensitive sort would reverse ("L" < "g").
    # Named once: Arbeide, Øve på trapper, Åpne døra: counted (3), never quoted.
    result = activity_counts(NAMED, baseline_count=5, rule=SmallGroups(3))
    assert (result.common, result.other) == ([("gå tur", 4), ("Lage mat", 4), ("Handle", 3)], 3)
    assert result.is_common("GÅ  tur") and not result.is_common("Arbeide")


def test_activity_counts_equal_spellings_go_to_the_first_seen():
    assert activity_counts([["Sykle"], ["sykle"]], 2, rule=SmallGroups(2)).common == [("Sykle", 2)]
    assert activity_counts([["sykle"], ["Sykle"]], 2, rule=SmallGroups(2)).common == [("sykle", 2)]


def test_activity_counts_hidden_below_minimum_baselines():
    assert activity_counts(NAMED, baseline_count=4, rule=SmallGroups(5)) == ActivityCounts([], 0)


def test_activity_counts_with_the_usual_minimum_of_five():
    # Only "gå tur" (4 users) and "lage mat" (4) come close; neither reaches 5.
    result = activity_counts(NAMED, baseline_count=5, rule=SmallGroups(5))
    assert result.common == []
    assert result.other == 6  # counted, never quoted: one user's words can name them
    assert not result.keys


# --- analytics.charts ----------------------------------------------------------------------


def _slope(locale: str) -> alt.LayerChart:
    return slope_chart(FIVE, title="«Hva er viktig for deg?» før og etter",
                       baseline_label="Første måling", follow_up_label="Oppfølging",
                       axis_title="Poeng (0–10)", locale=locale)


def _texts(svg: str) -> list[str]:
    return re.findall(r">([^<]*)</text>", svg)


def test_slope_chart_svg_has_title_and_norwegian_decimal_comma():
    svg = to_svg(_slope("nb"))
    assert svg.startswith("<svg")
    assert "«Hva er viktig for deg?» før og etter" in svg
    # The labelled means over pairs: 3.9 and 5.7 (see test_paired_summary_over_five_pairs)
    assert {"3,9", "5,7"} <= set(_texts(svg))
    assert "3,9" in _texts(to_svg(_slope("nn")))


def test_slope_chart_english_uses_decimal_point():
    assert {"3.9", "5.7"} <= set(_texts(to_svg(_slope("en"))))


def test_unknown_locale_is_refused():
    with pytest.raises(ValueError):
        _slope("de")


def test_change_histogram_svg_has_whole_point_axis_from_minus_10_to_10():
    chart = change_histogram([(-1, 1), (1, 1), (2, 1), (3, 2)], title="Endring per bruker",
                             x_title="Endring i poeng", y_title="Brukere", locale="nb")
    texts = _texts(to_svg(chart))
    assert "Endring per bruker" in texts
    assert "−10" in texts and "10" in texts  # typographic minus from d3-format
    assert "−0,5" not in texts and "0,5" not in texts  # whole points only


def test_count_ticks_are_whole_and_leave_room_above_the_tallest_bar():
    assert count_ticks(0) == [0, 1]
    assert count_ticks(2) == [0, 1, 2, 3]
    assert count_ticks(8) == [0, 2, 4, 6, 8, 10]  # 9 steps of 1 would be too many
    assert count_ticks(40) == [0, 10, 20, 30, 40, 50]


def test_suppressed_data_still_draws_an_empty_chart():
    svg = to_svg(slope_chart([], title="Tom", baseline_label="Før", follow_up_label="Etter",
                             axis_title="Poeng", locale="nb"))
    assert "Tom" in svg


def test_png_is_big_enough_for_a3():
    png = to_png(_slope("nb"))
    assert png.startswith(b"\x89PNG")
    width, _height = struct.unpack(">II", png[16:24])  # IHDR
    assert width >= 2400  # 600 px plot at scale 4


def test_charts_never_fetch_data():
    chart = alt.Chart(alt.UrlData("https://example.com/data.csv")).mark_point().encode(x="a:Q")
    with pytest.raises(ValueError, match="not allowed"):
        to_svg(chart)
