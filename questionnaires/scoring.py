"""Scale arithmetic shared by analytics."""

from __future__ import annotations

from questionnaires.schema import Scale


def to_0_100(value: float, scale: Scale) -> float:
    """Place a scale value on 0–100 where 100 is the good end: 100·(x − worst)/(best − worst).

    This lets 1–5, 1–6 and 1–7 scales, in either direction, be read side by side.
    """
    return 100 * (value - scale.worst) / (scale.best - scale.worst)


def top_box_steps(scale: Scale) -> tuple[int, int]:
    """The two best steps of a scale (for the top-box share)."""
    return (scale.max, scale.max - 1) if scale.good == "high" else (scale.min, scale.min + 1)
