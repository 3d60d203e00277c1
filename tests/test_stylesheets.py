"""Our stylesheets (static/css/*.css; Designsystemet's are its own) say start and end, never
left and right (issue 18): a right-to-left language then mirrors every page by `dir="rtl"`
alone, and nothing parked off the left edge widens a page that scrolls to the left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = sorted((Path(__file__).resolve().parent.parent / "static" / "css").glob("*.css"))
PHYSICAL = re.compile(
    r"(?<![\w-])(?:margin|padding|border)-(?:left|right)\b"  # margin-left, border-right-color
    r"|(?<![\w-])(?:left|right)\s*:"  # left: -999px
    r"|(?:text-align|float|clear)\s*:\s*(?:left|right)\b"
    r"|border-(?:top|bottom)-(?:left|right)-radius")


@pytest.mark.parametrize("path", CSS, ids=lambda path: path.name)
def test_only_logical_directions(path: Path):
    found = [f"{path.name}:{number}: {line.strip()}"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if PHYSICAL.search(line)]
    assert not found, "use the logical property (margin-inline-start, inset-inline-start, " \
                      "text-align: start …):\n" + "\n".join(found)
