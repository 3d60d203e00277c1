"""The run chart's findings in words, in the reader's language.

`analytics.spc` returns signals as data; the unit's page, the network's page and the exports
say them in sentences from here, so one finding reads the same everywhere. Higher compliance
is better, so a shift above the median before a change is called an improvement only when it
is measured against the median from before the change.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from analytics import numbers
from analytics.spc import MIN_USEFUL, RunsAnalysis, Signal
from reporting.checklist import SeriesAnalysis


def signal_sentence(signal: Signal) -> str:
    """One signal as a sentence: "A shift: 9 pathways in a row above the median. …"."""
    if signal.kind == "shift":
        text = (_("A shift: %(count)s pathways in a row above the median.", count=signal.count)
                if signal.side == "above" else
                _("A shift: %(count)s pathways in a row below the median.", count=signal.count))
        return text + " " + _("More than %(limit)s in a row seldom happens by chance.",
                              limit=signal.limit)
    return _("Too few crossings: the line crosses the median %(count)s times, where at least "
             "%(limit)s were expected.", count=signal.count, limit=signal.limit)


def findings(analysis: RunsAnalysis, split: bool = False) -> list[str]:
    """What the rules found in one series or phase: its signals, that there is none, or
    that too few useful points remain for the rules to work. In a series split at a change
    (`split`), «no signal» says it is around the phase's own median: the points after the
    change may still run against the median from before (the chart's purple diamonds,
    `change_verdict`), and the page must not contradict its chart."""
    if analysis.n == 0:
        return [_("No pathways yet.")]
    if analysis.too_few:
        sentences = [_("Too few useful points (%(count)s of %(total)s) for the rules to work: "
                       "at least %(needed)s are needed, and points on the median do not "
                       "count.", count=analysis.n_useful, total=analysis.n, needed=MIN_USEFUL)]
        if analysis.median is not None and analysis.median >= 1:
            sentences.append(_("The median is 100 %, so most pathways lie on it: good work, "
                               "but the rules cannot tell a change from chance."))
        return sentences
    if not analysis.signal and split:
        return [_("No signal around this phase's own median: the variation around it looks "
                  "random. A run longer than %(run)s pathways or fewer than %(crossings)s "
                  "crossings would have been a signal.",
                  run=analysis.longest_run_limit, crossings=analysis.crossings_limit)]
    if not analysis.signal:
        return [_("No signal: the variation looks random. A run longer than %(run)s pathways "
                  "or fewer than %(crossings)s crossings would have been a signal.",
                  run=analysis.longest_run_limit, crossings=analysis.crossings_limit)]
    return [signal_sentence(signal) for signal in analysis.signals]


def change_verdict(series: SeriesAnalysis) -> str | None:
    """After a marked change: do the later pathways lie above the median from before?

    The pathways after the change are held against the median of those before it (the
    before-median carried forward, qicharts2's `freeze`): a shift above it says the change
    is followed by a real improvement, a shift below it by a real decline. None without a
    change or without pathways on both sides.
    """
    against = series.against_before
    if against is None or against.centre is None:
        return None
    before = numbers.percent_text(against.centre, str(get_locale() or "nb"))
    if against.too_few:
        return _("Too few useful points after the change (%(count)s) to tell whether it is an "
                 "improvement; at least %(needed)s are needed.",
                 count=against.n_useful, needed=MIN_USEFUL)
    sides = {run.side for run in against.long_runs}
    if sides == {"above"}:
        return _("An improvement: after the change, the pathways lie above the median from "
                 "before (%(before)s) more often than chance explains.", before=before)
    if sides == {"below"}:
        return _("A decline: after the change, the pathways lie below the median from before "
                 "(%(before)s) more often than chance explains.", before=before)
    return _("No clear change yet: after the change, the pathways vary around the median from "
             "before (%(before)s) as chance would have them.", before=before)
