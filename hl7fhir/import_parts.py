"""The parts of the FHIR import that are not items: the Questionnaire's own extensions
(source, scales, categories, follow-up, pathway) and how a scale item shows its scale.

A scale lives once, in the Questionnaire's 'scale-definition' extension; each scale item
shows it again in standard FHIR (answer options with ordinal values, or integer bounds and
end labels) for every other reader. `scale_rendering` reads that showing in one comparable
form, so the import can insist that it is exactly what the scale would give.
"""

from __future__ import annotations

from typing import Any

from hl7fhir import terms as t
from hl7fhir.reading import (
    Refused,
    control_code,
    language_text,
    only_keys,
    part_value,
    parts,
    required,
    single,
    slug,
    texts,
    value,
)
from questionnaires import schema as s

Found = dict[str, list[dict]]


def source(found: Found, fallback: str) -> dict[str, str]:
    """Where the items come from; for a Questionnaire from elsewhere, its canonical|version."""
    extension = single(found, t.SOURCE, "Questionnaire")
    if extension is None:
        return dict.fromkeys(s.LANGUAGES, fallback[:2000])
    return language_text(extension, "extension 'source'")


def scales(found: Found) -> dict[str, dict[str, Any]]:
    """The scales by id, from the 'scale-definition' extensions."""
    result: dict[str, dict[str, Any]] = {}
    where = "extension 'scale-definition'"
    for extension in found.get(t.SCALE_DEFINITION, []):
        named = parts(extension, {"id", "good", "min", "max"}, {"label"}, where)
        scale_id = slug(part_value(named, "id", "valueCode", str, where), where, "the scale id")
        if scale_id in result:
            raise Refused(where, f"the scale '{scale_id}' is defined twice")
        labels = {}
        for label in named.get("label", []):
            label_parts = parts(label, {"value", "text"}, set(), where)
            if "text" not in label_parts:
                raise Refused(where, "a label needs its text")
            step = part_value(label_parts, "value", "valueInteger", int, where)
            labels[step] = language_text(label_parts["text"][0], where)
        result[scale_id] = {
            "min": part_value(named, "min", "valueInteger", int, where),
            "max": part_value(named, "max", "valueInteger", int, where),
            "good": part_value(named, "good", "valueCode", str, where), "labels": labels}
    return result


def categories(found: Found) -> list[dict[str, Any]]:
    result = []
    where = "extension 'category-definition'"
    for extension in found.get(t.CATEGORY_DEFINITION, []):
        named = parts(extension, {"id", "text"}, set(), where)
        if "text" not in named:
            raise Refused(where, "the part 'text' is missing")
        result.append({"id": part_value(named, "id", "valueCode", str, where),
                       "text": language_text(named["text"][0], where)})
    return result


def links(found: Found) -> dict[str, Any]:
    """The follow-up and pathway blocks, which name items of the questionnaire, and the
    purpose (such as `gathering_evaluation`), which says what reads it."""
    data: dict[str, Any] = {}
    follow_up = single(found, t.FOLLOW_UP, "Questionnaire")
    if follow_up is not None:
        where = "extension 'follow-up'"
        named = parts(follow_up, {"group", "label", "score"}, set(), where)
        data["follow_up"] = {name: part_value(named, name, "valueCode", str, where)
                             for name in ("group", "label", "score")}
    pathway = single(found, t.PATHWAY, "Questionnaire")
    if pathway is not None:
        where = "extension 'pathway'"
        named = parts(pathway, {"start", "label"}, set(), where)
        data["pathway"] = {"start": part_value(named, "start", "valueCode", str, where)}
        label = part_value(named, "label", "valueCode", str, where, required=False)
        if label is not None:
            data["pathway"]["label"] = label
    purpose = single(found, t.PURPOSE, "Questionnaire")
    if purpose is not None:
        data["purpose"] = value(purpose, "valueCode", str, "extension 'purpose'")
    return data


def scale_item_data(data: dict[str, Any], kind: str, found: Found,
                    where: str) -> dict[str, Any]:
    """A choice or integer item that names its scale, as a scale item."""
    if kind not in ("choice", "integer"):
        raise Refused(where, "the scale extension is supported only on choice and integer "
                             "items")
    scale_id = value(required(found, t.SCALE, where), "valueCode", str, where)
    options = data.get("answerOption") if kind == "choice" else []
    if not isinstance(options, list):  # only a choice item can get here without a list
        raise Refused(where, "a scale item of type choice needs its answerOption")
    dont_know = any(option_code(option) == t.DONT_KNOW for option in options)
    return {"type": "scale", "scale": scale_id, "dont_know": dont_know}


def option_code(option: Any) -> object:
    coding = option.get("valueCoding") if isinstance(option, dict) else None
    return coding.get("code") if isinstance(coding, dict) else None


def scale_rendering(data: dict[str, Any], base: str, where: str) -> tuple:
    """How a scale item shows its scale, in a form two items can be compared in: the
    steps' codes, ordinal values and labels, or the bounds and end labels. The display of
    «don't know» is left out: it is the app's own word, and its translation may change."""
    if data.get("type") == "integer":
        bounds = {e.get("url"): e.get("valueInteger") for e in data.get("extension", [])
                  if isinstance(e, dict) and e.get("url") in (t.MIN_VALUE, t.MAX_VALUE)}
        ends = {}
        for child in data.get("item", []):
            control = control_code(child, where)
            if control in ("lower", "upper"):
                ends[control] = texts(child, "text", base, where)
        return "integer", bounds, ends
    steps = [_step(option, base, where) for option in data["answerOption"]
             if option_code(option) != t.DONT_KNOW]
    return "choice", steps


def _step(option: Any, base: str, where: str) -> tuple:
    if not isinstance(option, dict):
        raise Refused(where, "every answerOption must be an object")
    only_keys(option, {"extension", "valueCoding"}, where)
    ordinals = [e.get("valueDecimal") for e in value(option, "extension", list, where)
                if isinstance(e, dict) and e.get("url") == t.ORDINAL_VALUE] \
        if "extension" in option else []
    coding = value(option, "valueCoding", dict, where)
    only_keys(coding, {"code", "display", "_display"}, where)
    return coding.get("code"), ordinals, texts(coding, "display", base, where)


def scale_mismatch(exporter: Any, group_id: str | None, item_id: str, link_id: str,
                   shown: tuple) -> str | None:
    """A problem line when a scale item does not show its scale as the export would."""
    item = exporter.definition.item(group_id or item_id)
    if group_id is not None:
        item = next(child for child in item.items if child.id == item_id)
    expected = exporter.item(item, link_id)
    if scale_rendering(expected, t.BASE_LANGUAGE, "") == shown:
        return None
    return (f"item '{link_id[:80]}': the answer options, bounds or end labels do not match "
            f"the scale '{item.scale}'")
