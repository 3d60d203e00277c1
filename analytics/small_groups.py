"""The small-group rule, in one place: no figure, count or row built on fewer than
`minimum` responses (`SURVEY_SMALL_GROUP_MIN`, 5 by default) leaves the server.

Why one object: the rule was once written as `< minimum` in a dozen modules, with defaults
of 0 in some, and every copy is a place where it can quietly be wrong. Pages, exports, the
API and the analyses take a `SmallGroups` and ask it; nothing else compares with the
minimum. `reporting.rule()` gives the app's configured rule during a request.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MINIMUM = 5


@dataclass(frozen=True)
class SmallGroups:
    """The rule for one installation: a figure built on `n` responses is shown when
    n ≥ `minimum`. A minimum below 1 would show figures built on nobody, so it is refused."""

    minimum: int = DEFAULT_MINIMUM

    def __post_init__(self) -> None:
        if self.minimum < 1:
            raise ValueError(f"the small-group minimum must be at least 1, not {self.minimum}")

    def shows(self, n: int) -> bool:
        """May a figure built on `n` responses be shown?"""
        return n >= self.minimum

    def hides(self, n: int) -> bool:
        """Must a figure built on `n` responses be held back?"""
        return not self.shows(n)

    def too_few(self, n: int) -> bool:
        """Some, but fewer than the minimum: the group a pooled figure must leave out so that
        no subtraction between two pages recovers it (an empty group needs no leaving out)."""
        return 0 < n < self.minimum

    def count(self, n: int) -> int | None:
        """The count when it may be shown, else None (the page says «fewer than 5»)."""
        return n if self.shows(n) else None
