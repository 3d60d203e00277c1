"""Schemathesis against /api/openapi.json through the WSGI app: generated requests to every
operation, and every answer checked against the document (status, content type, headers and
body, whose schemas require held-back figures to be null and allow no other field).

Three callers on the world of tests/test_api.py: the lead of network N with a valid token
(no 5xx, everything conforms), no token (always 401), and the lead of unit C, another
network's unit (401, 403 or 404 for anything of N, never its data: a 200 may only hold
what C's lead may see). The path ids are narrowed to the world's ids (plus one that does not
exist), so most generated requests reach real figures instead of a 404. The examples are
bounded, so the file runs in well under a minute per database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from api.schema import OPERATIONS as DOCUMENTED
from tests.conftest import BACKENDS, fresh_database, fuzz_settings, make_app
from tests.test_api import seed

ID_PARAMETERS = ("survey_id", "unit_id", "network_id", "with")
OPERATIONS = [operation.operation_id for operation in DOCUMENTED]
# A well-formed comparison of two surveys that cannot be compared (other unit, questionnaire)
# is a documented 422; every other check keeps Schemathesis's defaults.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict({"checks": {
    "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "422"]}}})
SETTINGS = settings(max_examples=30, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module", params=BACKENDS)
def api_world(request, sqlite_template, postgres_url, tmp_path_factory) -> Iterator[tuple]:
    """An app of its own for the module (requests only read), and the seeded world."""
    url = fresh_database(request.param, tmp_path_factory.mktemp("api"), sqlite_template,
                         postgres_url)
    app = make_app(url, RATELIMIT_API="100000 per minute")
    yield app, seed(app)
    app.extensions["db_engine"].dispose()


def narrowed(document: dict, highest: int) -> dict:
    """The document with every id parameter limited to 1 … highest."""
    for item in document["paths"].values():
        for parameter in item["get"]["parameters"]:
            if parameter["name"] in ID_PARAMETERS:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": highest}
    return document


@pytest.fixture(scope="module")
def api_schema(api_world):
    app, world = api_world
    document = app.test_client().get("/api/openapi.json").get_json()
    highest = max(value for value in world.values() if isinstance(value, int)) + 1
    loaded = schemathesis.openapi.from_dict(narrowed(document, highest), config=CONFIG)
    loaded.app = app
    return loaded


def explore(schema, operation_id: str, check, mode=GenerationMode.POSITIVE) -> None:
    """Run `check` on the cases Hypothesis generates for one operation (Schemathesis's own
    pytest plugin does not run under pytest 9, so the strategy is used directly)."""

    @given(case=schema.find_operation_by_id(operation_id).as_strategy(mode))
    @fuzz_settings(schema.app, SETTINGS)
    def run(case) -> None:
        check(case)

    run()


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_with_a_valid_token_every_answer_conforms(api_schema, api_world, operation_id, mode):
    _app, world = api_world

    def check(case) -> None:
        response = case.call_and_validate(headers=bearer(world["tokens"]["network_n"]))
        assert response.status_code < 500

    explore(api_schema, operation_id, check, mode)


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_without_a_token_every_answer_is_401(api_schema, operation_id):
    def check(case) -> None:
        generated = case.call()  # with whatever Authorization header was generated, if any
        case.headers = {key: value for key, value in (case.headers or {}).items()
                        if key.lower() != "authorization"}
        for response in (generated, case.call()):
            assert response.status_code == 401, response.text[:200]
            assert set(json.loads(response.text)) == {"error", "status", "message"}
            assert response.headers["www-authenticate"][0].startswith("Bearer")
            case.validate_response(response)

    explore(api_schema, operation_id, check)


def visible_to_unit_c(world: dict) -> dict[str, set[int]]:
    """Per id parameter, the objects the lead of unit C may see."""
    return {"survey_id": {world["C_2025"]}, "with": {world["C_2025"]},
            "unit_id": {world["C"]}, "network_id": {world["M"]}}


# Names and titles of network N's world, as they would appear in a JSON body.
NETWORK_N = [json.dumps(name) for name in ("N", "Kommune O", "A", "B", "A_2025", "A_2026",
                                           "A_small", "B_2025", "A_psfs", "G1", "G2")]


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_another_units_token_never_gets_this_networks_data(api_schema, api_world,
                                                           operation_id):
    _app, world = api_world
    allowed = visible_to_unit_c(world)

    def check(case) -> None:
        headers = bearer(world["tokens"]["unit_c"])
        response = case.call(headers=headers)
        case.validate_response(response, headers=headers)
        if response.status_code in (400, 401, 403, 404):
            return
        # 422: two surveys that cannot be compared (the same one twice, say). It comes only
        # after both were found within the token's scope, so it is held to the same rules
        # as an answer: every id asked for is one unit C may see, and nothing of N shows.
        assert response.status_code in (200, 422), response.status_code
        for key, value in {**case.path_parameters, **(case.query or {})}.items():
            if key in allowed:
                assert int(value) in allowed[key], (case.path, key, value)
        assert not [name for name in NETWORK_N if name in response.text], case.path

    explore(api_schema, operation_id, check)
