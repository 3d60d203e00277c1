"""How a questionnaire is split into pages for a survey's layout."""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires import schema as s
from surveys.models import Layout


@dataclass(frozen=True)
class Page:
    sections: tuple[s.Section, ...]

    @property
    def items(self) -> list[s.Item]:
        return [item for section in self.sections for item in section.items]


def pages_of(definition: s.Definition, layout: Layout) -> list[Page]:
    """One page with everything, or one page per section."""
    if layout == Layout.PAGE_PER_SECTION:
        return [Page((section,)) for section in definition.sections]
    return [Page(tuple(definition.sections))]
