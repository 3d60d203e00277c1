"""An HL7 FHIR R4 `Questionnaire` as a new questionnaire definition.

The import takes what `fhir_export` writes, and plain FHIR within the same subset: the id is
the last part of the canonical `url`, the version a whole number (1 when absent), `language`
says which of nb, nn and en the texts are in, and the other two come from the translation
extension. Top-level groups are sections (top-level questions outside a group are put in
sections of their own, 'part_1', …); inside a section an item is a question or a repeating
group; display items are taken as the questionnaire's or a section's introduction (first
item), an item's hint (itemControl 'help') or a numeric rating's end labels ('lower',
'upper'). Anything else is refused with the item's linkId and the reason, never dropped:
a definition that silently lost a condition or an option would collect other answers than
its author meant.

The result goes through the same schema as every definition file (`schema.Definition`),
so the same rules hold, and each scale item is checked to show its scale exactly as the
export would: a Questionnaire whose answer options say one thing and whose scale says
another is refused rather than guessed at.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

from pydantic import ValidationError

from hl7fhir import import_parts as parts
from hl7fhir import terms as t
from hl7fhir.questionnaire_export import ItemExporter
from hl7fhir.reading import (
    Refused,
    control_code,
    extensions,
    item_place,
    language_text,
    only_keys,
    single,
    slug,
    texts,
    value,
)
from questionnaires import schema as s
from questionnaires.loader import MAX_DEFINITION_BYTES, DefinitionError, mixed_of
from questionnaires.loader import _format_errors as format_errors

TOP_KEYS = {"resourceType", "language", "extension", "url", "version", "title", "_title",
            "status", "item"}
# Descriptive elements with no bearing on what is asked: read past, not kept.
IGNORED_TOP_KEYS = {"id", "meta", "text", "name", "date", "publisher", "contact", "description",
                    "purpose", "copyright", "experimental", "jurisdiction", "useContext",
                    "identifier", "approvalDate", "lastReviewDate", "effectivePeriod",
                    "subjectType", "derivedFrom"}
ITEM_KEYS = {"extension", "linkId", "text", "_text", "type", "enableWhen", "enableBehavior",
             "required", "repeats", "maxLength", "answerOption", "item"}
ITEM_EXTENSIONS = {
    "choice": {t.SCALE, t.CHECKLIST}, "integer": {t.SCALE, t.MIN_VALUE, t.MAX_VALUE},
    "string": set(), "text": set(), "date": {t.YEARS_BACK},
    "group": {t.MIN_OCCURS, t.MAX_OCCURS, t.ROW_LABEL},
}
QUESTIONNAIRE_EXTENSIONS = {t.SOURCE, t.SCALE_DEFINITION, t.CATEGORY_DEFINITION, t.FOLLOW_UP,
                            t.PATHWAY, t.PURPOSE}


def parse_questionnaire(text: str, source: str = "<upload>") -> s.Definition:
    """Parse FHIR JSON text; raise DefinitionError with every problem found."""
    if len(text.encode("utf-8", "replace")) > MAX_DEFINITION_BYTES:
        raise DefinitionError(source, [f"the file is larger than {MAX_DEFINITION_BYTES} bytes"])
    try:
        resource = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DefinitionError(source, [f"line {exc.lineno}, column {exc.colno}: {exc.msg} "
                                       "(not valid JSON)"]) from None
    except RecursionError:
        raise DefinitionError(source, ["the JSON is nested too deeply"]) from None
    return definition_from_resource(resource, source)


def definition_from_resource(resource: Any, source: str = "<fhir>") -> s.Definition:
    """A Questionnaire (parsed JSON) as a validated definition, or DefinitionError."""
    if not isinstance(resource, dict) or resource.get("resourceType") != "Questionnaire":
        raise DefinitionError(source, ["the file must hold a FHIR Questionnaire "
                                       "(resourceType 'Questionnaire')"])
    reader = _Reader()
    try:
        data = reader.definition(resource)
    except Refused as refused:
        reader.problems.append(refused.line)
    if reader.problems:
        raise DefinitionError(source, reader.problems)
    try:
        definition = s.Definition.model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(source, [by_link_id(line, data) for line in format_errors(exc)],
                              mixed_of(exc)) from None
    # The app's own option texts are left out of the comparison, so placeholders will do
    # (and the import needs no translations, nor an app context).
    exporter = ItemExporter(definition, defaultdict(lambda: s.Text(nb="-", nn="-", en="-")))
    problems = [line for line in (parts.scale_mismatch(exporter, *found)
                                  for found in reader.scale_items) if line]
    if problems:
        raise DefinitionError(source, problems)
    return definition


_SCHEMA_PATH = re.compile(r"^sections\[(\d+)\](?:\.items\[(\d+)\])?(?:\.items\[(\d+)\])?"
                          r"(?:\.|(?=:))(.*)$")


def by_link_id(line: str, data: dict[str, Any]) -> str:
    """A schema problem named by the item's linkId rather than by its place in our
    definition format: 'sections[3].items[1].show_if.item: …' → "item 'x': show_if.item: …"."""
    match = _SCHEMA_PATH.match(line)
    if match is None:
        return line
    section, item, child, rest = match.groups()
    try:
        found = data["sections"][int(section)]
        link = t.SECTION_PREFIX + found["id"]
        if item is not None:
            found = found["items"][int(item)]
            link = found["id"]
        if child is not None:
            link = f"{link}.{found['items'][int(child)]['id']}"
    except (IndexError, KeyError, TypeError):
        return line
    return f"{item_place(link)}: {rest.lstrip(': ')}"


class _Reader:
    """Walks the Questionnaire once, collecting one problem per item it cannot take."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.base = t.BASE_LANGUAGE
        self.items: dict[str, dict[str, Any]] = {}  # top-level items read so far, by id
        # (group id, item id, linkId, how it shows its scale) of every scale item
        self.scale_items: list[tuple[str | None, str, str, tuple]] = []

    def definition(self, resource: dict[str, Any]) -> dict[str, Any]:
        only_keys(resource, TOP_KEYS | IGNORED_TOP_KEYS, "Questionnaire")
        language = resource.get("language")
        if language not in s.LANGUAGES:
            raise Refused("language", "give the language of the texts: nb, nn or en")
        self.base = language
        url = value(resource, "url", str, "url")
        version = resource.get("version", "1")
        if not isinstance(version, str) or not version.isdigit() or int(version) < 1:
            raise Refused("version", "must be a whole number from 1, such as '2'")
        found = extensions(resource, QUESTIONNAIRE_EXTENSIONS, "Questionnaire")
        data = {"id": slug(url.rstrip("/").rsplit("/", 1)[-1], "url", "the id"),
                "version": int(version),
                "title": texts(resource, "title", self.base, "title"),
                "source": parts.source(found, f"{url}|{version}"),
                "scales": parts.scales(found), "categories": parts.categories(found)}
        if data["title"] is None:
            raise Refused("title", "a title is required")
        data.update(parts.links(found))
        intro, data["sections"] = self.sections(value(resource, "item", list, "Questionnaire"))
        if intro is not None:
            data["intro"] = intro
        return data

    def sections(self, items: list[Any]) -> tuple[dict | None, list[dict[str, Any]]]:
        """The introduction (a first display item) and the sections."""
        intro, sections = None, []
        loose: dict[str, Any] | None = None  # the section collecting items outside a group
        for index, item in enumerate(items):
            try:
                if not isinstance(item, dict):
                    raise Refused(f"item number {index + 1}", "must be an object")
                if index == 0 and item.get("type") == "display" and "extension" not in item:
                    intro = self.display_text(item)
                elif item.get("type") == "group" and not item.get("repeats"):
                    sections.append(self.section(item))
                    loose = None
                else:
                    if loose is None:
                        loose = {"id": f"part_{len(sections) + 1}", "items": []}
                        sections.append(loose)
                    loose["items"].append(self.top_item(item))
            except Refused as refused:
                self.problems.append(refused.line)
        return intro, sections

    def display_text(self, item: dict[str, Any]) -> dict[str, str]:
        where = item_place(item.get("linkId"))
        only_keys(item, {"extension", "linkId", "text", "_text", "type"}, where)
        text = texts(item, "text", self.base, where)
        if text is None:
            raise Refused(where, "a display item needs a text")
        return text

    def section(self, group: dict[str, Any]) -> dict[str, Any]:
        where = item_place(group.get("linkId"))
        only_keys(group, {"linkId", "text", "_text", "type", "item"}, where)
        link = value(group, "linkId", str, where)
        section: dict[str, Any] = {"id": slug(link.removeprefix(t.SECTION_PREFIX), where,
                                              "the section id")}
        title = texts(group, "text", self.base, where)
        if title is not None:
            section["title"] = title
        children = value(group, "item", list, where)
        first = children[0] if children else None
        if isinstance(first, dict) and first.get("type") == "display" and "extension" not in first:
            section["intro"] = self.display_text(first)
            children = children[1:]
        section["items"] = []
        for child in children:
            try:
                section["items"].append(self.top_item(child))
            except Refused as refused:
                self.problems.append(refused.line)
        return section

    def top_item(self, data: Any) -> dict[str, Any]:
        item = self.item(data, None)
        self.items[item["id"]] = item
        return item

    def item(self, data: Any, group_id: str | None) -> dict[str, Any]:
        """One question or repeating group: what every item has, then its type's part."""
        where = item_place(data.get("linkId") if isinstance(data, dict) else None)
        if not isinstance(data, dict):
            raise Refused(where, "must be an object")
        only_keys(data, ITEM_KEYS, where)
        link = value(data, "linkId", str, where)
        kind = value(data, "type", str, where)
        if kind not in ITEM_EXTENSIONS:
            raise Refused(where, f"type '{kind[:40]}' is not supported")
        text = texts(data, "text", self.base, where)
        if text is None:
            raise Refused(where, "a text is required")
        found = extensions(data, ITEM_EXTENSIONS[kind] | {t.CATEGORY}, where)
        item: dict[str, Any] = {"id": self.item_id(link, group_id, where), "text": text}
        hint, ends, nested = self.children(data, kind, where)
        if hint is not None:
            item["hint"] = hint
        item["required"] = data.get("required") is True
        category = single(found, t.CATEGORY, where)
        if category is not None:
            item["category"] = value(category, "valueCode", str, where)
        condition = self.condition(data, where, group_id)
        if condition is not None:
            item["show_if"] = condition
        self.check_elements(data, kind, bool(found.get(t.SCALE)), where)
        item.update(self.typed(data, kind, found, ends, nested, item["id"], where))
        if item["type"] == "scale":
            shown = parts.scale_rendering(data, self.base, where)
            self.scale_items.append((group_id, item["id"], link, shown))
        return item

    def item_id(self, link: str, group_id: str | None, where: str) -> str:
        """A top-level item's id is its linkId; a group child's is the part after
        'group.' (or the whole linkId when it has no such prefix)."""
        if group_id is not None and link.startswith(f"{group_id}."):
            link = link[len(group_id) + 1:]
        return slug(link, where, "the linkId")

    def children(self, data: dict[str, Any], kind: str,
                 where: str) -> tuple[dict | None, dict[str, dict], list[Any]]:
        """An item's nested items: its hint, its end labels ('lower'/'upper') and, for a
        group, its questions."""
        hint, ends, nested = None, {}, []
        for child in value(data, "item", list, where) if "item" in data else []:
            if not isinstance(child, dict) or child.get("type") != "display":
                if kind != "group":
                    raise Refused(where, "items nested in a question are not supported")
                nested.append(child)
                continue
            control = control_code(child, where)
            if control == "help" and hint is None:
                hint = self.display_text(child)
            elif control in ("lower", "upper") and kind == "integer" and control not in ends:
                ends[control] = self.display_text(child)
            else:
                raise Refused(where, "a display item inside an item is supported only as its "
                                     "hint (itemControl 'help') or a scale's end labels")
        return hint, ends, nested

    def check_elements(self, data: dict[str, Any], kind: str, scale: bool, where: str) -> None:
        """The elements that only some types may have."""
        if data.get("repeats") and kind not in ("choice", "group"):
            raise Refused(where, "repeats is supported only on choice and group items")
        if data.get("repeats") and scale:
            raise Refused(where, "a scale item cannot repeat")
        if "maxLength" in data and kind not in ("string", "text"):
            raise Refused(where, "maxLength is supported only on string and text items")
        if "answerOption" in data and kind != "choice":
            raise Refused(where, "answerOption is supported only on choice items")

    def condition(self, data: dict[str, Any], where: str,
                  group_id: str | None) -> dict[str, Any] | None:
        """One enableWhen with operator '=' as a show_if condition."""
        if "enableWhen" not in data:
            return None
        conditions = value(data, "enableWhen", list, where)
        if group_id is not None:
            raise Refused(where, "enableWhen inside a repeating group is not supported")
        if len(conditions) != 1 or not isinstance(conditions[0], dict):
            raise Refused(where, "only one enableWhen condition is supported")
        when = conditions[0]
        for key in when:
            if key.startswith("answer") and key not in ("answerCoding", "answerInteger"):
                raise Refused(where, f"enableWhen with {key[:40]} is not supported")
        only_keys(when, {"question", "operator", "answerCoding", "answerInteger"}, where)
        operator = when.get("operator")
        if operator != "=":
            raise Refused(where, f"enableWhen with operator '{str(operator)[:20]}' is not "
                                 "supported (only '=')")
        question = value(when, "question", str, where)
        if "answerInteger" in when:
            return {"item": question, "equals": value(when, "answerInteger", int, where)}
        code = value(value(when, "answerCoding", dict, where), "code", str, where)
        target = self.items.get(question, {})
        scale_number = target.get("type") == "scale" and code.lstrip("-").isdigit()
        return {"item": question, "equals": int(code) if scale_number else code}

    def typed(self, data: dict[str, Any], kind: str, found: dict[str, list[dict]],
              ends: dict[str, dict], nested: list[Any], item_id: str,
              where: str) -> dict[str, Any]:
        if found.get(t.SCALE):
            return parts.scale_item_data(data, kind, found, where)
        if kind == "choice":
            return self.choice(data, found, where)
        if kind in ("string", "text"):
            typed: dict[str, Any] = {"type": "text" if kind == "string" else "long_text"}
            if "maxLength" in data:
                typed["max_length"] = value(data, "maxLength", int, where)
            return typed
        if kind == "integer":
            low, high = (single(found, url, where) for url in (t.MIN_VALUE, t.MAX_VALUE))
            if low is None or high is None:
                raise Refused(where, "an integer item needs both minValue and maxValue")
            return {"type": "integer", "min": value(low, "valueInteger", int, where),
                    "max": value(high, "valueInteger", int, where)}
        if kind == "date":
            years = single(found, t.YEARS_BACK, where)
            typed = {"type": "date"}
            if years is not None:
                typed["years_back"] = value(years, "valueInteger", int, where)
            return typed
        return self.group(data, found, nested, item_id, where)

    def choice(self, data: dict[str, Any], found: dict[str, list[dict]],
               where: str) -> dict[str, Any]:
        options = value(data, "answerOption", list, where)
        if found.get(t.CHECKLIST):
            codes = [parts.option_code(option) for option in options]
            if codes != list(s.CHECKLIST_VALUES) or data.get("repeats"):
                raise Refused(where, "a checklist item has the options done, not_done and "
                                     "not_relevant, in that order")
            return {"type": "checklist"}
        return {"type": "multiple_choice" if data.get("repeats") else "single_choice",
                "options": [self.option(option, where) for option in options]}

    def option(self, option: Any, where: str) -> dict[str, Any]:
        if not isinstance(option, dict):
            raise Refused(where, "every answerOption must be an object")
        if "extension" in option:
            raise Refused(where, "extensions on answer options (such as ordinalValue) are "
                                 "supported only on scale items")
        only_keys(option, {"valueCoding"}, where)
        coding = value(option, "valueCoding", dict, where)
        only_keys(coding, {"code", "display", "_display"}, where)
        code = slug(coding.get("code"), where, "the answer code")
        text = texts(coding, "display", self.base, f"{where}, option '{code}'")
        if text is None:
            raise Refused(where, f"the option '{code}' needs a display text")
        return {"value": code, "text": text}

    def group(self, data: dict[str, Any], found: dict[str, list[dict]], nested: list[Any],
              item_id: str, where: str) -> dict[str, Any]:
        if not data.get("repeats"):
            raise Refused(where, "a group inside a section must repeat (repeats true)")
        limits = {}
        for name, url in (("min_repeat", t.MIN_OCCURS), ("max_repeat", t.MAX_OCCURS)):
            extension = single(found, url, where)
            if extension is not None:
                limits[name] = value(extension, "valueInteger", int, where)
        if "max_repeat" not in limits:
            raise Refused(where, "a repeating group needs its largest number of rows "
                                 "(extension questionnaire-maxOccurs)")
        label = single(found, t.ROW_LABEL, where)
        children = []
        for child in nested:
            if isinstance(child, dict) and (child.get("type") == "group" or child.get("repeats")):
                raise Refused(item_place(child.get("linkId")),
                              "groups and repeating items inside a repeating group are not "
                              "supported")
            children.append(self.item(child, item_id))
        return {"type": "group", **limits, "items": children,
                "row_label": language_text(label, where) if label is not None
                else texts(data, "text", self.base, where)}
