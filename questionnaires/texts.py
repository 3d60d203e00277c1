"""A questionnaire's text in several languages (`Text`), kept apart from the schema that
uses it everywhere: which languages exist and how a missing one falls back is
`util.languages`'s one rule, the same for the pages' interface strings. A language a text
does not carry itself is looked up in the translation memory by its bokmål wording
(`questionnaires.translation_memory`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from questionnaires.translation_memory import translated
from util.languages import KNOWN, REQUIRED, fallback_of

LANGUAGES: tuple[str, ...] = REQUIRED  # every text has these; others are optional


class Text(BaseModel):
    """A text in bokmål, nynorsk and English (none may be left empty), and optionally in
    the other languages the code knows (`util.languages.KNOWN`), each as its own key."""

    model_config = ConfigDict(extra="allow", frozen=True)

    nb: str = Field(min_length=1, max_length=2000)
    nn: str = Field(min_length=1, max_length=2000)
    en: str = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _check_other_languages(self) -> Text:
        for code, value in (self.model_extra or {}).items():
            if code not in KNOWN:
                raise ValueError(f"unknown language {code!r} (known: {', '.join(KNOWN)})")
            if not isinstance(value, str) or not 1 <= len(value) <= 2000:
                raise ValueError(f"the text in {code} must be 1 to 2000 characters")
        return self

    def get(self, lang: str) -> str:
        """The text in `lang`; where it has none, in the language it falls back to."""
        if lang in LANGUAGES:
            return str(getattr(self, lang))
        found = (self.model_extra or {}).get(lang) or translated(self.nb, lang)
        if found:
            return str(found)
        return self.get(fallback_of(lang) or LANGUAGES[0])

    def languages(self) -> tuple[str, ...]:
        """The languages this text is written in."""
        return (*LANGUAGES, *(self.model_extra or {}))
