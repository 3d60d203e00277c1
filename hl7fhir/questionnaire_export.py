"""A questionnaire definition as an HL7 FHIR R4 `Questionnaire` (a JSON-ready dict).

How the parts map:
- the questionnaire: canonical `url` and `version` (see `fhir_terms`), status active, title
  and language nb, the nn and en texts in the translation extension on every `_text`;
  its introduction is a first display item, its source and its purpose (such as
  gathering_evaluation) extensions;
- a section: a `group` item with linkId 'section-<id>' (ids of sections and items may
  coincide; '-' never occurs in an id), its title as text, its introduction a first display;
- an item: linkId = the item id, the id stored with the answers; inside a repeating group
  'group.child', as the answers are stored;
- scale: `choice`, one answerOption per step with its number as code and as ordinalValue,
  and «don't know» (code 'dont_know') as an extra option without one; a numeric rating
  (`fhir_terms.is_numeric_rating`, PSFS 0–10) is an `integer` with minValue/maxValue and its
  end labels as 'lower'/'upper' display items. Either way the item names its scale in our
  `scale` extension, and the scales themselves (steps, labels, good end) are extensions of
  the Questionnaire;
- single_choice / multiple_choice: `choice` (multiple: repeats true) with coded options;
- checklist: `choice` with the codes done / not_done / not_relevant and our marker;
- text / long_text: `string` / `text` with maxLength; integer: `integer` with bounds;
  date: `date` (the earliest year accepted in our `years-back` extension);
- group: a repeating `group` with minOccurs/maxOccurs and our row label;
- a hint: a child display item with itemControl 'help'; required: `required`;
- show_if: one `enableWhen` with operator '=' (answerCoding, or answerInteger when the
  tested item is a numeric rating).
"""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from hl7fhir import terms as t
from questionnaires import schema as s

FixedTexts = dict[str, s.Text]
"""The texts of the options the app itself supplies: «don't know» and the checklist marks."""


def fixed_texts() -> FixedTexts:
    """The app's own option texts in every language, from its translations."""
    texts: dict[str, dict[str, str]] = {}
    for lang in s.LANGUAGES:
        with force_locale(lang):
            words = {t.DONT_KNOW: _("Don't know / not relevant"), "done": _("Done"),
                     "not_done": _("Not done"), "not_relevant": _("Not relevant")}
        for code, word in words.items():
            texts.setdefault(code, {})[lang] = str(word)
    return {code: s.Text(**by_lang) for code, by_lang in texts.items()}


def questionnaire_resource(definition: s.Definition, base_url: str,
                           fixed: FixedTexts | None = None) -> dict[str, Any]:
    """The whole definition as a FHIR R4 Questionnaire resource."""
    exporter = ItemExporter(definition, fixed if fixed is not None else fixed_texts())
    items = [_display(t.INTRO_LINK, definition.intro)] if definition.intro else []
    items += [exporter.section(section) for section in definition.sections]
    return {
        "resourceType": "Questionnaire",
        "language": t.BASE_LANGUAGE,
        "extension": definition_extensions(definition),
        "url": t.canonical(base_url, definition.id),
        "version": str(definition.version),
        **t.text_fields("title", definition.title),
        "status": "active",
        "item": items,
    }


def definition_extensions(definition: s.Definition) -> list[dict[str, Any]]:
    """What the Questionnaire's own elements cannot say: source, scales, categories,
    follow-up, pathway and purpose."""
    extensions = [t.text_extension(t.SOURCE, definition.source)]
    extensions += [_scale_definition(scale_id, scale)
                   for scale_id, scale in definition.scales.items()]
    extensions += [_complex(t.CATEGORY_DEFINITION, [_code("id", c.id),
                                                    t.text_extension("text", c.text)])
                   for c in definition.categories]
    if definition.follow_up is not None:
        f = definition.follow_up
        extensions.append(_complex(t.FOLLOW_UP, [_code("group", f.group), _code("label", f.label),
                                                 _code("score", f.score)]))
    if definition.pathway is not None:
        p = definition.pathway
        parts = [_code("start", p.start)] + ([_code("label", p.label)] if p.label else [])
        extensions.append(_complex(t.PATHWAY, parts))
    if definition.purpose is not None:
        extensions.append(_code(t.PURPOSE, definition.purpose))
    return extensions


def _scale_definition(scale_id: str, scale: s.Scale) -> dict[str, Any]:
    labels = [_complex("label", [{"url": "value", "valueInteger": step},
                                 t.text_extension("text", text)])
              for step, text in sorted(scale.labels.items())]
    return _complex(t.SCALE_DEFINITION, [
        _code("id", scale_id), _code("good", scale.good),
        {"url": "min", "valueInteger": scale.min}, {"url": "max", "valueInteger": scale.max},
        *labels])


def _complex(url: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"url": url, "extension": parts}


def _code(url: str, code: str) -> dict[str, Any]:
    return {"url": url, "valueCode": code}


def _display(link_id: str, text: s.Text, control: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": link_id, **t.text_fields("text", text), "type": "display"}
    if control is not None:
        item = {"extension": [t.item_control(control)], **item}
    return item


def _coding(code: str, text: s.Text | None) -> dict[str, Any]:
    coding: dict[str, Any] = {"code": code}
    if text is not None:
        coding.update(t.text_fields("display", text))
    return coding


def _bounds(minimum: int, maximum: int) -> list[dict[str, Any]]:
    return [{"url": t.MIN_VALUE, "valueInteger": minimum},
            {"url": t.MAX_VALUE, "valueInteger": maximum}]


class ItemExporter:
    """Turns sections and items into FHIR items; holds what every item needs to see."""

    def __init__(self, definition: s.Definition, fixed: FixedTexts) -> None:
        self.definition = definition
        self.fixed = fixed

    def section(self, section: s.Section) -> dict[str, Any]:
        link_id = t.SECTION_PREFIX + section.id
        children = [_display(f"{link_id}-intro", section.intro)] if section.intro else []
        children += [self.item(item, item.id) for item in section.items]
        group: dict[str, Any] = {"linkId": link_id}
        if section.title is not None:
            group.update(t.text_fields("text", section.title))
        return {**group, "type": "group", "item": children}

    def item(self, item: Any, link_id: str) -> dict[str, Any]:
        """One item with what all items share; `_typed` adds what its type needs."""
        typed = self._typed(item, link_id)
        extensions = typed.pop("extension", [])
        if item.category is not None:
            extensions.append(_code(t.CATEGORY, item.category))
        children = [_display(f"{link_id}-hint", item.hint, "help")] if item.hint else []
        children += typed.pop("item", [])
        result: dict[str, Any] = {"extension": extensions} if extensions else {}
        result.update({"linkId": link_id, **t.text_fields("text", item.text),
                       "type": typed.pop("type")})
        if item.show_if is not None:
            result["enableWhen"] = [self.condition(item.show_if)]
        if item.required:
            result["required"] = True
        result.update(typed)
        if children:
            result["item"] = children
        return result

    def _typed(self, item: Any, link_id: str) -> dict[str, Any]:
        if isinstance(item, s.ScaleItem):
            return self.scale_item(item, link_id)
        if isinstance(item, s.SingleChoiceItem | s.MultipleChoiceItem):
            typed: dict[str, Any] = {"type": "choice"}
            if isinstance(item, s.MultipleChoiceItem):
                typed["repeats"] = True
            typed["answerOption"] = [{"valueCoding": _coding(o.value, o.text)}
                                     for o in item.options]
            return typed
        if isinstance(item, s.ChecklistItem):
            return {"extension": [{"url": t.CHECKLIST, "valueBoolean": True}], "type": "choice",
                    "answerOption": [{"valueCoding": _coding(code, self.fixed[code])}
                                     for code in s.CHECKLIST_VALUES]}
        if isinstance(item, s.TextItem | s.LongTextItem):
            kind = "string" if isinstance(item, s.TextItem) else "text"
            return {"type": kind, "maxLength": item.max_length}
        if isinstance(item, s.IntegerItem):
            return {"extension": _bounds(item.min, item.max), "type": "integer"}
        if isinstance(item, s.DateItem):
            return {"extension": [{"url": t.YEARS_BACK, "valueInteger": item.years_back}],
                    "type": "date"}
        return self.group(item, link_id)

    def scale_item(self, item: s.ScaleItem, link_id: str) -> dict[str, Any]:
        scale = self.definition.scale_of(item)
        extensions = [_code(t.SCALE, item.scale)]
        if t.is_numeric_rating(scale, item):
            ends = [_display(f"{link_id}-lower", scale.labels[scale.min], "lower"),
                    _display(f"{link_id}-upper", scale.labels[scale.max], "upper")]
            return {"extension": extensions + _bounds(scale.min, scale.max), "type": "integer",
                    "item": ends}
        options = [{"extension": [{"url": t.ORDINAL_VALUE, "valueDecimal": step}],
                    "valueCoding": _coding(str(step), scale.labels.get(step))}
                   for step in scale.steps]
        if item.dont_know:
            options.append({"valueCoding": _coding(t.DONT_KNOW, self.fixed[t.DONT_KNOW])})
        return {"extension": extensions, "type": "choice", "answerOption": options}

    def group(self, item: s.GroupItem, link_id: str) -> dict[str, Any]:
        extensions = [{"url": t.MIN_OCCURS, "valueInteger": item.min_repeat},
                      {"url": t.MAX_OCCURS, "valueInteger": item.max_repeat},
                      t.text_extension(t.ROW_LABEL, item.row_label)]
        children = [self.item(child, f"{item.id}.{child.id}") for child in item.items]
        return {"extension": extensions, "type": "group", "repeats": True, "item": children}

    def condition(self, condition: s.Condition) -> dict[str, Any]:
        target = self.definition.item(condition.item)
        when: dict[str, Any] = {"question": condition.item, "operator": "="}
        if isinstance(target, s.ScaleItem) and t.is_numeric_rating(
                self.definition.scale_of(target), target):
            when["answerInteger"] = int(condition.equals)
        else:
            when["answerCoding"] = {"code": str(condition.equals)}
        return when
