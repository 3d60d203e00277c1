"""How charts are drawn. Every kind of chart the app draws is a Vega-Lite spec that Vega-Lite's
JSON schema accepts: the app draws without asking Altair to check (`analytics.charts.spec`
says why), so this is where a chart built wrong is caught, each builder with data that gives
it all its layers (a change, a carried median, signals, labels), and each chart language.
And a spec drawn once is not drawn again, but any change to it is."""

from __future__ import annotations

import datetime

import altair as alt
import pytest
import vl_convert

from analytics import charts
from analytics.p_charts import MonthCount, p_chart_limits, split_p_chart
from analytics.paired import Pair
from analytics.run_charts import p_chart, run_chart
from analytics.spc import Observation, analyse_runs, split_at
from questionnaires import schema as s
from questionnaires.texts import Text

DAY = datetime.date(2025, 1, 6)
BEFORE = [0.5, 0.64, 0.55, 0.7, 0.45, 0.66, 0.58, 0.44, 0.69, 0.52, 0.61, 0.48]
AFTER = [0.8, 0.92, 0.85, 1.0, 0.88, 0.95, 0.83, 0.97, 0.9, 0.86, 0.93, 0.82]
OBSERVATIONS = [Observation(DAY + datetime.timedelta(weeks=index), value, label=f"P{index}")
                for index, value in enumerate(BEFORE + AFTER)]
CHANGE = DAY + datetime.timedelta(weeks=len(BEFORE))
MONTHS = [MonthCount(datetime.date(2025, month, 1), done, total)
          for month, done, total in ((1, 16, 16), (2, 40, 64), (3, 88, 100), (4, 20, 25))]
RUN = {"title": "Etterlevelse", "x_title": "Forløp", "y_title": "Andel", "median_label": "Median",
       "point_label": "Forløp", "signal_label": "Signal", "legend_title": "Punkter"}
P = {"title": "Steg gjort", "x_title": "Måned", "y_title": "Andel", "centre_label": "Snitt",
     "limits_label": "Grenser", "point_label": "Måned", "outside_label": "Utenfor",
     "legend_title": "Måneder"}
SCALE = s.Scale(min=1, max=5, good="high", labels={
    1: Text(nb="Svært dårlig", nn="Svært dårleg", en="Very poor"),
    5: Text(nb="Svært godt", nn="Svært godt", en="Very good")})
MEANS = [{"category": "Tilgjengelighet", "label": "Tilgjengelighet", "period": "2025",
          "group": "Før", "mean": 62.5, "low": 50.0, "high": 75.0},
         {"category": "Informasjon", "label": "Informasjon", "period": "2026",
          "group": "Etter", "mean": 80.0, "low": 70.5, "high": 89.5}]


def every_chart(locale: str) -> dict[str, alt.TopLevelMixin]:
    """One chart of each builder in `analytics.charts` and `analytics.run_charts`."""
    split = split_at(OBSERVATIONS, CHANGE)
    carried = analyse_runs(AFTER, centre=split.before.median)
    pairs = [Pair(f"p{number}", DAY, CHANGE, {1: 3.0, 2: 4.0}, {1: 7.0, 2: 6.5})
             for number in range(5)]
    return {
        "slope": charts.slope_chart(pairs, title="Endring", baseline_label="Før",
                                    follow_up_label="Etter", axis_title="Skår", locale=locale),
        "histogram": charts.change_histogram([(-1, 2), (3, 5)], title="Endring",
                                             x_title="Poeng", y_title="Brukere", locale=locale),
        "stacked": charts.stacked_bar([(1, 2), (4, 7), (5, 3)], SCALE, title="Svar",
                                      x_title="Svar", legend_title="Svar", lang=locale),
        "difference": charts.difference_chart(MEANS, title="Før og etter", first_label="Før",
                                              second_label="Etter", axis_title="0–100",
                                              legend_title="Måling", locale=locale),
        "means": charts.means_chart(MEANS, title="Snitt", axis_title="0–100", locale=locale),
        "trend": charts.trend_chart(MEANS, periods=["2025", "2026"], title="Over tid",
                                    axis_title="0–100", legend_title="Kategori",
                                    locale=locale),
        "run": run_chart(OBSERVATIONS, analyse_runs(BEFORE + AFTER), locale=locale, **RUN),
        "run, split and carried": run_chart(
            OBSERVATIONS, split, change_label="Endring", carried=carried,
            carried_label="Median før", carried_point_label="Etter", locale=locale, **RUN),
        "p": p_chart(p_chart_limits(MONTHS), month_labels=["jan", "feb", "mar", "apr"],
                     locale=locale, **P),
        "p, split": p_chart(split_p_chart(MONTHS[:2], MONTHS[2:], datetime.date(2025, 3, 1)),
                            month_labels=["jan", "feb", "mar", "apr"], change_label="Endring",
                            locale=locale, **P),
    }


def test_every_chart_is_a_valid_vega_lite_spec():
    for name, chart in every_chart("nb").items():
        checked = chart.to_dict()  # Altair raises SchemaValidationError on a wrong spec
        assert charts.spec(chart) == checked, name


@pytest.mark.parametrize("locale", list(charts.NUMBER_LOCALES))
def test_every_number_locale_is_valid(locale):
    """A chart's language is only its words and its `config.locale`: one chart each."""
    chart = charts.means_chart(MEANS, title="Snitt", axis_title="0–100", locale=locale)
    assert charts.spec(chart) == chart.to_dict()


def test_a_wrong_spec_is_caught_here():
    """The check above can fail: a mark property Vega-Lite does not know is refused."""
    chart = charts.means_chart(MEANS, title="Snitt", axis_title="0–100", locale="nb")
    chart.layer[0].mark = {"type": "rule", "strokeWidht": 2}  # misspelt
    with pytest.raises(alt.utils.schemapi.SchemaValidationError):
        chart.to_dict()
    assert charts.spec(chart)  # drawing does not check


def test_the_same_spec_is_drawn_once_and_a_changed_one_again(monkeypatch):
    drawn = []
    draw = vl_convert.vegalite_to_svg
    monkeypatch.setattr(vl_convert, "vegalite_to_svg",
                        lambda spec, **options: drawn.append(spec) or draw(spec, **options))
    rows = [{**MEANS[0], "mean": 61.25}]  # a mean no other test draws
    first = charts.to_svg(charts.means_chart(rows, title="Snitt", axis_title="0–100",
                                             locale="nb"))
    again = charts.to_svg(charts.means_chart(rows, title="Snitt", axis_title="0–100",
                                             locale="nb"))
    assert again == first and len(drawn) == 1
    assert first.startswith('<svg role="img" aria-label="Snitt" ')
    changed = charts.to_svg(charts.means_chart([{**rows[0], "high": 75.5}], title="Snitt",
                                               axis_title="0–100", locale="nb"))
    assert changed != first and len(drawn) == 2
