"""The languages the code knows, in one place, and the one fallback rule.

Before, the list «nb, nn, en» was written in eight places, questionnaire texts had a field
per language, and a missing text fell back to bokmål while a missing interface string fell
back to English, so an incomplete language showed a mix. Now:

- `KNOWN` lists every language the code has texts for, with its own name, its writing
  direction and whether a native speaker has reviewed its translation;
- the installation chooses which of them respondents are offered (`LANGUAGES`, a setting;
  `offered`), while staff pages stay in `STAFF` (nb, nn, en);
- every questionnaire text must exist in `REQUIRED`; the others are optional;
- anything missing in a language, interface string or questionnaire text alike, is shown in
  `FALLBACK` (bokmål): `fallback_of`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

FALLBACK = "nb"
REQUIRED: tuple[str, ...] = ("nb", "nn", "en")
STAFF: tuple[str, ...] = ("nb", "nn", "en")


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47, as `<html lang>` takes it
    name: str  # in the language itself, as the language switch shows it
    direction: Literal["ltr", "rtl"] = "ltr"
    reviewed: bool = True  # reviewed by a native speaker; if not, respondents are told

    @property
    def pair(self) -> tuple[str, str]:
        """(code, name), as a template's loop over languages takes them."""
        return self.code, self.name


KNOWN: dict[str, Language] = {language.code: language for language in (
    Language("nb", "Bokmål"),
    Language("nn", "Nynorsk"),
    Language("en", "English"),
    Language("se", "Davvisámegiella", reviewed=False),
    Language("pl", "Polski", reviewed=False),
    Language("uk", "Українська", reviewed=False),
    Language("ar", "العربية", "rtl", reviewed=False),
)}


def offered(setting: str | Iterable[str] | None) -> tuple[str, ...]:
    """The respondents' languages from the `LANGUAGES` setting: a list or a comma-separated
    string of known codes, bokmål among them and first if given at all; raises ValueError
    with the reason for anything else, so a typo stops the start."""
    if setting is None:
        return REQUIRED
    codes = ([part.strip() for part in setting.split(",")] if isinstance(setting, str)
             else [str(part).strip() for part in setting])
    codes = [code for code in codes if code]
    unknown = [code for code in codes if code not in KNOWN]
    if unknown:
        raise ValueError(f"LANGUAGES names languages this code has no texts for: {unknown}; "
                         f"known are {sorted(KNOWN)}")
    if FALLBACK not in codes:
        raise ValueError(f"LANGUAGES must include {FALLBACK}, the language anything missing "
                         "falls back to")
    if len(set(codes)) != len(codes):
        raise ValueError(f"LANGUAGES names a language twice: {codes}")
    return tuple(codes)


def fallback_of(code: str) -> str | None:
    """The language a missing text in `code` is shown in (None for bokmål itself)."""
    return None if code == FALLBACK else FALLBACK


def reviewed(code: str) -> bool:
    """Whether a native speaker has checked the language's translation (bokmål, nynorsk and
    English are the originals); pages in one not yet checked say so."""
    language = KNOWN.get(code)
    return language.reviewed if language else True


def name_of(code: str) -> str:
    """A language's own name, or its code for one the code no longer knows."""
    language = KNOWN.get(code)
    return language.name if language else code


def direction_of(code: str) -> str:
    """«rtl» for a language written right to left, else «ltr»."""
    language = KNOWN.get(code)
    return language.direction if language else "ltr"
