"""Run charts and p-charts of checklist compliance, drawn on the server like analytics.charts.

Why separate from analytics.charts: these charts carry the statistics of analytics.spc
(median per phase, signalling runs, control limits) and each has a data table beside it on
the page, built by the `*_rows` functions here from the same numbers as the chart, so the
table and the picture never disagree. Render with `analytics.charts.chart_response` (SVG for
the page, PNG for an A3 poster); sizes, fonts, title and number locale come from
`analytics.charts.finish`, shared with every other chart.

Accessibility: a point in a signalling run is an orange triangle, an ordinary point a blue
circle, so shape tells them apart without colour; a median or centre line of a phase that
signals is also dashed. Lines are labelled directly at their right end instead of through a
legend. All text is passed in already translated; numbers are formatted by Vega-Lite in the
chart's locale (85,5 % in Norwegian reads "85,5%": d3-format has no space before %).

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

from analytics.charts import BLUE, GREY, TEXT, finish
from analytics.p_charts import PChart, PChartSplit, p_phases
from analytics.spc import Observation, PhaseSplit, RunsAnalysis, Side

if TYPE_CHECKING:
    import altair as alt

# PuOr's dark orange: 4.9:1 against white, and told from BLUE in the common forms of colour
# blindness (blue–orange is the safe pair).
SIGNAL = "#b35806"
POINT_SHAPE = "circle"
SIGNAL_SHAPE = "triangle-up"
PERCENT = ".0%"
LABEL_PERCENT = ".1~%"


@dataclass(frozen=True)
class RunChartRow:
    """One pathway as the data table beside a run chart shows it.

    `position` is 1-based in time order (the chart's x); `phase` 0 before a change (or the
    only phase), 1 after; `median` the median of its phase; `side` None when on the median;
    `signal` True when the point is part of a run longer than the limit.
    """

    position: int
    when: datetime.date
    label: str | None
    value: float
    phase: int
    median: float | None
    side: Side | None
    signal: bool


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
    is a signal too."""
    phases = phases_of(analysis)
    if sum(phase.n for phase in phases) != len(observations):
        raise ValueError("the analysis does not belong to these observations")
    also = carried.signal_points() if carried is not None else frozenset()
    rows = []
    for number, phase in enumerate(phases):
        marked = phase.signal_points() | also
        for index in range(phase.offset, phase.offset + phase.n):
            observation = observations[index]
            rows.append(RunChartRow(
                position=index + 1, when=observation.when, label=observation.label,
                value=observation.value, phase=number, median=phase.median,
                side=phase.sides[index - phase.offset], signal=index in marked))
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
              locale: str) -> alt.LayerChart:
    """Compliance pathway by pathway on a 0–100 % axis, with the median of each phase.

    `analysis` is `spc.analyse_runs` of the values (one median) or `spc.split_at` (a median
    per phase and a dashed vertical rule between the last pathway before the change and the
    first after it, labelled `change_label`). `carried` is the phase after the change held
    against the median from before (`SeriesAnalysis.against_before`): that median is carried
    on over the later points as a thin dashed line labelled `carried_label`, and the points
    of its signalling runs are marked. The median is labelled "`median_label` 85%";
    `point_label`/`signal_label` name ordinary points and points of a signalling run in the
    legend, whose title is `legend_title`.
    """
    import altair as alt
    rows = run_chart_rows(observations, analysis, carried)
    count = len(rows)
    x_scale = alt.Scale(domain=[0.5, max(count, 1) + 0.5], nice=False, zero=False)
    x = alt.X("position:Q", title=x_title, scale=x_scale,
              axis=alt.Axis(format="d", tickMinStep=1, grid=False))
    y_scale = alt.Scale(domain=[0, 1], nice=False)
    y = alt.Y("value:Q", title=y_title, scale=y_scale, axis=alt.Axis(format=PERCENT))
    data = [{"position": row.position, "value": row.value, "phase": row.phase,
             "kind": signal_label if row.signal else point_label} for row in rows]
    kinds = [point_label] + ([signal_label] if any(row.signal for row in rows) else [])
    layers: list[alt.Chart] = [
        alt.Chart(alt.Data(values=data)).mark_line(color=GREY, strokeWidth=1.5).encode(
            x=x, y=y, detail="phase:N", order="position:Q"),
    ]
    layers += _median_layers(phases_of(analysis), x_scale, y_scale, median_label)
    if isinstance(analysis, PhaseSplit):
        layers += _change_layers(analysis.change_index + 0.5, change_label, x_scale)
    if carried is not None and carried.n:
        layers += _carried_layers(carried, carried_label, x_scale, y_scale)
    layers.append(_points(data, x, y, kinds, legend_title))
    return finish(alt.LayerChart(layer=layers), title, locale)


def _median_layers(phases: Sequence[RunsAnalysis], x_scale: alt.Scale, y_scale: alt.Scale,
                   median_label: str) -> list[alt.Chart]:
    """A median line over each phase, orange and dashed when the phase signals, labelled at
    its right end: the last phase's label to the right of the plot, where no point can hide
    it, an earlier phase's above its line."""
    import altair as alt
    segments = [{"start": phase.offset + 0.6, "end": phase.offset + phase.n + 0.4,
                 "median": phase.median, "label": median_label, "signal": phase.signal}
                for phase in phases if phase.n]
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
    label = f"datum.label + ' ' + format(datum.median, '{LABEL_PERCENT}')"
    earlier = alt.Chart(alt.Data(values=segments[:-1])).transform_calculate(
        text=label,
    ).mark_text(align="right", baseline="bottom", dy=-5, fontSize=12, color=TEXT).encode(
        x=alt.X("end:Q", scale=x_scale), y=y, text="text:N")
    last = alt.Chart(alt.Data(values=segments[-1:])).transform_calculate(
        text=label,
    ).mark_text(align="left", baseline="middle", dx=8, fontSize=12, color=TEXT).encode(
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
        layers += _p_labels(rows, centre_label, limits_label, x_scale, y_scale)
    if isinstance(chart, PChartSplit):
        layers += _change_layers(chart.change_index + 0.5, change_label, x_scale)
    points = [{"position": row.position, "share": row.share, "phase": row.phase,
               "kind": outside_label if row.outside else point_label} for row in rows]
    kinds = [point_label] + ([outside_label] if chart.signals else [])
    layers.append(alt.Chart(alt.Data(values=points)).mark_line(
        color=GREY, strokeWidth=1.5).encode(x=x, y=y, detail="phase:N", order="position:Q"))
    layers.append(_points(points, x, y, kinds, legend_title))
    return finish(alt.LayerChart(layer=layers), title, locale)


def _points(rows: list[dict[str, object]], x: alt.X, y: alt.Y, kinds: list[str],
            legend_title: str) -> alt.Chart:
    """The data points: `kinds[0]` blue circles, `kinds[1]` (if any) orange triangles, one
    legend for colour and shape together. The domain holds only the kinds drawn, so a chart
    without a signal does not explain a symbol it does not show."""
    import altair as alt
    signal = kinds[1] if len(kinds) > 1 else None
    return alt.Chart(alt.Data(values=rows)).mark_point(filled=True, opacity=1).encode(
        x=x, y=y,
        # A triangle looks smaller than a circle of the same area, and a signal should stand
        # out: 150 against 80 square pixels.
        size=alt.condition(alt.datum.kind == signal, alt.value(150), alt.value(80)),
        color=alt.Color("kind:N", title=legend_title,
                        scale=alt.Scale(domain=kinds, range=[BLUE, SIGNAL][:len(kinds)]),
                        legend=alt.Legend(orient="bottom", labelFontSize=12,
                                          titleFontSize=13, labelLimit=0)),
        shape=alt.Shape("kind:N", scale=alt.Scale(
            domain=kinds, range=[POINT_SHAPE, SIGNAL_SHAPE][:len(kinds)])),
    )


def _p_labels(rows: Sequence[PChartRow], centre_label: str, limits_label: str,
              x_scale: alt.Scale, y_scale: alt.Scale) -> list[alt.Chart]:
    """The centre line of each phase over its months, labelled with its p̄ (the last phase's
    to the right of the plot, an earlier phase's above its line, as the run chart's
    medians), and the limits' label just above the last month's upper limit, also to the
    right."""
    import altair as alt
    segments = []
    for phase in sorted({row.phase for row in rows}):
        own = [row for row in rows if row.phase == phase]
        segments.append({"start": own[0].position - 0.5, "end": own[-1].position + 0.5,
                         "share": own[0].centre, "label": centre_label})
    y = alt.Y("share:Q", scale=y_scale)
    label = f"datum.label + ' ' + format(datum.share, '{LABEL_PERCENT}')"
    line = alt.Chart(alt.Data(values=segments)).mark_rule(color=BLUE, strokeWidth=2.5).encode(
        x=alt.X("start:Q", scale=x_scale), x2="end:Q", y=y)
    last = alt.Chart(alt.Data(values=segments[-1:])).transform_calculate(text=label).mark_text(
        align="left", baseline="middle", dx=8, fontSize=12, color=TEXT).encode(
        x=alt.X("end:Q", scale=x_scale), y=y, text="text:N")
    layers = [line, last]
    if len(segments) > 1:
        layers.append(alt.Chart(alt.Data(values=segments[:-1])).transform_calculate(
            text=label).mark_text(align="right", baseline="bottom", dy=-5, fontSize=12,
                                  color=TEXT).encode(
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

