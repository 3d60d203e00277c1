"""A survey's responses as an HL7 FHIR R4 `Bundle` (type collection) of
`QuestionnaireResponse`, streamed as JSON text.

Each response becomes one QuestionnaireResponse: status completed; `questionnaire` the
canonical URL and version of the questionnaire (see `hl7fhir.terms`); `authored`
the day the response's batch was released (`surveys.batches`), a date only, shared by at
least k responses, since the day a person answered would point to them; its language; no
subject, no author, no id (the answers are anonymous, and the response id is not exported
anywhere). Answers are nested as the
Questionnaire's items are: section groups, then items, and one group item per row of a
repeating group, each row marked with its row number (our `row` extension), so a follow-up's
scores meet the baseline's activities row by row.

Two marks of our own: `response-source` (web or paper) on every response, and on a PSFS
baseline and its follow-up `pair` with the random pair id and the role (baseline or
follow-up), the same id as in the CSV of pairs, so the two can be joined. The follow-up
code itself is never exported (only its keyed digest is stored anyway).

This is a raw export, like the CSV of responses: the same readers may take it, free text
goes only to those who may read it (`surveys.access.may_read_free_text`), and every export
is audited. Responses are read in keyset pages of `batch_size` on a connection of the
generator's own (as `surveys.queries.response_table` does), so a survey of 100,000
responses streams out without being held in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

import database
from hl7fhir import terms as t
from hl7fhir.questionnaire_export import FixedTexts
from questionnaires import schema as s
from surveys.models import Answer, Response, Survey
from surveys.queries import is_free_text, released, response_pages

Displays = dict[str, dict[str, str]]  # language → code → display
Stored = str | float  # an answer as stored: its text, else its number


@dataclass(frozen=True)
class Slot:
    """How the stored values of one item key become FHIR answers."""

    link_id: str
    kind: str  # coding, integer, string or date
    displays: Displays = field(default_factory=dict)

    def answer(self, raw: Stored, lang: str) -> dict[str, Any]:
        if self.kind == "coding":
            code = raw if isinstance(raw, str) else str(int(raw))
            coding = {"code": code}
            display = self.displays.get(lang, {}).get(code)
            if display is not None:
                coding["display"] = display
            return {"valueCoding": coding}
        if self.kind == "integer":
            return {"valueInteger": int(raw)}
        return {"valueString" if self.kind == "string" else "valueDate": str(raw)}


@dataclass(frozen=True)
class GroupSlots:
    """A repeating group: its id and the slots of its children, by stored key."""

    link_id: str
    children: dict[str, Slot]


@dataclass(frozen=True)
class SectionSlots:
    link_id: str
    parts: list[Slot | GroupSlots]


def layout(definition: s.Definition, include_free_text: bool,
           fixed: FixedTexts) -> list[SectionSlots]:
    """The Questionnaire's item tree, reduced to what answers are put in."""
    sections = []
    for section in definition.sections:
        section_parts: list[Slot | GroupSlots] = []
        for item in section.items:
            if isinstance(item, s.GroupItem):
                children = {f"{item.id}.{child.id}": _slot(child, f"{item.id}.{child.id}",
                                                           definition, fixed)
                            for child in item.items if include_free_text or not is_free_text(child)}
                section_parts.append(GroupSlots(item.id, children))
            elif include_free_text or not is_free_text(item):
                section_parts.append(_slot(item, item.id, definition, fixed))
        sections.append(SectionSlots(t.SECTION_PREFIX + section.id, section_parts))
    return sections


def _slot(item: Any, link_id: str, definition: s.Definition, fixed: FixedTexts) -> Slot:
    if isinstance(item, s.ScaleItem):
        scale = definition.scale_of(item)
        if t.is_numeric_rating(scale, item):
            return Slot(link_id, "integer")
        texts = {str(step): text for step, text in scale.labels.items()}
        return Slot(link_id, "coding", _displays({**texts, t.DONT_KNOW: fixed[t.DONT_KNOW]}))
    if isinstance(item, s.SingleChoiceItem | s.MultipleChoiceItem):
        return Slot(link_id, "coding", _displays({o.value: o.text for o in item.options}))
    if isinstance(item, s.ChecklistItem):
        return Slot(link_id, "coding", _displays({c: fixed[c] for c in s.CHECKLIST_VALUES}))
    if isinstance(item, s.IntegerItem):
        return Slot(link_id, "integer")
    if isinstance(item, s.DateItem):
        return Slot(link_id, "date")
    return Slot(link_id, "string")


def _displays(texts: dict[str, s.Text]) -> Displays:
    return {lang: {code: text.get(lang) for code, text in texts.items()}
            for lang in s.LANGUAGES}


def response_items(sections: list[SectionSlots], values: dict[tuple[str, int], list[Stored]],
                   lang: str) -> list[dict[str, Any]]:
    """One response's answers as nested QuestionnaireResponse items."""
    items = []
    for section in sections:
        children = []
        for part in section.parts:
            if isinstance(part, Slot):
                found = values.get((part.link_id, 0))
                if found:
                    children.append({"linkId": part.link_id,
                                     "answer": [part.answer(v, lang) for v in found]})
            else:
                children += _group_rows(part, values, lang)
        if children:
            items.append({"linkId": section.link_id, "item": children})
    return items


def _group_rows(group: GroupSlots, values: dict[tuple[str, int], list[Stored]],
                lang: str) -> list[dict[str, Any]]:
    positions = sorted({position for key, position in values if key in group.children})
    rows = []
    for position in positions:
        answers = [{"linkId": key, "answer": [slot.answer(v, lang) for v in values[key, position]]}
                   for key, slot in group.children.items() if (key, position) in values]
        rows.append({"extension": [{"url": t.ROW, "valueInteger": position + 1}],
                     "linkId": group.link_id, "item": answers})
    return rows


def questionnaire_response(row: sa.Row, canonical: str, items: list[dict],
                           hidden: frozenset[str]) -> dict[str, Any]:
    """The resource for one response row (see `_response_batches` for its columns), without
    its language or source when `hidden` says so (`surveys.queries.hidden_columns`)."""
    extensions: list[dict[str, Any]] = []
    if "source" not in hidden:
        extensions.append({"url": t.RESPONSE_SOURCE, "valueCode": str(row.source)})
    pair_id = row.follow_up_pair if row.is_follow_up else row.baseline_pair
    if pair_id is not None:
        role = "follow-up" if row.is_follow_up else "baseline"
        extensions.append({"url": t.PAIR, "extension": [
            {"url": "id", "valueString": str(pair_id)}, {"url": "role", "valueCode": role}]})
    resource: dict[str, Any] = {"resourceType": "QuestionnaireResponse"}
    if "language" not in hidden:
        resource["language"] = row.language
    if extensions:  # FHIR JSON has no empty arrays
        resource["extension"] = extensions
    resource |= {"questionnaire": canonical, "status": "completed",
                 "authored": row.released_on.isoformat()}
    if items:
        resource["item"] = items
    return resource


def bundle_chunks(db: Session, survey: Survey, base_url: str, include_free_text: bool,
                  fixed: FixedTexts, *, hidden: frozenset[str],
                  batch_size: int = 1000) -> Iterator[str]:
    """The Bundle as JSON text in chunks, one page of responses each; the `hidden` marks
    (`surveys.queries.hidden_columns`: language, source) left out of every response, and
    the answers' texts then given in bokmål, whatever language each was answered in.

    Everything the chunks need from the request's session is read here, before the first
    chunk: the chunks are produced after the view has returned.
    """
    definition = survey.questionnaire.definition
    sections = layout(definition, include_free_text, fixed)
    canonical = f"{t.canonical(base_url, definition.id)}|{definition.version}"
    return _chunks(database.engine_of(db), survey.id, sections, canonical, batch_size, hidden)


def _chunks(engine: sa.Engine, survey_id: int, sections: list[SectionSlots],
            canonical: str, batch_size: int, hidden: frozenset[str]) -> Iterator[str]:
    """The chunks, read on a connection of the generator's own; the `with` gives it back
    when the last chunk is read, or when the download is broken off and the server closes
    the generator."""
    yield '{"resourceType":"Bundle","type":"collection"'
    opened = False
    with engine.connect() as connection:
        for batch in _response_batches(connection, survey_id, batch_size):
            values = _answers(connection, batch)
            entries = [json.dumps({"resource": questionnaire_response(
                row, canonical, response_items(sections, values.get(row.key, {}),
                                               "nb" if "language" in hidden else row.language),
                hidden)}, ensure_ascii=False, separators=(",", ":")) for row in batch]
            yield (",\"entry\":[" if not opened else ",") + ",".join(entries)
            opened = True
    # FHIR JSON has no empty arrays: a survey without responses has no `entry` at all.
    yield "]}" if opened else "}"


def _answers(connection: sa.Connection,
             batch: Sequence[sa.Row]) -> dict[str, dict[tuple[str, int], list[Stored]]]:
    """The batch's answers: response key → (item, position) → values in stored order."""
    values: dict[str, dict[tuple[str, int], list[Stored]]] = {}
    rows = connection.execute(
        sa.select(sa.cast(Answer.response_id, sa.String), Answer.item, Answer.position,
                  Answer.value_num, Answer.value_text)
        .where(Answer.response_id.in_([r.id for r in batch]))
        .order_by(Answer.item, Answer.position, Answer.value_text, Answer.value_num))
    for key, item, position, number, text in rows:
        value = text if text is not None else number
        if value is None:
            continue  # not written by the form builder; nothing to say in FHIR either
        values.setdefault(key, {}).setdefault((item, position), []).append(value)
    return values


def _response_batches(connection: sa.Connection, survey_id: int,
                      batch_size: int) -> Iterator[Sequence[sa.Row]]:
    """The survey's released responses in (release day, id) order with their pair ids, a page at
    a time; keyset pages as the CSV export reads them (`surveys.queries.response_pages`).
    A follow-up is released only after its baseline (`surveys.batches`), so every pair
    mark on a follow-up here meets its baseline in the same Bundle."""
    query = (sa.select(Response.id, sa.cast(Response.id, sa.String).label("key"),
                       Response.released_on, Response.language, Response.source,
                       Response.is_follow_up, Response.pair_id.label("baseline_pair"),
                       Response.pair_id.label("follow_up_pair"))
             .where(Response.survey_id == survey_id, released()))
    return response_pages(connection, query, batch_size)
