"""Scores computed from one response's answers, and scale arithmetic shared by analytics."""

from __future__ import annotations

from collections.abc import Iterable

from questionnaires.schema import Scale


def mean_score(scores: Iterable[float]) -> float | None:
    """PSFS mean score: the mean of a user's activity scores (None if there are none)."""
    values = list(scores)
    return sum(values) / len(values) if values else None


def checklist_compliance(values: Iterable[str]) -> float | None:
    """Programoppfyllelse: done ÷ (done + not done); 'not relevant' steps do not count.

    None when no step was relevant, because 0 % would claim every step was skipped.
    """
    done = not_done = 0
    for value in values:
        done += value == "done"
        not_done += value == "not_done"
    return done / (done + not_done) if done + not_done else None


def to_0_100(value: float, scale: Scale) -> float:
    """Place a scale value on 0–100 where 100 is the good end: 100·(x − worst)/(best − worst).

    This lets 1–5, 1–6 and 1–7 scales, in either direction, be read side by side.
    """
    return 100 * (value - scale.worst) / (scale.best - scale.worst)


def top_box_steps(scale: Scale) -> tuple[int, int]:
    """The two best steps of a scale (for the top-box share)."""
    return (scale.max, scale.max - 1) if scale.good == "high" else (scale.min, scale.min + 1)
