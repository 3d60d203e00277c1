"""Questionnaire texts in the languages beyond nb, nn and en, kept apart from the
definitions: `questionnaires/translations/<code>.yaml` maps a bokmål text to its
translation.

Why apart: a stored questionnaire version never changes (answers keep their meaning), so
writing a new language into the built-in files would need a new version of each, and the
surveys running on the old ones would never get it. Keyed by the bokmål wording, a
translation reaches every version, copy and upload that asks the same thing in the same
words, and a text whose wording changed is simply not translated until someone does it:
it then falls back to bokmål, as everything missing does (`util.languages`). A text that
carries the language itself (`se: …` in a definition) is used before this memory.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from util.languages import KNOWN

MEMORY_DIR = Path(__file__).resolve().parent / "translations"


class TranslationFileError(ValueError):
    """A translation file that is not a mapping of texts to texts."""


@functools.cache
def memory(code: str) -> dict[str, str]:
    """The translations into `code`, by bokmål text (empty for a language without a file);
    read once per process."""
    path = MEMORY_DIR / f"{code}.yaml"
    if code not in KNOWN or not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in data.items()):
        raise TranslationFileError(f"{path.name}: must map each bokmål text to a non-empty text")
    return {key.strip(): value.strip() for key, value in data.items()}


def translated(bokmal: str, code: str) -> str | None:
    """The translation of a bokmål text into `code`, or None."""
    return memory(code).get(bokmal.strip())
