"""The OpenAPI document against the models that build the answers: it lists every route,
every object in it allows exactly its model's fields and no other, and a model refuses a
field it does not declare or a figure the small-group rule holds back. Together: a field
cannot be added to an answer without appearing in the document.
"""

from __future__ import annotations

import re

import jsonschema
import pytest
from pydantic import ValidationError

from api import models as api_models
from api import schema as api_schema


def test_the_description_lists_every_route(app, client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert document == api_schema.document()
    assert document["openapi"].startswith("3.1")
    for schema in document["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)  # OpenAPI 3.1 is 2020-12
    described = {re.sub(r"\{(\w+)\}", r"<int:\1>", path) for path in document["paths"]}
    routes = {rule.rule.removeprefix("/api/v1") for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi"}
    assert routes == described


def test_each_documented_object_has_exactly_its_models_fields():
    schemas = api_schema.document()["components"]["schemas"]
    assert {"Survey", "Item", "Change", "GatheringMean", "ResultsAnswer"} <= set(schemas)
    for name, schema in schemas.items():
        fields = list(getattr(api_models, name).model_fields)
        assert schema["additionalProperties"] is False, name
        assert list(schema["properties"]) == fields and schema["required"] == fields, name


def test_a_field_not_in_the_document_cannot_be_added_to_an_answer():
    answer = {"small_group_minimum": 5, "units": []}
    assert api_models.UnitsAnswer(**answer).model_dump(mode="json") == answer
    with pytest.raises(ValidationError, match="comment\n  Extra inputs are not permitted"):
        api_models.UnitsAnswer(**answer, comment="Kari på nattevakt")


def test_a_held_back_figure_cannot_be_built():
    held_back = {"id": "resultat", "text": "Resultat", "suppressed": True, "n": None,
                 "mean": None, "ci_low": None, "ci_high": None, "mean_0_100": None}
    assert api_models.Category(**held_back).n is None
    with pytest.raises(ValidationError, match="suppressed, yet n, mean given"):
        api_models.Category(**held_back | {"n": 4, "mean": 3.5})
