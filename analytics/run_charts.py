"""Run charts and p-charts of checklist compliance, drawn on the server like analytics.charts.

Why separate from analytics.charts: these charts carry the statistics of analytics.spc
(median per phase, signalling runs, control limits) and each has a data table beside it on
the page, built by the `*_rows` functions here from the same numbers as the chart, so the
table and the picture never disagree. Render with `analytics.charts.chart_response` (SVG for
the page, PNG for an A3 poster); sizes, fonts, title and number locale come from
`analytics.charts.finish`, shared with every other chart.

Accessibility: a point in a signalling run around its own phase's median is an orange
triangle, a point after a change in a run against the median from before it (the rule behind
«an improvement») a purple diamond, an ordinary point a blue circle, so shape tells them apart
without colour; a median or centre line of a phase that signals is also dashed. The legend
names the rule of each kind of point, so a phase that the page calls «no signal» around its
own median never shows an unexplained coloured point. Lines are labelled directly at their
right end instead of through a legend. All text is passed in already translated; the axes'
whole percentages are written by Vega-Lite in the chart's locale («80 %» in Norwegian), and
the labelled median and centre line are rounded and written by `analytics.numbers`, as the
page writes them.

Observations are plotted by their position in time order (1, 2, …), not by date: several
pathways often start on the same day, and a run chart is about order. The data table gives
the dates.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analytics import numbers
from analytics.charts import BLUE, GREY, TEXT, finish
from analytics.p_charts import PChart, PChartSplit, p_phases
from analytics.spc import Observation, PhaseSplit, RunsAnalysis, Side

if TYPE_CHECKING:
    import altair as alt

Kind = tuple[str, str, str]  # a kind of point in a legend: label, colour, shape

# PuOr's dark orange: 4.9:1 against white, and told from BLUE in the common forms of colour
# blindness (blue–orange is the safe pair).
SIGNAL = "#b35806"
# PuOr's dark purple, 10:1 against white, for points in a run against the median carried on
# from before a change; its diamond shape tells it from BLUE's circles.
CARRIED = "#542788"
CARRIED_SHAPE = "diamond"
POINT_SHAPE = "circle"
SIGNAL_SHAPE = "triangle-up"
PERCENT = ".0%"


@dataclass(frozen=True)
class RunChartRow:
    """One pathway as the data table beside a run chart shows it.

    `position` is 1-based in time order (the chart's x); `phase` 0 before a change (or the
    only phase), 1 after; `median` the median of its phase; `side` None when on the median;
    `signal` True when the point is part of a run longer than the limit around its phase's
    own median; `carried` True when, after a change, it is part of such a run against the
    median from before the change.
    """

    position: int
    when: datetime.date
    label: str | None
    value: float
    phase: int
    median: float | None
    side: Side | None
    signal: bool
    carried: bool = False


@dataclass(frozen=True)
class PChartRow:
    """One month as the data table beside a p-chart shows it (`position` is 1-based).

    `phase` is 0 before a marked change (or the only phase), 1 after it, and `centre` the
    p̄ of that phase; the month of the change is a row in each phase.
    """

    position: int
    month: datetime.date
    done: int
    total: int
    share: float
    lower: float
    upper: float
    outside: Side | None
    phase: int = 0
    centre: float | None = None


def phases_of(analysis: RunsAnalysis | PhaseSplit) -> tuple[RunsAnalysis, ...]:
    """The phases of an analysis: one for a whole series, before and after for a split."""
    return analysis.phases if isinstance(analysis, PhaseSplit) else (analysis,)


def run_chart_rows(observations: Sequence[Observation],
                   analysis: RunsAnalysis | PhaseSplit,
                   carried: RunsAnalysis | None = None) -> list[RunChartRow]:
    """The chart's points as table rows, in time order. With `carried` (the points after a
    change held against the median from before it), a point in one of its signalling runs
    is marked `carried`, apart from the signals of its own phase."""
    phases = phases_of(analysis)
    if sum(phase.n for phase in phases) != len(observations):
        raise ValueError("the analysis does not belong to these observations")
    also = carried.signal_points() if carried is not None else frozenset()
    rows = []
    for number, phase in enumerate(phases):
        marked = phase.signal_points()
        for index in range(phase.offset, phase.offset + phase.n):
            observation = observations[index]
            rows.append(RunChartRow(
                position=index + 1, when=observation.when, label=observation.label,
                value=observation.value, phase=number, median=phase.median,
                side=phase.sides[index - phase.offset], signal=index in marked,
                carried=index in also))
    return rows


def p_chart_rows(chart: PChart | PChartSplit) -> list[PChartRow]:
    """The p-chart's months as table rows, in time order, phase after phase."""
    rows: list[PChartRow] = []
    for number, phase in enumerate(p_phases(chart)):
        before = len(rows)
        rows += [PChartRow(position=before + index, month=point.month, done=point.done,
                           total=point.total, share=point.share, lower=point.lower,
                           upper=point.upper, outside=point.outside, phase=number,
                           centre=phase.centre)
                 for index, point in enumerate(phase.points, start=1)]
    return rows


def run_chart(observations: Sequence[Observation], analysis: RunsAnalysis | PhaseSplit, *,
              title: str, x_title: str, y_title: str, median_label: str, point_label: str,
              signal_label: str, legend_title: str, change_label: str | None = None,
              carried: RunsAnalysis | None = None, carried_label: str = "",
              carried_point_label: str = "", locale: str) -> alt.LayerChart:
    """Compliance pathway by pathway on a 0–100 % axis, with the median of each phase.

    `analysis` is `spc.analyse_runs` of the values (one median) or `spc.split_at` (a median
    per phase and a dashed vertical rule between the last pathway before the change and the
    first after it, labelled `change_label`). `carried` is the phase after the change held
    against the median from before (`SeriesAnalysis.against_before`): that median is carried
    on over the later points as a thin dashed line labelled `carried_label`, and the points
    of its signalling runs are marked apart, named `carried_point_label`. The median is
    labelled "`median_label` 85 %"; `point_label`/`signal_label` name ordinary points and
    points of a signalling run around their own phase's median in the legend, whose title is
    `legend_title`.
    """
    import altair as alt
    rows = run_chart_rows(observations, analysis, carried)
    count = len(rows)
    x_scale = alt.Scale(domain=[0.5, max(count, 1) + 0.5], nice=False, zero=False)
    x = alt.X("position:Q", title=x_title, scale=x_scale,
              axis=alt.Axis(format="d", tickMinStep=1, grid=False))
    y_scale = alt.Scale(domain=[0, 1], nice=False)
    y = alt.Y("value:Q", title=y_title, scale=y_scale, axis=alt.Axis(format=PERCENT))
    labels = (point_label, signal_label, carried_point_label)
    data = [{"position": row.position, "value": row.value, "phase": row.phase,
             "kind": labels[_kind(row)]} for row in rows]
    drawn = {_kind(row) for row in rows} | {0}
    kinds = [kind for index, kind in enumerate(_run_kinds(labels)) if index in drawn]
    layers: list[alt.Chart] = [
        alt.Chart(alt.Data(values=data)).mark_line(color=GREY, strokeWidth=1.5).encode(
            x=x, y=y, detail="phase:N", order="position:Q"),
    ]
    layers += _median_layers(phases_of(analysis), x_scale, y_scale, median_label, locale)
    if isinstance(analysis, PhaseSplit):
        layers += _change_layers(analysis.change_index + 0.5, change_label, x_scale)
    if carried is not None and carried.n:
        layers += _carried_layers(carried, carried_label, x_scale, y_scale)
    layers.append(_points(data, x, y, kinds, legend_title))
    return finish(alt.LayerChart(layer=layers), title, locale)


def _kind(row: RunChartRow) -> int:
    """0 an ordinary point, 1 a signal around its own phase's median, 2 (after a change) a
    run against the median from before; a point that is both is a signal of its phase."""
    return 1 if row.signal else 2 if row.carried else 0


def _run_kinds(labels: tuple[str, str, str]) -> list[Kind]:
    """The run chart's kinds of point, in `_kind`'s order: label, colour and shape."""
    return [(labels[0], BLUE, POINT_SHAPE), (labels[1], SIGNAL, SIGNAL_SHAPE),
            (labels[2], CARRIED, CARRIED_SHAPE)]


def _median_layers(phases: Sequence[RunsAnalysis], x_scale: alt.Scale, y_scale: alt.Scale,
                   median_label: str, locale: str) -> list[alt.Chart]:
    """A median line over each phase, orange and dashed when the phase signals, labelled at
    its right end: the last phase's label to the right of the plot, where no point can hide
    it, an earlier phase's above its line."""
    import altair as alt
    segments = [{"start": phase.offset + 0.6, "end": phase.offset + phase.n + 0.4,
                 "median": phase.median, "signal": phase.signal,
                 "text": f"{median_label} {numbers.percent_text(phase.median, locale)}"}
                for phase in phases if phase.n and phase.median is not None]
    if not segments:
        return []
    data = alt.Data(values=segments)
    x = alt.X("start:Q", scale=x_scale)
    y = alt.Y("median:Q", scale=y_scale)
    line = alt.Chart(data).mark_rule(strokeWidth=2.5).encode(
        x=x, x2="end:Q", y=y,
        color=alt.condition("datum.signal", alt.value(SIGNAL), alt.value(BLUE)),
        strokeDash=alt.condition("datum.signal", alt.value([8, 5]), alt.value([1, 0])),
    )
    earlier = alt.Chart(alt.Data(values=segments[:-1])).mark_text(
        align="right", baseline="bottom", dy=-5, fontSize=12, color=TEXT).encode(
        x=alt.X("end:Q", scale=x_scale), y=y, text="text:N")
    last = alt.Chart(alt.Data(values=segments[-1:])).mark_text(
        align="left", baseline="middle", dx=8, fontSize=12, color=TEXT).encode(
        x=alt.X("end:Q", scale=x_scale), y=y, text="text:N")
    return [line, last, earlier] if len(segments) > 1 else [line, last]


def _carried_layers(carried: RunsAnalysis, label: str, x_scale: alt.Scale,
                    y_scale: alt.Scale) -> list[alt.Chart]:
    """The median from before a change, carried on over the points after it: thin, grey
    and dashed, so it reads as a reference rather than as the phase's own median."""
    import altair as alt
    data = alt.Data(values=[{"start": carried.offset + 0.6,
                             "end": carried.offset + carried.n + 0.4,
                             "median": carried.centre, "label": label}])
    x, y = alt.X("start:Q", scale=x_scale), alt.Y("median:Q", scale=y_scale)
    line = alt.Chart(data).mark_rule(color=TEXT, strokeDash=[3, 3], strokeWidth=1.5).encode(
        x=x, x2="end:Q", y=y)
    text = alt.Chart(data).mark_text(align="right", baseline="top", dy=5, fontSize=12,
                                     color=TEXT).encode(
        x=alt.X("end:Q", scale=x_scale), y=y, text="label:N")
    return [line, text]


def _change_layers(at: float, label: str | None, x_scale: alt.Scale) -> list[alt.Chart]:
    """A dashed vertical rule where the change was introduced, labelled at the top."""
    import altair as alt
    data = alt.Data(values=[{"at": at, "label": label or ""}])
    x = alt.X("at:Q", scale=x_scale)
    rule = alt.Chart(data).mark_rule(color=TEXT, strokeDash=[4, 4], strokeWidth=1.5).encode(
        x=x)
    text = alt.Chart(data).mark_text(align="left", baseline="top", dx=4, y=2, fontSize=12,
                                     color=TEXT).encode(x=x, text="label:N")
    return [rule, text] if label else [rule]


def p_chart(chart: PChart | PChartSplit, *, month_labels: Sequence[str], title: str,
            x_title: str, y_title: str, centre_label: str, limits_label: str,
            point_label: str, outside_label: str, legend_title: str,
            change_label: str | None = None, locale: str) -> alt.LayerChart:
    """Monthly share of steps done, with the centre line p̄ and the 3-sigma limits as step
    lines (each month's limits span its whole slot, since they depend on its n).

    `chart` is `p_charts.p_chart_limits` (one p̄) or `p_charts.split_p_chart` (a p̄ and
    limits per phase, and a dashed vertical rule at the change labelled `change_label`, as
    on the run chart; lines do not join across it). `month_labels` name the months on the
    axis, one per point (already formatted in the page's language, e.g. "jan. 2025"). Each
    centre line is labelled "`centre_label` 80%", the upper limit `limits_label`; points
    beyond a limit are orange triangles named `outside_label` in the legend.
    """
    import altair as alt
    rows = p_chart_rows(chart)
    if len(month_labels) != len(rows):
        raise ValueError("need one month label per point of the p-chart")
    count = len(rows)
    x_scale = alt.Scale(domain=[0.5, max(count, 1) + 0.5], nice=False, zero=False)
    x = alt.X("position:Q", title=x_title, scale=x_scale, axis=alt.Axis(
        values=list(range(1, count + 1)), labelExpr=_label_lookup(month_labels),
        labelAngle=-45 if count > 8 else 0, grid=False))
    y_scale = alt.Scale(domain=[0, 1], nice=False)
    y = alt.Y("share:Q", title=y_title, scale=y_scale, axis=alt.Axis(format=PERCENT))
    steps = [{"position": row.position + edge, "share": limit, "line": line,
              "phase": row.phase}
             for row in rows for line, limit in (("lower", row.lower), ("upper", row.upper))
             for edge in (-0.5, 0.5)]
    layers: list[alt.Chart] = []
    if rows:
        layers.append(alt.Chart(alt.Data(values=steps)).mark_line(
            color=GREY, strokeDash=[6, 4], strokeWidth=1.5).encode(
            x=x, y=y, detail=["line:N", "phase:N"], order="position:Q"))
        layers += _p_labels(rows, (centre_label, limits_label), x_scale, y_scale, locale)
    if isinstance(chart, PChartSplit):
        layers += _change_layers(chart.change_index + 0.5, change_label, x_scale)
    points = [{"position": row.position, "share": row.share, "phase": row.phase,
               "kind": outside_label if row.outside else point_label} for row in rows]
    kinds = [(point_label, BLUE, POINT_SHAPE)] + (
        [(outside_label, SIGNAL, SIGNAL_SHAPE)] if chart.signals else [])
    layers.append(alt.Chart(alt.Data(values=points)).mark_line(
        color=GREY, strokeWidth=1.5).encode(x=x, y=y, detail="phase:N", order="position:Q"))
    layers.append(_points(points, x, y, kinds, legend_title))
    return finish(alt.LayerChart(layer=layers), title, locale)


def _points(rows: list[dict[str, object]], x: alt.X, y: alt.Y, kinds: list[Kind],
            legend_title: str) -> alt.Chart:
    """The data points, each kind (label, colour, shape) as given, one legend for colour
    and shape together. The domain holds only the kinds drawn, so a chart without a signal
    does not explain a symbol it does not show."""
    import altair as alt
    domain = [label for label, _colour, _shape in kinds]
    return alt.Chart(alt.Data(values=rows)).mark_point(filled=True, opacity=1).encode(
        x=x, y=y,
        # A triangle or diamond looks smaller than a circle of the same area, and a signal
        # should stand out: 150 against 80 square pixels.
        size=alt.condition(alt.datum.kind == domain[0], alt.value(80), alt.value(150)),
        color=alt.Color("kind:N", title=legend_title,
                        scale=alt.Scale(domain=domain, range=[c for _l, c, _s in kinds]),
                        legend=alt.Legend(orient="bottom", labelFontSize=12,
                                          titleFontSize=13, labelLimit=0)),
        shape=alt.Shape("kind:N", scale=alt.Scale(
            domain=domain, range=[shape for _l, _c, shape in kinds])),
    )


def _p_labels(rows: Sequence[PChartRow], labels: tuple[str, str], x_scale: alt.Scale,
              y_scale: alt.Scale, locale: str) -> list[alt.Chart]:
    """The centre line of each phase over its months, labelled with its p̄ (the last phase's
    to the right of the plot, an earlier phase's above its line, as the run chart's
    medians), and the limits' label just above the last month's upper limit, also to the
    right. The percentages are written here, in the page's language (`analytics.numbers`)."""
    import altair as alt
    centre_label, limits_label = labels
    segments = []
    for phase in sorted({row.phase for row in rows}):
        own = [row for row in rows if row.phase == phase]
        centre = own[0].centre
        if centre is None:  # a row of a p-chart always has its phase's p̄
            continue
        segments.append({"start": own[0].position - 0.5, "end": own[-1].position + 0.5,
                         "share": centre,
                         "text": f"{centre_label} {numbers.percent_text(centre, locale)}"})
    y = alt.Y("share:Q", scale=y_scale)
    line = alt.Chart(alt.Data(values=segments)).mark_rule(color=BLUE, strokeWidth=2.5).encode(
        x=alt.X("start:Q", scale=x_scale), x2="end:Q", y=y)
    last = alt.Chart(alt.Data(values=segments[-1:])).mark_text(
        align="left", baseline="middle", dx=8, fontSize=12, color=TEXT).encode(
        x=alt.X("end:Q", scale=x_scale), y=y, text="text:N")
    layers = [line, last]
    if len(segments) > 1:
        layers.append(alt.Chart(alt.Data(values=segments[:-1])).mark_text(
            align="right", baseline="bottom", dy=-5, fontSize=12, color=TEXT).encode(
            x=alt.X("end:Q", scale=x_scale), y=y, text="text:N"))
    limits = alt.Chart(alt.Data(values=[{"end": rows[-1].position + 0.5,
                                         "share": rows[-1].upper,
                                         "label": limits_label}])).mark_text(
        align="left", baseline="bottom", dx=8, dy=-2, fontSize=12, color=TEXT,
    ).encode(x=alt.X("end:Q", scale=x_scale), y=y, text="label:N")
    return [*layers, limits]


def _label_lookup(labels: Sequence[str]) -> str:
    """A Vega expression naming tick `datum.value` (1-based) by its label: a JSON array is
    also a valid Vega expression literal, and JSON escapes quotes in the labels."""
    return f"{json.dumps(list(labels), ensure_ascii=False)}[datum.value - 1] || ''"

