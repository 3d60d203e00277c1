"""Charts drawn on the server: Altair specs rendered to SVG (pages) and PNG (posters).

Why on the server: pages load no external scripts and must work without JavaScript, and a
unit prints its results on an A3 poster for the ward. vl-convert renders Vega-Lite in-process
with no network access, so a chart is a plain `<svg>` in the page or a PNG download.

Charts only draw what they are given: callers pass data that has already been through the
small-group rule (`PairedSummary.pairs` and `.distribution` are empty when suppressed).

Numbers follow the page's locale through the chart's own Vega-Lite `config.locale`, so
Norwegian charts read 1,5 with a decimal comma, «10 %» with a no-break space (as the pages,
from `analytics.numbers`) and negative numbers with a real minus sign. d3-format has no
Norwegian locale, hence the dictionaries below. d3-format rounds the binary value (1.075
reads 1.07), so every number a chart writes that is not a whole tick is rounded and written
in Python by `analytics.numbers`, the pages' rule, and handed to the chart as text.
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from flask import Response

from analytics import numbers
from analytics.paired import Pair
from questionnaires import schema as s

# Altair (with numpy and jsonschema) and vl-convert are imported in the functions that draw,
# not here: about 0.3 s of CPU at start-up that no respondent page needs.
if TYPE_CHECKING:
    import altair as alt

WIDTH = 600
HEIGHT = 360
FONT = "sans-serif"
# Contrast against white (WCAG 2.1 relative luminance): blue 6.6:1, grey 4.5:1, text 12.6:1,
# all above the 3:1 that graphic objects need.
BLUE = "#1e5bb0"
GREY = "#767676"
TEXT = "#333333"

SVG_KEPT = 64  # drawn charts kept per process (`_svg`): some 3 MB at 50 kB each
BAR_HEIGHT = 70
# ColorBrewer RdBu (11 classes), which stays distinguishable in the common forms of colour
# blindness: red is the worst end, blue the best. Its light middle colours have little
# contrast with white, so every segment gets an outline in the text colour (12.6:1).
RDBU = ("#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7",
        "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061")
FORMATS = {"svg": "image/svg+xml; charset=utf-8", "png": "image/png"}
# One colour per category on the trend chart: Paul Tol's and Okabe–Ito's colour-blind-safe
# sets, the dark ones only, each at least 3.6:1 against white (12.2, 5.7, 8.7, 5.3, 5.2,
# 3.9, 3.7, 21); a shape per category as well, so colour is never the only clue.
CATEGORY_COLOURS = ("#332288", "#117733", "#882255", "#AA4499", "#0072B2", "#D55E00",
                    "#CC6677", "#000000")
CATEGORY_SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down",
                   "wedge", "stroke")

_NORWEGIAN_NUMBERS = {"decimal": ",", "thousands": numbers.NO_BREAK_SPACE, "grouping": [3],
                      "currency": ["", " kr"], "percent": numbers.NO_BREAK_SPACE + "%",
                      "minus": numbers.MINUS}
NUMBER_LOCALES: dict[str, dict[str, Any]] = {
    "nb": _NORWEGIAN_NUMBERS,
    "nn": _NORWEGIAN_NUMBERS,
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["£", ""],
           "percent": "%", "minus": numbers.MINUS},
}


def spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec, not checked against Vega-Lite's JSON schema.

    Altair's check cost 5–30 ms a chart, a fifth to a third of drawing it, on every request:
    it asks whether this code builds its charts right, which does not change from one
    request to the next. tests/test_chart_drawing.py asks it once for every kind of chart
    this package draws."""
    return chart.to_dict(validate=False)


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG string; data must be inline, nothing is fetched.

    The root is one image named by the chart's description (its title), so a screen reader
    announces the title once instead of Vega's English mark descriptions; the page gives the
    numbers as text next to the chart.
    """
    drawn = spec(chart)
    label = html.escape(drawn.get("description", ""), quote=True)
    svg = _svg(json.dumps(drawn, sort_keys=True))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


@functools.lru_cache(maxsize=SVG_KEPT)
def _svg(spec_json: str) -> str:
    """vl-convert's SVG of a spec, kept for the next request that draws the very same spec:
    vl-convert takes 20–90 ms a chart, and a results page's chart is drawn again each time
    the page is shown, though it changes only when its numbers do (the spec holds every
    number, word and colour, so an equal spec is an equal picture). Per process, as a pure
    function's memo."""
    import vl_convert
    return vl_convert.vegalite_to_svg(spec_json, allowed_base_urls=[])


def to_png(chart: alt.TopLevelMixin, scale: float = 4.0) -> bytes:
    """The chart as PNG bytes; scale 4 on a 600 px chart gives 2,400 px, enough for A3."""
    import vl_convert
    return vl_convert.vegalite_to_png(spec(chart), scale=scale, allowed_base_urls=[])


def slope_chart(pairs: Sequence[Pair], *, title: str, baseline_label: str,
                follow_up_label: str, axis_title: str, locale: str) -> alt.LayerChart:
    """One thin grey line per user from baseline mean to follow-up mean, and a thick blue
    line with labelled values for the mean over all pairs, on a 0–10 axis."""
    import altair as alt
    rows = [row for index, pair in enumerate(pairs) for row in (
        {"user": index, "order": 0, "when": baseline_label, "score": pair.baseline_mean},
        {"user": index, "order": 1, "when": follow_up_label, "score": pair.follow_up_mean},
    )]
    x = alt.X("when:N", sort=[baseline_label, follow_up_label], title=None,
              scale=alt.Scale(domain=[baseline_label, follow_up_label], padding=0.6),
              axis=alt.Axis(labelAngle=0, labelFontSize=13))
    scale = alt.Scale(domain=[0, 10])
    axis = alt.Axis(values=list(range(11)), format="d")
    y = alt.Y("score:Q", title=axis_title, scale=scale, axis=axis)
    mean_y = alt.Y("mean(score):Q", title=axis_title, scale=scale, axis=axis)
    users = alt.Chart().mark_line(color=GREY, strokeWidth=1.2, aria=False).encode(
        x=x, y=y, detail="user:N", order="order:Q")
    mean = alt.Chart().mark_line(color=BLUE, strokeWidth=5, point=alt.OverlayMarkDef(
        color=BLUE, size=120, filled=True)).encode(x=x, y=mean_y)
    layers = [users, mean]
    if pairs:
        # As `analytics.paired` computes the page's means, so both round the same float.
        means = (statistics.fmean(p.baseline_mean for p in pairs),
                 statistics.fmean(p.follow_up_mean for p in pairs))
        layers += [_mean_label(x, scale, baseline_label, means[0], "right", -12, locale),
                   _mean_label(x, scale, follow_up_label, means[1], "left", 12, locale)]
    return finish(alt.LayerChart(layer=layers, data=alt.Data(values=rows)), title, locale)


def _mean_label(x: alt.X, scale: alt.Scale, when: str, mean: float,
                align: Literal["left", "right"], dx: int, locale: str) -> alt.Chart:
    """The mean at one end of the slope, one decimal rounded half up (`analytics.numbers`,
    as the page writes it), in the chart's locale."""
    import altair as alt
    data = alt.Data(values=[{"when": when, "score": mean,
                             "text": numbers.fixed(mean, 1, locale)}])
    return alt.Chart(data).mark_text(
        align=align, dx=dx, fontSize=15, fontWeight="bold", color=BLUE,
    ).encode(x=x, y=alt.Y("score:Q", scale=scale), text="text:N")


def change_histogram(distribution: Sequence[tuple[int, int]], *, title: str, x_title: str,
                     y_title: str, locale: str) -> alt.LayerChart:
    """Bars of users per whole-point change, −10 to 10 always on the axis, counts on top."""
    import altair as alt
    rows = [{"change": change, "users": users} for change, users in distribution]
    x = alt.X("change:O", title=x_title, scale=alt.Scale(domain=list(range(-10, 11))),
              axis=alt.Axis(labelAngle=0, format="d", formatType="number"))
    ticks = count_ticks(max((users for _, users in distribution), default=0))
    y = alt.Y("users:Q", title=y_title, scale=alt.Scale(domain=[0, ticks[-1]], nice=False),
              axis=alt.Axis(values=ticks, format="d"))
    bars = alt.Chart().mark_bar(color=BLUE).encode(x=x, y=y)
    counts = alt.Chart().mark_text(dy=-6, baseline="bottom", color=TEXT, fontSize=12).encode(
        x=x, y=y, text=alt.Text("users:Q", format="d"))
    return finish(alt.LayerChart(layer=[bars, counts], data=alt.Data(values=rows)), title, locale)


def count_ticks(top: int, most: int = 8) -> list[int]:
    """Whole-number ticks from 0 to just past `top` (room for the tallest bar's label), at a
    step of 1, 2 or 5 times a power of ten, with at most `most` steps.

    Vega's own tickMinStep still gives 0.5 steps for small counts, labelled "0 1 1 2 2".
    """
    for power in itertools.count():
        for factor in (1, 2, 5):
            step = factor * 10**power
            steps = top // step + 1
            if steps <= most:
                return list(range(0, steps * step + 1, step))
    raise AssertionError("unreachable")


def finish(chart: alt.LayerChart, title: str, locale: str) -> alt.LayerChart:
    """Size, title, font, colours and number locale shared by every chart."""
    import altair as alt
    if locale not in NUMBER_LOCALES:
        raise ValueError(f"unknown chart locale {locale!r}")
    return chart.properties(
        width=WIDTH, height=HEIGHT, description=title,
        title=alt.TitleParams(title, anchor="start", fontSize=16, color=TEXT),
    ).configure(
        font=FONT, locale=alt.Locale(number=NUMBER_LOCALES[locale]), background="white",
        aria=False,
    ).configure_axis(
        labelColor=TEXT, titleColor=TEXT, labelFontSize=12, titleFontSize=13,
        domainColor=GREY, tickColor=GREY,
    ).configure_view(stroke=None)


def step_label(scale: s.Scale, step: int, lang: str) -> str:
    """«1 = Very good» for a labelled step, «2» for one without a label."""
    label = scale.labels.get(step)
    return f"{step} = {label.get(lang)}" if label is not None else str(step)


def stacked_bar(steps: Sequence[tuple[int, int]], scale: s.Scale, *, title: str,
                x_title: str, legend_title: str, lang: str) -> Any:
    """One horizontal bar of answers per step, worst step on the left, best on the right."""
    import altair as alt
    order = sorted(scale.steps, key=lambda step: abs(step - scale.worst))
    labels = [step_label(scale, step, lang) for step in order]
    rows = [{"label": step_label(scale, step, lang), "rank": order.index(step),
             "answers": count} for step, count in steps if count]
    colour = alt.Color("label:N", title=legend_title,
                       scale=alt.Scale(domain=labels, range=_palette(len(order))),
                       legend=alt.Legend(orient="bottom", direction="horizontal",
                                         columns=min(len(order), 4), symbolStrokeColor=TEXT,
                                         labelFontSize=12, titleFontSize=13, labelLimit=0))
    bar = alt.Chart().mark_bar(stroke=TEXT, strokeWidth=1).encode(
        x=alt.X("sum(answers):Q", title=x_title, axis=alt.Axis(format="d", tickMinStep=1)),
        color=colour, order=alt.Order("rank:Q"))
    chart = finish(alt.LayerChart(layer=[bar], data=alt.Data(values=rows)), title, lang)
    return chart.properties(height=BAR_HEIGHT)


def _palette(count: int) -> list[str]:
    """`count` colours spread evenly over RdBu, from the red (worst) to the blue (best) end."""
    if count == 1:
        return [RDBU[-2]]
    return [RDBU[round(index * (len(RDBU) - 1) / (count - 1))] for index in range(count)]


def chart_response(chart: alt.TopLevelMixin, fmt: str, name: str, *,
                   download: bool = False) -> Response:
    """A chart as an SVG (for a page's <img>) or a PNG (for a poster), saved as `name.fmt`
    when `download` is asked for."""
    body = to_svg(chart) if fmt == "svg" else to_png(chart)
    response = Response(body, content_type=FORMATS[fmt])
    if download:
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def difference_chart(rows: Sequence[dict[str, Any]], *, title: str, first_label: str,
                     second_label: str, axis_title: str, legend_title: str,
                     locale: str) -> alt.LayerChart:
    """Per category the two means on 0–100 as dots with their 95 % CI as bars: baseline a
    grey circle, follow-up a blue square (shape as well as colour tells them apart).

    `rows`: {"category", "group" (first_label or second_label), "mean", "low", "high"},
    already through the small-group rule (an empty list draws an empty chart).
    """
    import altair as alt
    groups = [first_label, second_label]
    y = alt.Y("category:N", title=None, sort=None,
              axis=alt.Axis(labelLimit=220, labelFontSize=12))
    y_offset = alt.YOffset("group:N", sort=groups, scale=alt.Scale(domain=groups))
    x_scale = alt.Scale(domain=[0, 100])
    colour = alt.Color("group:N", title=legend_title,
                       scale=alt.Scale(domain=groups, range=[GREY, BLUE]),
                       legend=alt.Legend(orient="bottom", labelFontSize=12, titleFontSize=13))
    shape = alt.Shape("group:N", scale=alt.Scale(domain=groups, range=["circle", "square"]),
                      legend=None)
    bars = alt.Chart().mark_rule(strokeWidth=2).encode(
        x=alt.X("low:Q", title=axis_title, scale=x_scale,
                axis=alt.Axis(values=list(range(0, 101, 10)), format="d")),
        x2="high:Q", y=y, yOffset=y_offset, color=colour)
    dots = alt.Chart().mark_point(size=110, filled=True, opacity=1).encode(
        x=alt.X("mean:Q", scale=x_scale), y=y, yOffset=y_offset, color=colour, shape=shape)
    return finish(alt.LayerChart(layer=[bars, dots], data=alt.Data(values=list(rows))), title,
                  locale)


def means_chart(rows: Sequence[dict[str, Any]], *, title: str, axis_title: str,
                locale: str) -> alt.LayerChart:
    """Per category (or question) its mean on 0–100 as a dot, its 95 % CI as a bar: the
    one-page report's chart, beside the table of the same means.

    `rows`: {"label", "mean", "low", "high"}, already through the small-group rule; the
    chart's height follows the number of rows, so a short list prints small.
    """
    import altair as alt
    y = alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=300, labelFontSize=12))
    x_scale = alt.Scale(domain=[0, 100])
    bars = alt.Chart().mark_rule(strokeWidth=2, color=BLUE).encode(
        x=alt.X("low:Q", title=axis_title, scale=x_scale,
                axis=alt.Axis(values=list(range(0, 101, 10)), format="d")),
        x2="high:Q", y=y)
    dots = alt.Chart().mark_point(size=110, filled=True, opacity=1, color=BLUE).encode(
        x=alt.X("mean:Q", scale=x_scale), y=y)
    chart = finish(alt.LayerChart(layer=[bars, dots], data=alt.Data(values=list(rows))), title,
                   locale)
    return chart.properties(height=max(BAR_HEIGHT, 36 * len(rows)))


def trend_chart(rows: Sequence[dict[str, Any]], *, periods: Sequence[str], title: str,
                axis_title: str, legend_title: str, locale: str) -> alt.LayerChart:
    """A unit's category scores period by period on 0–100: a line and a point per category
    (colour and shape both tell them apart), the 95 % CI as a bar at each point.

    `rows`: {"period", "category", "mean", "low", "high"}, already through the small-group
    rule; `periods` in the order of the x axis, oldest first."""
    import altair as alt
    categories = list(dict.fromkeys(str(row["category"]) for row in rows))
    colours = [CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i in range(len(categories))]
    shapes = [CATEGORY_SHAPES[i % len(CATEGORY_SHAPES)] for i in range(len(categories))]
    x = alt.X("period:N", title=None, sort=list(periods), scale=alt.Scale(domain=list(periods)),
              axis=alt.Axis(labelAngle=0, labelLimit=160, labelFontSize=12))
    y_scale = alt.Scale(domain=[0, 100])
    colour = alt.Color("category:N", title=legend_title, sort=categories,
                       scale=alt.Scale(domain=categories, range=colours),
                       legend=alt.Legend(orient="bottom", columns=2, labelLimit=260,
                                         labelFontSize=12, titleFontSize=13))
    shape = alt.Shape("category:N", sort=categories, legend=None,
                      scale=alt.Scale(domain=categories, range=shapes))
    lines = alt.Chart().mark_line(strokeWidth=2).encode(
        x=x, y=alt.Y("mean:Q", title=axis_title, scale=y_scale,
                     axis=alt.Axis(values=list(range(0, 101, 20)), format="d")),
        color=colour)
    bars = alt.Chart().mark_rule(strokeWidth=1.5).encode(x=x, y="low:Q", y2="high:Q",
                                                           color=colour)
    points = alt.Chart().mark_point(size=90, filled=True, opacity=1).encode(
        x=x, y=alt.Y("mean:Q", scale=y_scale), color=colour, shape=shape)
    return finish(alt.LayerChart(layer=[lines, bars, points], data=alt.Data(values=list(rows))),
                  title, locale)
