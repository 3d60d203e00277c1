"""The OpenAPI 3.1 document of the JSON API, served at /api/openapi.json.

Generated, not written: the schemas come from the pydantic models in `api.models` that also
build every answer, so the document describes exactly what is sent. Only what models cannot
say is written here, as a small table: the paths, their parameters and summaries, the
errors each may answer, and the security scheme. Every object lists all its fields as
required with `additionalProperties: false`, and a figure held back by the small-group rule
is required to be null (`if suppressed then null`), so the test that checks every answer
against this document (tests/test_api_schemathesis.py) also checks that nothing held back
and nothing undocumented (such as free text) slips out.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from api import models as m

Schema = dict[str, Any]
REF = "#/components/schemas/{model}"
ID: Schema = TypeAdapter(Annotated[int, Field(ge=1, le=2**31 - 1)]).json_schema()


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    where: Literal["path", "query"] = "path"


@dataclass(frozen=True)
class Operation:
    """One GET route under /api/v1 and the model of its 200 answer."""

    path: str
    operation_id: str
    summary: str
    answer: type[m.Answer]
    parameters: tuple[Parameter, ...] = ()
    bad_request: bool = False  # also 400 and 422, for a query that is wrong or cannot be met


SURVEY_ID = Parameter("survey_id", "The survey's number")
OPERATIONS: tuple[Operation, ...] = (
    Operation("/surveys", "listSurveys", "The surveys the token's account may see",
              m.SurveysAnswer),
    Operation("/surveys/{survey_id}/results", "surveyResults",
              "A survey's figures, as on its results page", m.ResultsAnswer, (SURVEY_ID,)),
    Operation("/surveys/{survey_id}/comparison", "surveyComparison",
              "Baseline against follow-up: two surveys of one unit and questionnaire, the "
              "earlier as baseline, per category", m.ComparisonAnswer,
              (SURVEY_ID, Parameter("with", "The other survey's number", "query")),
              bad_request=True),
    Operation("/surveys/{survey_id}/change", "surveyChange",
              "The change over linked pairs of a survey with a follow-up (PSFS)",
              m.ChangeAnswer, (SURVEY_ID,)),
    Operation("/units", "listUnits", "The units the token's account may see", m.UnitsAnswer),
    Operation("/units/{unit_id}", "unit",
              "A unit's surveys with their category scores and change, as on its page",
              m.UnitAnswer, (Parameter("unit_id", "The unit's number"),)),
    Operation("/networks", "listNetworks", "The networks the token's account may see",
              m.NetworksAnswer),
    Operation("/networks/{network_id}/gatherings", "gatheringTable",
              "The network's table of gathering evaluations", m.GatheringTableAnswer,
              (Parameter("network_id", "The network's number"),)),
)

ERRORS: dict[str, str] = {
    "401": "No token, or a token that is not valid (revoked, mistyped, account deactivated)",
    "404": "Not found, or outside what the token's account may see",
    "429": "Too many requests with this token; wait as Retry-After says",
    "503": "The database is unavailable for a moment",
}
BAD_REQUEST_ERRORS: dict[str, str] = {
    "400": "The query is missing or not a number; the message says why",
    "422": "The two surveys cannot be compared (another unit or questionnaire, or the same "
           "survey); the message says why",
}
HEADERS: dict[str, Schema] = {
    "401": {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}}}

DESCRIPTION = """Aggregated figures of anonymous surveys, the same as the staff pages show.

Make a token under *API tokens* on the staff pages and send it as
`Authorization: Bearer hev_…`. A token sees what its account sees; anything else answers 404.
Figures built on fewer answers than `small_group_minimum` are null with `"suppressed": true`.
Free text is never returned. Texts follow `Accept-Language` (nb, nn or en; nb by default)."""


class Untitled(GenerateJsonSchema):
    """No `title` on each field: its name says as much, and titles only lengthen the document."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def ref(model: type[m.Strict]) -> Schema:
    return {"$ref": REF.format(model=model.__name__)}


def json_content(model: type[m.Strict]) -> Schema:
    return {"application/json": {"schema": ref(model)}}


def responses(operation: Operation) -> Schema:
    """200 with the operation's answer, and every error it may give, each as an Error."""
    errors = ERRORS | (BAD_REQUEST_ERRORS if operation.bad_request else {})
    found: Schema = {"200": {"description": "OK", "content": json_content(operation.answer)}}
    for status, description in sorted(errors.items()):
        found[status] = {"description": description, "content": json_content(m.Error)}
        if status in HEADERS:
            found[status]["headers"] = copy.deepcopy(HEADERS[status])
    return found


def path_item(operation: Operation) -> Schema:
    parameters = [{"name": p.name, "in": p.where, "required": True,
                   "description": p.description, "schema": dict(ID)}
                  for p in operation.parameters]
    return {"get": {"operationId": operation.operation_id, "summary": operation.summary,
                    "tags": ["figures"], "parameters": parameters,
                    "security": [{"bearerAuth": []}], "responses": responses(operation)}}


@functools.cache
def _schemas() -> Schema:
    """Every model an answer or error uses, under its class name (built once: it is fixed)."""
    models: list[type[BaseModel]] = [m.Error, *(operation.answer for operation in OPERATIONS)]
    _, found = models_json_schema([(model, "serialization") for model in models],
                                  ref_template=REF, schema_generator=Untitled)
    return found["$defs"]


def document() -> Schema:
    """The whole OpenAPI document (a fresh dict: callers may change their copy)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Hva er viktig for deg? – figures", "version": "1.0.0",
                 "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "paths": {operation.path: path_item(operation) for operation in OPERATIONS},
        "components": {
            "schemas": copy.deepcopy(_schemas()),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "An API token: hev_…"}},
        },
        "security": [{"bearerAuth": []}],
    }
