"""The OpenAPI 3.1 document of the JSON API, served at /api/openapi.json.

Written by hand as plain dicts (no generator to learn or keep up to date): the API is small,
and the document is the contract, so it says exactly what each answer holds. Every object
lists all its fields as required with `additionalProperties: false`, and a figure held back
by the small-group rule is required to be null (`if suppressed then null`), so a test that
checks every answer against this document (tests/test_api_schemathesis.py) also checks that
nothing held back and nothing undocumented (such as free text) slips out.
"""

from __future__ import annotations

import copy
from typing import Any

Schema = dict[str, Any]

INT: Schema = {"type": "integer"}
COUNT: Schema = {"type": "integer", "minimum": 0}
NUM: Schema = {"type": "number"}
SHARE: Schema = {"type": "number", "minimum": 0, "description": "a fraction: 0.4 is 40 %"}
STR: Schema = {"type": "string"}
BOOL: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "format": "date"}
ID: Schema = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    if "type" in schema and "$ref" not in schema:
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def obj(properties: dict[str, Schema], description: str | None = None, **extra: Any) -> Schema:
    """An object whose every field is required and which has no other field."""
    found: Schema = {"type": "object", "properties": properties,
                     "required": list(properties), "additionalProperties": False, **extra}
    if description:
        found["description"] = description
    return found


def suppression(nulls: list[str], shown: dict[str, Schema] | None = None,
                empty: tuple[str, ...] = ()) -> Schema:
    """`if suppressed then these are null (and these lists empty) else these are shown`."""
    then = {name: {"type": "null"} for name in nulls} | {name: {"maxItems": 0} for name in empty}
    rule: Schema = {"if": {"properties": {"suppressed": {"const": True}}},
                    "then": {"properties": then}}
    if shown:
        rule["else"] = {"properties": shown}
    return rule


MEAN_FIELDS = {"n": nullable(COUNT), "mean": nullable(NUM), "ci_low": nullable(NUM),
               "ci_high": nullable(NUM)}
SUPPRESSED = {**BOOL, "description": "true: fewer answers than small_group_minimum; the "
                                     "figures are then null, never shown"}

SCHEMAS: dict[str, Schema] = {
    "Error": obj({"error": STR, "status": INT, "message": STR}),
    "Named": obj({"id": INT, "name": STR}),
    "Gathering": obj({"id": INT, "number": INT, "label": STR, "held_on": nullable(DATE)}),
    "Questionnaire": obj({"slug": STR, "version": INT, "title": STR}),
    "Survey": obj({
        "id": INT, "title": STR, "questionnaire": ref("Questionnaire"),
        "unit": nullable(ref("Named")), "organisation": nullable(ref("Named")),
        "gathering": nullable(ref("Gathering")), "network": ref("Named"),
        "period_label": nullable(STR),
        "phase": nullable({"type": "string", "enum": ["baseline", "follow_up"]}),
        "opens_on": nullable(DATE), "closes_on": nullable(DATE),
        "status": {"type": "string", "enum": ["draft", "open", "closed"]},
        "invited": nullable(COUNT), "suppressed": SUPPRESSED, "responses": nullable(COUNT),
    }, "A survey of a unit or of a gathering", **suppression(["responses"], {"responses": COUNT})),
    "MeanCI": obj({"n": COUNT, "mean": NUM, "ci_low": nullable(NUM), "ci_high": nullable(NUM)},
                  "A mean with its n and 95 % confidence interval (null ends for n = 1)"),
    "Difference": obj({"difference": NUM, "ci_low": NUM, "ci_high": NUM}),
    "Scale": obj({"min": INT, "max": INT, "good": {"type": "string", "enum": ["high", "low"]}}),
    "Category": obj({"id": STR, "text": STR, "suppressed": SUPPRESSED, **MEAN_FIELDS,
                     "mean_0_100": nullable(NUM)},
                    "A category score: per response the mean of its answers in the category",
                    **suppression([*MEAN_FIELDS, "mean_0_100"], {"n": COUNT, "mean": NUM})),
    "Step": obj({"step": INT, "label": nullable(STR), "count": COUNT}),
    "Count": obj({"value": STR, "text": nullable(STR), "count": COUNT}),
    "Item": obj({
        "id": STR, "kind": {"type": "string", "enum": ["scale", "choice", "checklist", "number"]},
        "text": STR, "scale": nullable(ref("Scale")), "suppressed": SUPPRESSED, **MEAN_FIELDS,
        "mean_0_100": nullable(NUM), "top_box": nullable(SHARE), "dont_know": nullable(COUNT),
        "steps": array(ref("Step")), "counts": array(ref("Count")),
    }, "One question; free-text questions are never listed",
        **suppression([*MEAN_FIELDS, "mean_0_100", "top_box", "dont_know"], {"n": COUNT},
                      empty=("steps", "counts"))),
    "Section": obj({"id": STR, "title": nullable(STR), "items": array(ref("Item"))}),
    "Overview": obj({"suppressed": SUPPRESSED, "responses": nullable(COUNT),
                     "response_rate": nullable(SHARE), "categories": array(ref("Category"))},
                    **suppression(["responses", "response_rate"], {"responses": COUNT},
                                  empty=("categories",))),
    "Change": obj({
        "suppressed": {**BOOL, "description": "true: fewer pairs than small_group_minimum"},
        "baselines": nullable(COUNT), "follow_ups": nullable(COUNT),
        "share_paired": nullable(SHARE), "baseline_mean": nullable(ref("MeanCI")),
        "follow_up_mean": nullable(ref("MeanCI")), "change": nullable(ref("MeanCI")),
        "improved": nullable(COUNT), "improved_share": nullable(SHARE),
        "improvement_threshold": NUM,
        "distribution": array(obj({"change": INT, "users": COUNT})),
    }, "The change over linked baseline and follow-up pairs (PSFS); never a single pair",
        **suppression(["baseline_mean", "follow_up_mean", "change", "improved",
                       "improved_share"], {"change": ref("MeanCI")}, empty=("distribution",))),
    "ComparisonCategory": obj({
        "id": STR, "text": STR, "suppressed": SUPPRESSED, "surveys_left_out": COUNT,
        "baseline": nullable(ref("MeanCI")), "follow_up": nullable(ref("MeanCI")),
        "difference": nullable(ref("Difference")), "baseline_0_100": nullable(NUM),
        "follow_up_0_100": nullable(NUM), "difference_0_100": nullable(ref("Difference")),
        "direction": nullable({"type": "string", "enum": ["better", "worse", "unclear"]}),
    }, **suppression(["baseline", "follow_up", "difference", "baseline_0_100",
                      "follow_up_0_100", "difference_0_100", "direction"],
                     {"baseline": ref("MeanCI"), "follow_up": ref("MeanCI")})),
    "Unit": obj({"id": INT, "name": STR, "archived": BOOL, "organisation": ref("Named"),
                 "network": ref("Named")}),
    "UnitSurvey": obj({"survey": ref("Survey"), "results": nullable(ref("Overview")),
                       "change": nullable(ref("Change"))}),
    "Network": obj({"id": INT, "name": STR, "archived": BOOL,
                    "gatherings": array(ref("Gathering"))}),
    "GatheringColumn": obj({
        "number": INT, "label": STR, "suppressed": SUPPRESSED, "responses": nullable(COUNT),
        "invited": nullable(COUNT), "response_rate": nullable(SHARE),
    }, **suppression(["responses", "response_rate"], {"responses": COUNT})),
    "GatheringItem": obj({
        "id": STR, "text": STR, "section": STR, "section_title": STR,
        "means": array(obj({"gathering": INT, "mean": nullable(NUM), "suppressed": SUPPRESSED},
                           **suppression(["mean"], {"mean": NUM}))),
    }),
}


def answer(properties: dict[str, Schema], **extra: Any) -> Schema:
    return obj({"small_group_minimum": {"type": "integer", "minimum": 1}, **properties},
               **extra)


ERRORS = {
    "401": ("No token, or a token that is not valid (revoked, mistyped, account deactivated)",
            {"WWW-Authenticate": {"schema": STR, "required": True}}),
    "404": ("Not found, or outside what the token's account may see", None),
    "429": ("Too many requests with this token; wait as Retry-After says", None),
    "503": ("The database is unavailable for a moment", None),
}


def responses(ok: Schema, bad_request: bool = False) -> Schema:
    found: Schema = {"200": {"description": "OK",
                             "content": {"application/json": {"schema": ok}}}}
    errors = dict(ERRORS)
    if bad_request:
        errors["400"] = ("The query is missing or not a number; the message says why", None)
        errors["422"] = ("The two surveys cannot be compared (another unit or "
                         "questionnaire, or the same survey); the message says why", None)
    for status, (description, headers) in sorted(errors.items()):
        found[status] = {"description": description,
                         "content": {"application/json": {"schema": ref("Error")}}}
        if headers:
            found[status]["headers"] = headers
    return found


def path_id(name: str, description: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": ID}


def operation(operation_id: str, summary: str, ok: Schema, parameters: list[Schema] = (),
              bad_request: bool = False) -> Schema:
    return {"get": {"operationId": operation_id, "summary": summary, "tags": ["figures"],
                    "parameters": list(parameters), "security": [{"bearerAuth": []}],
                    "responses": responses(ok, bad_request)}}


SURVEY_ID = path_id("survey_id", "The survey's number")
PATHS: dict[str, Schema] = {
    "/surveys": operation("listSurveys", "The surveys the token's account may see",
                          answer({"surveys": array(ref("Survey"))})),
    "/surveys/{survey_id}/results": operation(
        "surveyResults", "A survey's figures, as on its results page",
        answer({"survey": ref("Survey"), "suppressed": SUPPRESSED,
                "responses": nullable(COUNT), "response_rate": nullable(SHARE),
                "categories": array(ref("Category")), "sections": array(ref("Section"))},
               **suppression(["responses", "response_rate"], {"responses": COUNT},
                             empty=("categories", "sections"))),
        [SURVEY_ID]),
    "/surveys/{survey_id}/comparison": operation(
        "surveyComparison", "Baseline against follow-up: two surveys of one unit and "
        "questionnaire, the earlier as baseline, per category",
        answer({"baseline": ref("Survey"), "follow_up": ref("Survey"),
                "categories": array(ref("ComparisonCategory"))}),
        [SURVEY_ID, {"name": "with", "in": "query", "required": True, "schema": ID,
                     "description": "The other survey's number"}], bad_request=True),
    "/surveys/{survey_id}/change": operation(
        "surveyChange", "The change over linked pairs of a survey with a follow-up (PSFS)",
        answer({"survey": ref("Survey"), "change": ref("Change")}), [SURVEY_ID]),
    "/units": operation("listUnits", "The units the token's account may see",
                        answer({"units": array(ref("Unit"))})),
    "/units/{unit_id}": operation(
        "unit", "A unit's surveys with their category scores and change, as on its page",
        answer({"unit": ref("Unit"), "surveys": array(ref("UnitSurvey"))}),
        [path_id("unit_id", "The unit's number")]),
    "/networks": operation("listNetworks", "The networks the token's account may see",
                           answer({"networks": array(ref("Network"))})),
    "/networks/{network_id}/gatherings": operation(
        "gatheringTable", "The network's table of gathering evaluations",
        answer({"network": ref("Named"), "scale": nullable(ref("Scale")),
                "gatherings": array(ref("GatheringColumn")),
                "items": array(ref("GatheringItem"))}),
        [path_id("network_id", "The network's number")]),
}

DESCRIPTION = """Aggregated figures of anonymous surveys, the same as the staff pages show.

Make a token under *API tokens* on the staff pages and send it as
`Authorization: Bearer hev_…`. A token sees what its account sees; anything else answers 404.
Figures built on fewer answers than `small_group_minimum` are null with `"suppressed": true`.
Free text is never returned. Texts follow `Accept-Language` (nb, nn or en; nb by default)."""


def document() -> Schema:
    """The whole OpenAPI document (a fresh dict: callers may change their copy)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Hva er viktig for deg? – figures", "version": "1.0.0",
                 "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "paths": copy.deepcopy(PATHS),
        "components": {
            "schemas": copy.deepcopy(SCHEMAS),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "An API token: hev_…"}},
        },
        "security": [{"bearerAuth": []}],
    }
