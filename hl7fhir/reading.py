"""Reading the parts of a FHIR Questionnaire that the import needs, refusing the rest.

Every reader raises `Refused` with the place ("item 'x'", "url", "extension 'pathway'") and
the reason, so the person uploading a file learns which item to change and why. Input is
untrusted JSON: every value's type is checked before it is used.
"""

from __future__ import annotations

import re
from typing import Any

from hl7fhir import terms as t
from questionnaires import schema as s

SLUG = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
SLUG_RULE = "lower-case letters a–z, digits and _, starting with a letter, at most 40"


class Refused(ValueError):
    """A part of the Questionnaire that a definition cannot say: 'where: reason'."""

    def __init__(self, where: str, reason: str) -> None:
        self.line = f"{where}: {reason}"
        super().__init__(self.line)


def item_place(link_id: object) -> str:
    """How a message names an item: by its linkId, shortened if someone sent a novel."""
    text = link_id if isinstance(link_id, str) else "?"
    return f"item '{text[:80]}'"


def short_url(url: str) -> str:
    """An extension's name in messages: ours by their last part, others in full."""
    return url.removeprefix(t.EXTENSION_BASE)


def value(data: dict[str, Any], key: str, kind: type, where: str) -> Any:
    """`data[key]`, which must be of type `kind` (bool is not taken for an int)."""
    found = data.get(key)
    if not isinstance(found, kind) or (kind is int and isinstance(found, bool)):
        name = {str: "a string", int: "a whole number", bool: "true or false",
                dict: "an object", list: "a list"}[kind]
        raise Refused(where, f"'{key}' must be {name}")
    return found


def slug(text: object, where: str, what: str) -> str:
    if not isinstance(text, str) or not SLUG.match(text):
        shown = text if isinstance(text, str | int) else "?"
        raise Refused(where, f"{what} '{str(shown)[:80]}' is not supported: use {SLUG_RULE} "
                             "characters")
    return text


def only_keys(data: dict[str, Any], allowed: set[str], where: str) -> None:
    """Refuse an element the definition has no place for."""
    for key in data:
        if key not in allowed:
            raise Refused(where, f"'{key}' is not supported")


def extensions(data: dict[str, Any], allowed: set[str], where: str) -> dict[str, list[dict]]:
    """The element's extensions by URL; an extension not in `allowed` is refused."""
    found: dict[str, list[dict]] = {}
    for extension in value(data, "extension", list, where) if "extension" in data else []:
        if not isinstance(extension, dict) or not isinstance(extension.get("url"), str):
            raise Refused(where, "every extension needs a url")
        if extension["url"] not in allowed:
            raise Refused(where, f"extension '{short_url(extension['url'])}' is not supported")
        found.setdefault(extension["url"], []).append(extension)
    return found


def single(found: dict[str, list[dict]], url: str, where: str) -> dict | None:
    """The one extension with this URL, None if there is none; two are refused."""
    matches = found.get(url, [])
    if len(matches) > 1:
        raise Refused(where, f"extension '{short_url(url)}' is given more than once")
    return matches[0] if matches else None


def required(found: dict[str, list[dict]], url: str, where: str) -> dict:
    """The one extension with this URL; none, or two, is refused."""
    match = single(found, url, where)
    if match is None:
        raise Refused(where, f"extension '{short_url(url)}' is required")
    return match


def parts(extension: dict[str, Any], names: set[str], repeating: set[str],
          where: str) -> dict[str, list[dict]]:
    """The sub-extensions of a complex extension by name; unknown names are refused, as is
    a missing or repeated one unless it is in `repeating` (zero or more) or optional."""
    place = f"{where}, extension '{short_url(extension['url'])}'"
    found: dict[str, list[dict]] = {}
    for part in value(extension, "extension", list, place):
        name = part.get("url") if isinstance(part, dict) else None
        if not isinstance(name, str) or name not in names | repeating:
            raise Refused(place, f"part '{str(name)[:80]}' is not supported")
        if name in found and name not in repeating:
            raise Refused(place, f"part '{name}' is given more than once")
        found.setdefault(name, []).append(part)
    return found


def part_value(found: dict[str, list[dict]], name: str, key: str, kind: type,
               where: str, required: bool = True) -> Any:
    """The value of the (single) part `name`; None if it is missing and optional."""
    if name not in found:
        if required:
            raise Refused(where, f"the part '{name}' is missing")
        return None
    return value(found[name][0], key, kind, f"{where}, part '{name}'")


def language_text(extension: dict[str, Any], where: str) -> dict[str, str]:
    """Our text extension: one valueString part per language (see `fhir_terms`)."""
    found = parts(extension, set(s.LANGUAGES), set(), where)
    return {lang: part_value(found, lang, "valueString", str, where) for lang in s.LANGUAGES}


def texts(data: dict[str, Any], name: str, base: str, where: str) -> dict[str, str] | None:
    """`data[name]` in the base language with its translations from `_name`, as
    {'nb': …, 'nn': …, 'en': …}; None when the element is absent. Every language is needed:
    a definition is shown in all three."""
    if name not in data:
        if f"_{name}" in data:
            raise Refused(where, f"'_{name}' without '{name}' is not supported")
        return None
    result = {base: value(data, name, str, where)}
    extra = data.get(f"_{name}", {})
    if not isinstance(extra, dict):
        raise Refused(where, f"'_{name}' must be an object")
    only_keys(extra, {"extension"}, f"{where}, '_{name}'")
    for translation in extensions(extra, {t.TRANSLATION}, where).get(t.TRANSLATION, []):
        found = parts(translation, {"lang", "content"}, set(), where)
        lang = part_value(found, "lang", "valueCode", str, where)
        if lang not in s.LANGUAGES:
            raise Refused(where, f"a translation to '{lang[:20]}' is not supported "
                                 "(only nb, nn and en)")
        if lang in result:
            raise Refused(where, f"the {name} is given twice in {lang}")
        result[lang] = part_value(found, "content", "valueString", str, where)
    missing = [lang for lang in s.LANGUAGES if lang not in result]
    if missing:
        raise Refused(where, f"the {name} has no translation to {missing[0]} (give it with the "
                             f"translation extension on '_{name}')")
    return result


def control_code(item: dict[str, Any], where: str) -> str | None:
    """The itemControl code of a display item ('help', 'lower', 'upper'), None if none."""
    found = extensions(item, {t.ITEM_CONTROL}, where)
    control = single(found, t.ITEM_CONTROL, where)
    if control is None:
        return None
    concept = value(control, "valueCodeableConcept", dict, where)
    codings = value(concept, "coding", list, where)
    codes = [c.get("code") for c in codings
             if isinstance(c, dict) and c.get("system") == t.ITEM_CONTROL_SYSTEM]
    if len(codes) != 1 or not isinstance(codes[0], str):
        raise Refused(where, "the itemControl must have one code of "
                             "http://hl7.org/fhir/questionnaire-item-control")
    return codes[0]
