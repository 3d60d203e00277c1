"""A questionnaire being made in the browser, before it is published as a version (issue 19).

A stored version never changes (answers point at it), so the builder works on a draft: one
per questionnaire id, its content a definition as the schema reads it (the same dict a YAML
file holds). Each edit is checked against the schema before it is kept (`check`), so a draft
is always a definition but for two things a person building one step at a time cannot avoid:

- texts not yet written in nynorsk or English (every published text needs nb, nn and en);
- a new section with no questions yet.

`check` validates a provisional copy that lends the bokmål text to the missing languages
and a placeholder question to an empty section, so every other rule of the schema (scales,
categories, conditions, the follow-up, the pathway) holds at each step and its message is
shown at the field it concerns (`Problem.path`, as the upload page words it). `publish`
validates the draft as it is, stores it as the next version, and removes the draft.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Mapped, Session, mapped_column

from database import Base
from questionnaires.category_scales import MixedCategory
from questionnaires.loader import format_location, mixed_of
from questionnaires.models import QuestionnaireVersion
from questionnaires.operations import store_version
from questionnaires.queries import latest_version
from questionnaires.schema import Definition
from questionnaires.texts import LANGUAGES

PLACEHOLDER = "zz_draft_placeholder"
Content = dict[str, Any]


class QuestionnaireDraft(Base):
    """The working copy of one questionnaire; gone once published or thrown away."""

    __tablename__ = "questionnaire_drafts"

    slug: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    base_version: Mapped[int | None]  # the version it was opened from; None: a new one
    changed_on: Mapped[dt.date] = mapped_column(default=dt.date.today)


@dataclass(frozen=True)
class Problem:
    """What the schema says is wrong, and where: `path` as 'sections[0].items[2].scale'
    ('' for the whole definition); `mixed` when a category mixes scales (to be worded in
    the reader's language)."""

    path: str
    message: str
    mixed: MixedCategory | None = None


class DraftRefused(ValueError):
    """A change the schema refuses; nothing was kept."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))


def problems_of(exc: ValidationError) -> list[Problem]:
    """The schema's refusal as problems with paths. The rules between fields come as one
    error at the top, its parts joined by '; ', each 'path: reason'."""
    mixed = mixed_of(exc)
    if mixed:
        return [Problem("categories", found.english(), found) for found in mixed]
    problems = []
    for error in exc.errors(include_url=False):
        path, message = format_location(error["loc"]), error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "this field is required"
        if path:
            problems.append(Problem(path, message))
            continue
        for part in message.split("; "):
            where, found, reason = part.partition(": ")
            problems.append(Problem(where, reason) if found and " " not in where
                            else Problem("", part))
    return problems


def check(content: Content) -> Definition:
    """The draft's content as a definition, lending the bokmål text to missing languages
    and a placeholder question to an empty section; DraftRefused with what is wrong."""
    try:
        return Definition.model_validate(_provisional(content))
    except ValidationError as exc:
        raise DraftRefused(problems_of(exc)) from None


def strict(content: Content) -> Definition:
    """The draft's content as the definition it would be published as, nothing lent."""
    try:
        return Definition.model_validate(content)
    except ValidationError as exc:
        raise DraftRefused(problems_of(exc)) from None


def _provisional(content: Content) -> Content:
    lent = copy.deepcopy(content)
    for text in _texts(lent):
        source = next((text[code] for code in LANGUAGES if text.get(code)), None)
        for code in LANGUAGES:
            if not text.get(code) and source:
                text[code] = source
    for index, section in enumerate(lent.get("sections") or []):
        if isinstance(section, dict) and section.get("items") == []:  # one id per section
            section["items"] = [{"id": f"{PLACEHOLDER}_{index}", "type": "text",
                                 "required": False,
                                 "text": {code: "-" for code in LANGUAGES}}]
    return lent


def _is_text(node: dict[str, Any]) -> bool:
    """Whether a mapping of the content is a text (languages to strings, bokmål among them)."""
    return "nb" in node and all(isinstance(v, str) for v in node.values())


def _texts(node: Any) -> Iterator[dict[str, Any]]:
    """Every text (a mapping with an 'nb' key) in the content, in document order."""
    if isinstance(node, dict):
        if _is_text(node):
            yield node
            return
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


def missing_texts(content: Content, languages: tuple[str, ...] = LANGUAGES
                  ) -> list[tuple[str, str]]:
    """(path, language) of every text not written in one of `languages`, such as
    ('sections[0].items[1].text', 'nn'): what the builder marks, and what publishing
    needs for nb, nn and en."""
    found: list[tuple[str, str]] = []
    _walk_missing(content, "", languages, found)
    return found


def _walk_missing(node: Any, path: str, languages: tuple[str, ...],
                  found: list[tuple[str, str]]) -> None:
    if isinstance(node, dict):
        if _is_text(node):
            found += [(path, code) for code in languages if not node.get(code)]
            return
        for key, value in node.items():
            _walk_missing(value, f"{path}.{key}" if path else str(key), languages, found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _walk_missing(value, f"{path}[{index}]", languages, found)


def draft_of(db: Session, slug: str, *, for_update: bool = False) -> QuestionnaireDraft | None:
    """The draft of a questionnaire, or None; `for_update` locks it for a change, so two
    people editing at once change it one after the other, neither losing the other's."""
    query = sa.select(QuestionnaireDraft).filter_by(slug=slug)
    if for_update:
        query = query.with_for_update()
    return db.scalars(query).first()


def taken_titles(db: Session, except_slug: str | None = None) -> set[str]:
    """Every title in use, in any language, casefolded: of stored versions and of drafts,
    but those of `except_slug` (a questionnaire may keep its own title). Two questionnaires
    with one title could not be told apart in any list (issue 19)."""
    versions = sa.select(QuestionnaireVersion.content).where(
        QuestionnaireVersion.slug != (except_slug or ""))
    drafted = sa.select(QuestionnaireDraft.content).where(
        QuestionnaireDraft.slug != (except_slug or ""))
    contents = [*db.scalars(versions), *db.scalars(drafted)]
    return {str(text).casefold() for content in contents
            for text in (content.get("title") or {}).values()}


def start(db: Session, content: Content, base_version: int | None = None) -> QuestionnaireDraft:
    """A new draft with this content (checked first)."""
    check(content)
    draft = QuestionnaireDraft(slug=content["id"], content=content, base_version=base_version)
    db.add(draft)
    db.flush()
    return draft


def open_version(db: Session, row: QuestionnaireVersion) -> QuestionnaireDraft:
    """A draft that starts from a stored version, to make the next one."""
    return start(db, copy.deepcopy(row.content), base_version=row.version)


def save(db: Session, draft: QuestionnaireDraft, content: Content) -> Definition:
    """Keep `content` as the draft if the schema allows it; DraftRefused otherwise, and the
    draft is left as it was."""
    definition = check(content)
    draft.content = content
    draft.changed_on = dt.date.today()
    db.flush()
    return definition


def publish(db: Session, draft: QuestionnaireDraft) -> QuestionnaireVersion:
    """Store the draft as the questionnaire's next version and remove the draft. The version
    number is the next after the highest stored, whatever the draft says, so a version with
    answers is never touched."""
    latest = latest_version(db, draft.slug)
    content = {**draft.content, "version": latest.version + 1 if latest else 1}
    definition = strict(content)
    row = store_version(db, definition, "builder")
    db.delete(draft)
    db.flush()
    return row


def edited(draft: QuestionnaireDraft) -> Content:
    """A copy of the draft's content to change and `save`: the stored one is never changed
    in place, so a refused change leaves nothing behind."""
    return copy.deepcopy(draft.content)
