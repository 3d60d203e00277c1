"""The development server's log (`make run`, `flask run`): masked as gunicorn's access log is
(tests/test_production_server.py), and without the client's address. A unit lead who runs a
small pilot with `make run` must not read in the terminal when each link was answered, or
from where."""

from __future__ import annotations

import logging
import socket
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from web.log_masking import masked_line


def get(base: str, path: str) -> int:
    try:
        with urllib.request.urlopen(base + path, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def send_raw(port: int, request_line: bytes) -> None:
    """A request line the server refuses (four words): its refusal quotes the line."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(request_line + b"\r\n\r\n")
        raw.recv(4096)


def test_the_development_server_logs_no_address_token_or_query(app, make_survey, caplog):
    token = make_survey(title="Logget").public_token
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            assert get(base, f"/s/{token}?lang=en") == 200
            assert get(base, f"/s/{token}/takk") == 200
            assert get(base, "/admin/set-password/secret-password-token") == 410  # unknown
            send_raw(server.server_port, f"GET /s/{token} HTTP/1.1 extra".encode())
    finally:
        server.shutdown()
        thread.join(10)
    logged = "\n".join(record.getMessage() for record in caplog.records
                       if record.name == "werkzeug")
    assert '"GET /s/* HTTP/1.1" 200' in logged
    assert "/s/*/takk" in logged and "/admin/set-password/*" in logged
    assert "GET /s/* HTTP/1.1 extra" in logged  # the refused line, quoted in its refusal
    for secret in (token, "secret-password-token", "lang=en", "127.0.0.1"):
        assert secret not in logged, secret


@pytest.mark.parametrize(("line", "masked"), [
    ('::1 - - [04/Dec/2026 23:15:23] "GET /s/Abc123/kode/K7QM HTTP/1.1" 200 -',
     '- - - [04/Dec/2026 23:15:23] "GET /s/*/kode/* HTTP/1.1" 200 -'),
    ('10.0.0.7 - - [04/Dec/2026 23:15:26] "\x1b[33mGET /s/Abc?x=1 HTTP/1.1\x1b[0m" 404 -',
     '- - - [04/Dec/2026 23:15:26] "\x1b[33mGET /s/* HTTP/1.1\x1b[0m" 404 -'),
    ("10.0.0.7 - - [04/Dec/2026 23:15:26] code 400, message Bad request syntax "
     "('POST /admin/unsubscribe/MQ.hDW HTTP/1.1 x')",
     "- - - [04/Dec/2026 23:15:26] code 400, message Bad request syntax "
     "('POST /admin/unsubscribe/* HTTP/1.1 x')"),
    (" * Running on http://127.0.0.1:5000", " * Running on http://127.0.0.1:5000"),
])
def test_a_log_line_keeps_its_shape_without_its_secrets(line, masked):
    assert masked_line(line) == masked
