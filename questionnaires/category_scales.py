"""One scale shape per category: the rule, and the categories that break it, as data.

Why: a category's score is the mean of its scale items (`surveys.tallies`,
`reporting.aggregation`), and a mean of a 1–5 «lower is better» answer and a 1–7 «higher is
better» answer means nothing: a good answer to one pulls the score the wrong way for the
other. `Definition` refuses such a category (its last rule, so the message is not buried);
the found categories travel as data, so the loader writes an English problem line for a file
and a staff page words it in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from questionnaires.schema import Definition, ScaleItem


@dataclass(frozen=True)
class ScaleUse:
    """A scale item of a category and the shape of its scale."""

    item: str
    scale: str
    min: int
    max: int
    good: Literal["high", "low"]

    def english(self) -> str:
        return (f"'{self.item}' (scale '{self.scale}': {self.min}–{self.max}, "
                f"{self.good} is good)")


@dataclass(frozen=True)
class MixedCategory:
    """A category whose scale items do not all share one range and one good end;
    `index` is its place in the definition's `categories`."""

    index: int
    category: str
    items: tuple[ScaleUse, ...]

    def english(self) -> str:
        """The problem line for a file: path, category, each item with its scale."""
        shown = ", ".join(use.english() for use in self.items)
        return (f"categories[{self.index}]: the category '{self.category}' mixes scales: "
                f"{shown}; a category's score is the mean of its items, so they need the "
                "same range and the same good end: put them in separate categories")


def mixed_categories(definition: Definition) -> list[MixedCategory]:
    """The categories whose top-level scale items (those a category's score averages) differ
    in range or in which end is good. Two scales of one shape (other labels, say) may share
    a category."""
    found = []
    for index, category in enumerate(definition.categories):
        uses = tuple(ScaleUse(item.id, item.scale, scale.min, scale.max, scale.good)
                     for item in definition.items()
                     if isinstance(item, ScaleItem) and item.category == category.id
                     and (scale := definition.scales.get(item.scale)) is not None)
        if len({(use.min, use.max, use.good) for use in uses}) > 1:
            found.append(MixedCategory(index, category.id, uses))
    return found
