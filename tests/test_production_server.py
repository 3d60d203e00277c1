"""The production server: gunicorn.conf.py's settings, and an access log that keeps no
link token, follow-up code, query string or client address."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from web.access_log import MaskingLogger, masked_path

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "gunicorn.conf.py"


@pytest.mark.parametrize(("path", "logged"), [
    ("/s/Abc123_-xyz", "/s/*"),
    ("/s/Abc123/takk", "/s/*/takk"),
    ("/s/Abc123/kode/K7QM3XTD/lapp", "/s/*/kode/*/lapp"),
    ("/s/Abc123/oppfolging/K7QM3XTD", "/s/*/oppfolging/*"),
    ("/s/Abc123/oppfolging/skjema", "/s/*/oppfolging/skjema"),
    ("/admin/set-password/secret-token-here", "/admin/set-password/*"),
    ("/admin/unsubscribe/MQ.hDWJ4EiBobniumi4TDbVoPKlEm4", "/admin/unsubscribe/*"),
    ("/admin/surveys/12", "/admin/surveys/12"),
    ("/healthz", "/healthz"),
    ("/s/a\nforged line", "/s/*"),
    ("/x\r\nforged line", "/x??forged line"),
])
def test_paths_are_logged_without_secrets(path, logged):
    assert masked_path(path) == logged


def _settings(monkeypatch, **env) -> dict:
    for name in ("BIND", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_settings_follow_the_cores_and_the_environment(monkeypatch):
    settings = _settings(monkeypatch)
    assert settings["workers"] == len(os.sched_getaffinity(0)) + 1
    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["worker_class"] == "gthread"
    assert settings["timeout"] >= 60  # a 40-second export must not be cut off
    changed = _settings(monkeypatch, BIND="127.0.0.1:9001", WEB_CONCURRENCY="7",
                        GUNICORN_THREADS="2")
    assert (changed["bind"], changed["workers"], changed["threads"]) == ("127.0.0.1:9001", 7, 2)


def test_gunicorn_accepts_every_setting(monkeypatch):
    config = Config()
    for name, value in _settings(monkeypatch).items():
        if name in config.settings:
            config.set(name, value)  # runs gunicorn's own validator
    assert config.logger_class is MaskingLogger
    for atom in ("%(r)s", "%(q)s", "%(h)s", "%(a)s", "%(f)s"):
        assert atom not in config.access_log_format


def test_no_log_format_can_reach_a_secret(monkeypatch):
    """Even a format an operator writes by hand gets nothing identifying."""
    config = Config()
    config.set("accesslog", "-")
    logger = MaskingLogger(config)
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": "/s/TOKEN123?s=SIG", "PATH_INFO":
               "/s/TOKEN123", "QUERY_STRING": "s=SIG", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": "Phone", "HTTP_REFERER":
               "https://x/s/TOKEN123"}
    request = SimpleNamespace(headers=[("REFERER", "https://x/s/TOKEN123"),
                                       ("X-FORWARDED-FOR", "198.51.100.7")])
    response = SimpleNamespace(status="303 SEE OTHER", sent=0,
                               headers=[("Location", "/s/TOKEN123/takk")])
    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=5))
    hostile = ("%(h)s %(r)s %(U)s %(q)s %(a)s %(f)s %({referer}i)s %({x-forwarded-for}i)s "
               "%({location}o)s %({raw_uri}e)s %({remote_addr}e)s")
    line = hostile % logger.atoms_wrapper_class(atoms)
    for secret in ("TOKEN123", "SIG", "198.51.100.7", "Phone"):
        assert secret not in line
    assert "POST /s/* HTTP/1.1" in line


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_status(port: int, path: str) -> int:
    """The status a server on 127.0.0.1:`port` answers a GET of `path` with."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def _wait_until_up(port: int, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn stopped"
        try:
            if get_status(port, "/healthz/live") == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer within 30 s")


def send_raw(port: int, request_line: str) -> None:
    """Send `request_line` as it is, for a line the server refuses itself before the app
    sees it (gunicorn: no version; werkzeug: four words); its refusal quotes the line."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(request_line.encode() + b"\r\n\r\n")
        raw.recv(4096)


def test_gunicorn_serves_with_this_configuration_and_masks_the_logs(app, make_survey, tmp_path):
    """The access log, and the error log, where gunicorn writes each request it refuses
    with the client's address and the request line as sent."""
    token = make_survey("samling").public_token
    port = _free_port()
    log, errors = tmp_path / "access.log", tmp_path / "error.log"
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "test",
           "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2",
           "ACCESS_LOG": str(log)}
    with errors.open("w") as error_log:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(CONF)],
                                  cwd=ROOT, env=env, stdout=error_log, stderr=error_log)
        try:
            _wait_until_up(port, server)
            assert get_status(port, f"/s/{token}?from=poster-in-room-12") == 200
            assert get_status(port, f"/s/{token}/takk") == 200
            assert get_status(port, "/healthz") == 200
            send_raw(port, f"GET /s/{token}?from=poster-in-room-12")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    written = log.read_text()
    assert '"GET /s/*" 200' in written and '"GET /s/*/takk" 200' in written
    assert '"GET /healthz" 200' in written
    refused = errors.read_text()
    assert "Invalid request from ip=-" in refused and "'GET /s/*'" in refused
    for secret in (token, "poster-in-room-12", "ip=127.0.0.1"):
        assert secret not in written + refused, secret
    assert "127.0.0.1" not in written
