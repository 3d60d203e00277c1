"""Rate limits on anonymous submission and on login: a friendly 429 with Retry-After, per
client address, and one count for every app instance that shares the storage."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from tests.conftest import PASSWORD, log_in, make_app, respond, response_count
from web import rate_limits

SAMLING_OK = {"balanse": "2", "nytte_totalt": "1"}
REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def limited_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Makes another app on the same database as `app`, with these limits and its own
    counts (in memory, or in `RATELIMIT_STORAGE_URI` when given)."""
    made: list[Flask] = []

    def make(**config) -> Flask:
        config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
        made.append(make_app(app.config["DATABASE_URL"], **config))
        return made[-1]

    yield make
    for instance in made:
        instance.extensions["db_engine"].dispose()


def assert_friendly_429(response) -> None:
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_submissions_over_the_limit_get_429_and_are_not_stored(app, make_survey, limited_app):
    survey = make_survey("samling")
    client = limited_app(RATELIMIT_SUBMIT="2 per minute").test_client()
    client.set_cookie("lang", "en")
    for _ in range(2):
        assert respond(client, survey.public_token, SAMLING_OK).status_code == 303
    assert_friendly_429(respond(client, survey.public_token, SAMLING_OK))
    assert response_count(app, survey.id) == 2
    assert client.get(f"/s/{survey.public_token}").status_code == 200  # reading is not limited


def test_the_limit_counts_per_client_address(app, make_survey, limited_app):
    survey = make_survey("samling")
    limited = limited_app(RATELIMIT_SUBMIT="1 per minute")
    first = limited.test_client()
    assert respond(first, survey.public_token, SAMLING_OK).status_code == 303
    assert respond(first, survey.public_token, SAMLING_OK).status_code == 429
    other = limited.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert respond(other, survey.public_token, SAMLING_OK).status_code == 303
    assert response_count(app, survey.id) == 2


def test_follow_up_posts_share_the_submission_limit(app, make_survey, limited_app):
    survey = make_survey("psfs")
    client = limited_app(RATELIMIT_SUBMIT="1 per minute").test_client()
    client.set_cookie("lang", "en")
    answers = {"activities-0-activity": "Komme meg hjem", "activities-0-score": "5"}
    assert respond(client, survey.public_token, answers).status_code == 303
    typed = client.post(f"/s/{survey.public_token}/oppfolging", data={"code": "ABCD-EFGH"})
    assert_friendly_429(typed)


def test_failed_logins_over_the_limit_get_429(app, make_account, limited_app):
    make_account()
    client = limited_app(RATELIMIT_LOGIN="2 per minute").test_client()
    client.set_cookie("lang", "en")
    for _ in range(2):
        assert log_in(client, "leder@kommune.no", "feil passord her").status_code == 422
    assert_friendly_429(log_in(client, "leder@kommune.no", PASSWORD))
    assert client.get("/admin/").status_code == 302  # the right password did not get in


def test_successful_logins_do_not_count(app, make_account, limited_app):
    make_account()
    client = limited_app(RATELIMIT_LOGIN="2 per minute").test_client()
    for _ in range(4):
        assert log_in(client, "leder@kommune.no").status_code == 303


def test_the_client_is_a_digest_of_its_network(app):
    def key(address: str) -> str:
        with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
            return rate_limits.client_key()

    assert key("2001:db8:1:2::1") == key("2001:db8:1:2:ffff::9")  # one /64
    assert key("2001:db8:1:2::1") != key("2001:db8:1:3::1")
    assert key("192.0.2.1") != key("192.0.2.2")
    assert "192.0.2.1" not in key("192.0.2.1")


@pytest.fixture
def redis_db():
    """Redis database 13, emptied before and after; the test is skipped without Redis."""
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    yield connection
    connection.flushdb()
    connection.close()


def test_two_instances_share_one_count_and_behave_as_one_site(app, make_survey, limited_app,
                                                             redis_db):
    survey = make_survey("samling")
    first, second = (limited_app(RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_SUBMIT="3 per minute")
                     for _ in range(2))
    one, two = first.test_client(), second.test_client()
    assert respond(one, survey.public_token, SAMLING_OK).status_code == 303
    assert respond(two, survey.public_token, SAMLING_OK).status_code == 303
    assert respond(one, survey.public_token, SAMLING_OK).status_code == 303
    assert respond(two, survey.public_token, SAMLING_OK).status_code == 429
    assert respond(one, survey.public_token, SAMLING_OK).status_code == 429
    assert response_count(app, survey.id) == 3
    assert redis_db.keys("*hva-er-viktig*")  # the count is in Redis, not in either process


def test_answers_are_taken_while_redis_is_down(app, make_survey, limited_app):
    """An unreachable Redis falls back to counting in memory: the site keeps answering."""
    survey = make_survey("samling")
    client = limited_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
                         RATELIMIT_SUBMIT="2 per minute").test_client()
    assert respond(client, survey.public_token, SAMLING_OK).status_code == 303
    assert respond(client, survey.public_token, SAMLING_OK).status_code == 303
    assert respond(client, survey.public_token, SAMLING_OK).status_code == 429
    assert response_count(app, survey.id) == 2


def test_an_app_wide_limit_an_operator_sets_still_counts(app, limited_app):
    """Only the views are limited here, so the limiter's check before every request is
    taken out (`rate_limits._no_check_before_every_request`); a default limit set in the
    settings brings it back."""
    client = limited_app(RATELIMIT_DEFAULT="2 per minute").test_client()
    client.set_cookie("lang", "en")
    assert [client.get("/").status_code for _ in range(2)] == [200, 200]
    assert_friendly_429(client.get("/"))
