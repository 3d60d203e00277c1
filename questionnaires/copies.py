"""A copy of a questionnaire, named by its maker (issue 19).

Copies used to keep the original's title, so a unit lead saw «Evaluering av samlingen» twice
and could not tell whose was whose. A copy now carries its owner's name in its title, in
every language the original has («Brukerundersøkelse – Nordby»), numbered « (2)», « (3)» …
when that title is taken too, and starts as a draft (version 1) under a new id.
"""

from __future__ import annotations

import copy
from collections.abc import Collection
from typing import Any

Content = dict[str, Any]


def copy_title(title: dict[str, str], suffix: dict[str, str],
               taken: Collection[str]) -> dict[str, str]:
    """`title` with « – <suffix>» in each of its languages (the suffix in that language, or
    its bokmål), numbered until no language's title is among `taken` (casefolded)."""
    named = {code: f"{text} – {suffix.get(code) or suffix['nb']}"
             for code, text in title.items()}
    number = 1
    candidate = named
    while any(text.casefold() in taken for text in candidate.values()):
        number += 1
        candidate = {code: f"{text} ({number})" for code, text in named.items()}
    return candidate


def copy_content(original: Content, slug: str, title: dict[str, str]) -> Content:
    """The original's content as a new questionnaire: id `slug`, version 1, this title.
    A deep copy, so the stored original is never changed through it."""
    content = copy.deepcopy(original)
    content.update(id=slug, version=1, title=title)
    return content
