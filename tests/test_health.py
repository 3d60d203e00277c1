"""Health checks: plain text, no login; `/healthz` follows the database, `/healthz/live` not."""

from __future__ import annotations

import socket

from tests.conftest import make_app


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def assert_plain(response, status: int, text: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == text + "\n"


def test_health_answers_ok_while_the_database_answers(client):
    assert_plain(client.get("/healthz"), 200, "ok")
    assert_plain(client.get("/healthz/live"), 200, "ok")


def test_health_is_503_when_the_database_is_down_but_liveness_is_not():
    app = make_app(f"postgresql://postgres@127.0.0.1:{closed_port()}/nowhere")
    client = app.test_client()
    assert_plain(client.get("/healthz"), 503, "database unavailable")
    assert_plain(client.get("/healthz/live"), 200, "ok")
    app.extensions["db_engine"].dispose()
