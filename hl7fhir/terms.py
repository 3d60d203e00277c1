"""The HL7 FHIR R4 vocabulary the Questionnaire export, import and response export share.

Standard extensions are used where FHIR R4 has a place for what a definition says; what FHIR
has no place for (categories, a scale's good end, the follow-up, the pathway, the purpose,
the source, a repeating group's row label) travels in extensions of our own, so that a definition
survives the round trip exactly. Our extensions live under `EXTENSION_BASE`, a fixed URL
that identifies this software, not an installation: a Questionnaire exported by one
installation imports into another. `.invalid` makes plain that nothing is published there.

The canonical URL of a questionnaire is the installation's `FHIR_BASE_URL` (config, set it
with the environment variable SURVEY_FHIR_BASE_URL to an address of your own) followed by
'/Questionnaire/<id>'; the version is the definition's version.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from questionnaires import schema as s

DEFAULT_BASE_URL = "https://example.invalid/fhir"
BASE_LANGUAGE = "nb"
TRANSLATED = tuple(lang for lang in s.LANGUAGES if lang != BASE_LANGUAGE)

# Standard (core R4) extensions and code systems.
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
MIN_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-minOccurs"
MAX_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

# Our own extensions.
EXTENSION_BASE = "https://hva-er-viktig.invalid/fhir/StructureDefinition/"
SOURCE = EXTENSION_BASE + "source"                          # Questionnaire: where items come from
SCALE_DEFINITION = EXTENSION_BASE + "scale-definition"      # Questionnaire: one scale
CATEGORY_DEFINITION = EXTENSION_BASE + "category-definition"  # Questionnaire: one category
FOLLOW_UP = EXTENSION_BASE + "follow-up"                    # Questionnaire: group/label/score
PATHWAY = EXTENSION_BASE + "pathway"                        # Questionnaire: start/label
PURPOSE = EXTENSION_BASE + "purpose"                        # Questionnaire: what reads it
SCALE = EXTENSION_BASE + "scale"                            # item: the scale it is scored on
CATEGORY = EXTENSION_BASE + "category"                      # item: its category
CHECKLIST = EXTENSION_BASE + "checklist"                    # item: a checklist step
YEARS_BACK = EXTENSION_BASE + "years-back"                  # date item: earliest year accepted
ROW_LABEL = EXTENSION_BASE + "row-label"                    # repeating group: a row's label
RESPONSE_SOURCE = EXTENSION_BASE + "response-source"        # QuestionnaireResponse: web/paper
PAIR = EXTENSION_BASE + "pair"                              # QuestionnaireResponse: id, role
ROW = EXTENSION_BASE + "row"                                # QR group item: row number, from 1

DONT_KNOW = "dont_know"
SECTION_PREFIX = "section-"
INTRO_LINK = "questionnaire-intro"


def base_url() -> str:
    """The installation's FHIR base URL (config FHIR_BASE_URL), without a trailing '/'."""
    return (current_app.config.get("FHIR_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def canonical(base_url: str, questionnaire_id: str) -> str:
    """The questionnaire's canonical URL (without the version)."""
    return f"{base_url.rstrip('/')}/Questionnaire/{questionnaire_id}"


def translations(text: s.Text) -> dict[str, Any]:
    """The `_element` of a string element: its nn and en texts as translation extensions."""
    return {"extension": [
        {"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": lang},
                                           {"url": "content", "valueString": text.get(lang)}]}
        for lang in TRANSLATED]}


def text_fields(name: str, text: s.Text) -> dict[str, Any]:
    """`{name: bokmål text, _name: the other languages}` for a string element."""
    return {name: text.get(BASE_LANGUAGE), f"_{name}": translations(text)}


def text_extension(url: str, text: s.Text) -> dict[str, Any]:
    """One of our extensions holding a text in every language: a sub-extension per
    language ('nb', 'nn', 'en'), each a valueString.

    Not `valueString` with the translation extension on `_valueString`: valid FHIR JSON,
    but tools (the `fhir.resources` models among them) refuse a primitive extension on a
    choice-type value, and our extensions should be read by anyone.
    """
    return {"url": url, "extension": [{"url": lang, "valueString": text.get(lang)}
                                      for lang in s.LANGUAGES]}


def item_control(code: str) -> dict[str, Any]:
    """The itemControl extension with one code, such as 'help', 'lower' or 'upper'."""
    return {"url": ITEM_CONTROL, "valueCodeableConcept": {
        "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code}]}}


def is_numeric_rating(scale: s.Scale, item: s.ScaleItem) -> bool:
    """Whether a scale item exports as an `integer` rather than as a `choice`.

    A scale labelled at its two ends only, without «don't know» (PSFS: 0 «cannot do the
    activity» … 10 «can do it as before»), is a numeric rating: FHIR says that with an
    integer item, its bounds (minValue/maxValue) and the end labels as display items with
    the itemControl codes 'lower' and 'upper'. A scale with labelled inner steps or a
    «don't know» is a `choice` with one answerOption per step and its ordinalValue.
    """
    return not item.dont_know and set(scale.labels) == {scale.min, scale.max}
