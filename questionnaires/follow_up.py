"""The follow-up form: the user's own baseline rows, each to be scored again.

The form is built as a small definition of its own, one scale item per activity the user
named, so the follow-up is shown, validated and stored by the same form builder and
templates as every other questionnaire. `answers_for_baseline` turns its answers back
into the rows of the original group, at the baseline's positions, so a baseline and its
follow-up can be compared activity by activity.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from questionnaires import schema as s
from questionnaires.item_types import AnswerValue
from util.languages import KNOWN

SCORE_PREFIX = "score_"


class BaselineRow(Protocol):
    """A row the user named at baseline (read-only, so frozen dataclasses fit)."""

    @property
    def position(self) -> int: ...

    @property
    def label(self) -> str: ...

    @property
    def score(self) -> float | None: ...


Translate = Callable[[str], str]
"""Gives, for a language code, a text in that language (the caller does the gettext)."""


def _text(make: Translate) -> s.Text:
    """A text made in every language the code knows (a missing string comes in bokmål)."""
    return s.Text(**{lang: make(lang) for lang in KNOWN})


def _with_score(hint: Callable[[str, float], str], score: float) -> Translate:
    return lambda lang: hint(lang, score)


def follow_up_definition(
    definition: s.Definition,
    rows: Sequence[BaselineRow],
    intro: Translate,
    baseline_hint: Callable[[str, float], str] | None,
) -> s.Definition:
    """A one-page definition asking for a new score for each of `rows`.

    `intro(lang)` is the page's introduction; `baseline_hint(lang, score)`, when given,
    tells the user their baseline score under each activity (a survey setting).
    """
    group, _label, score = definition.follow_up_items()
    items: list[s.Item] = []
    for row in rows:
        hint = None
        if baseline_hint is not None and row.score is not None:
            hint = _text(_with_score(baseline_hint, row.score))
        items.append(s.ScaleItem(
            type="scale", id=f"{SCORE_PREFIX}{row.position}", scale=score.scale,
            text=s.Text(nb=row.label, nn=row.label, en=row.label), hint=hint,
        ))
    return s.Definition(
        id=definition.id, version=definition.version, title=definition.title,
        intro=_text(intro), source=definition.source, scales=definition.scales,
        sections=[s.Section(id=group.id, items=items)],
    )


def answers_for_baseline(definition: s.Definition,
                         answers: Sequence[AnswerValue]) -> list[AnswerValue]:
    """The follow-up form's answers as rows of the original group's score item."""
    group, _label, score = definition.follow_up_items()
    key = f"{group.id}.{score.id}"
    return [AnswerValue(key, int(a.item.removeprefix(SCORE_PREFIX)), a.value_num, a.value_text)
            for a in answers if a.item.startswith(SCORE_PREFIX)]
