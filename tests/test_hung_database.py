"""A database that accepts connections and never answers (issue 20): the site must not hang.

Found: with such a database, `/healthz` and survey pages hung for over 100 s and
`/healthz/live` timed out behind them. The app runs here under gunicorn, as in production,
against a socket on 127.0.0.1 that accepts every connection and never says a word (a
PostgreSQL server that is stuck, or a firewall that swallows packets after the handshake).
Every page must answer within a few seconds: the friendly outage page for respondents, 503
for the readiness check and the API, and `/healthz/live` at once, also while other requests
wait on the database. Needs no PostgreSQL server, so it runs on every run of the suite.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app import create_app
from database import Timeouts
from tests.test_faults import free_port, http_request, session_cookie, wait_until

ROOT = Path(__file__).resolve().parent.parent
CONNECT_TIMEOUT = 2  # seconds: SURVEY_DATABASE_CONNECT_TIMEOUT for the server under test
PROMPT = CONNECT_TIMEOUT + 3  # «within a few seconds»: the timeout and some slack

pytestmark = pytest.mark.xdist_group("faults")  # starts gunicorn: one such test at a time


@pytest.fixture
def silent_database() -> Iterator[int]:
    """A port that accepts connections and never answers; the port number."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])  # kept open, never read or written
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        for connection in held:
            connection.close()
        listener.close()


@pytest.fixture
def server(silent_database, tmp_path) -> Iterator[int]:
    """The app under gunicorn (1 worker × 4 threads) on the silent database; its port."""
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    env = {**os.environ, "SECRET_KEY": "hung",
           "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{silent_database}/test",
           "SURVEY_DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--worker-class", "gthread",
         "--threads", "4", "--bind", f"127.0.0.1:{port}", "app:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: _live(port), 60, "gunicorn to start")
        yield port
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        log.close()


def _live(port: int) -> bool:
    try:
        return http_request(port, "GET", "/healthz/live").status == 200
    except OSError:
        return False


def timed(port: int, method: str, path: str, **kw):
    """The reply and how many seconds it took."""
    start = time.monotonic()
    reply = http_request(port, method, path, **kw)
    return reply, time.monotonic() - start


def test_every_kind_of_page_answers_within_seconds(server):
    login = http_request(server, "GET", "/admin/login")  # asks the database nothing
    token = login.text.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    with ThreadPoolExecutor(max_workers=3) as pool:
        # Three requests wait on the database at once; the fourth thread stays free.
        waiting = [pool.submit(timed, server, "GET", "/healthz") for _ in range(3)]
        time.sleep(0.3)
        live, took = timed(server, "GET", "/healthz/live")
        assert live.status == 200 and took < 1, took
        for future in waiting:
            ready, took = future.result()
            assert ready.status == 503 and took < PROMPT, (ready.status, took)
        # Then a page of each kind, the three waiting on the database side by side.
        sent = [pool.submit(timed, server, "GET", "/s/abcdefghijklmnopqrstuvwxyz123456"),
                pool.submit(timed, server, "POST", "/admin/login", body={
                    "csrf_token": token, "email": "leder@kommune.no", "password": "x" * 12},
                    cookie=session_cookie(login)),
                # A token must be looked up in the database.
                pool.submit(timed, server, "GET", "/api/v1/surveys",
                            headers={"Authorization": "Bearer hev_" + "t" * 43})]
        (page, took), (staff, staff_took), (api, api_took) = (s.result() for s in sent)

    assert page.status == 503 and took < PROMPT, (page.status, took)
    assert "The service is busy right now" in page.text  # the friendly page, in English
    assert staff.status == 503 and staff_took < PROMPT, (staff.status, staff_took)
    assert api.status == 503 and api_took < PROMPT, (api.status, api_took)


def test_the_timeouts_are_settings_and_a_bad_one_stops_the_start():
    assert Timeouts.from_config({}) == Timeouts(connect=5, pool=5, statement=30)
    assert Timeouts.from_config({"DATABASE_CONNECT_TIMEOUT": "2",
                                 "DATABASE_STATEMENT_TIMEOUT": 10}) == Timeouts(2, 5, 10)
    for bad in ("0", "-1", "2.5", "fem", True, 601, ""):
        with pytest.raises(ValueError, match="DATABASE_CONNECT_TIMEOUT must be a whole number"):
            create_app({"DATABASE_CONNECT_TIMEOUT": bad, "TESTING": True})
