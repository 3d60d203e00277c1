"""The client side of `bench/load.py`: a small HTTP/1.1 client on keep-alive connections,
one survey completion as a phone makes it, and a phase of many clients bounded in time and
count. asyncio on raw sockets, so that the server, not the client, is what is measured."""

from __future__ import annotations

import asyncio
import gzip
import random
import re
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

import brotli

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 10.0
MAX_PER_PHASE = 200_000  # completions or requests: the bound on count
CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
KEY = re.compile(rb'name="submission_key" value="([^"]+)"')
RADIO = re.compile(rb'type="radio" id="[^"]*" name="([^"]+)" value="([^"]+)"')


# --- A small HTTP/1.1 client on a keep-alive connection -----------------------------------

class Connection:
    """One keep-alive connection; requests one at a time, as a browser tab or a proxy."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: tuple[str, ...] = (),
                      body: bytes = b"") -> tuple[int, dict[str, list[str]], bytes]:
        return await asyncio.wait_for(self._exchange(method, path, headers, body),
                                      REQUEST_TIMEOUT)

    async def _exchange(self, method, path, headers, body):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}",
                 "Accept-Encoding: gzip, deflate, br", "Accept-Language: nb", *headers]
        if method == "POST":
            lines += ["Content-Type: application/x-www-form-urlencoded",
                      f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
        received: dict[str, list[str]] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            received.setdefault(name.strip().lower(), []).append(value.strip())
        if "chunked" in received.get("transfer-encoding", [""])[0]:
            raise ValueError("chunked response")
        length = int(received.get("content-length", ["0"])[0])
        content = await self.reader.readexactly(length) if length else b""
        if received.get("connection", [""])[0].lower() == "close":
            self.close()
        return int(status_line.split()[1]), received, _decoded(received, content)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _decoded(headers: dict[str, list[str]], content: bytes) -> bytes:
    encoding = headers.get("content-encoding", [""])[0]
    if encoding == "br":
        return brotli.decompress(content)
    if encoding == "gzip":
        return gzip.decompress(content)
    return content


# --- One completion, and a phase of many ----------------------------------------------------

@dataclass
class Phase:
    """What one phase measured."""

    completions: list[float] = field(default_factory=list)
    posts: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    acknowledged: int = 0
    elapsed: float = 0.0
    app_cpu: float = 0.0  # seconds of CPU in gunicorn's processes during the phase
    db_cpu: float = 0.0  # and in this database's PostgreSQL backends

    def cpu_ms(self) -> tuple[float, float]:
        """Milliseconds of app and database CPU per completion (or per bare request)."""
        done = max(len(self.completions), 1)
        return self.app_cpu * 1000 / done, self.db_cpu * 1000 / done


def answers_of(page: bytes) -> dict[str, str]:
    """The hidden fields and a random step of every scale on a survey page."""
    fields: dict[str, list[str]] = {}
    for name, value in RADIO.findall(page):
        fields.setdefault(name.decode(), []).append(value.decode())
    chosen = {name: random.choice([v for v in values if v != "dont_know"] or values)
              for name, values in fields.items()}
    return {"csrf_token": CSRF.search(page).group(1).decode(),
            "submission_key": KEY.search(page).group(1).decode(),
            "page": "0", "nav": "submit", **chosen}


async def complete(connection: Connection, token: str, phase: Phase) -> None:
    """GET the survey as a new visitor, POST the answers, follow the redirect."""
    started = time.perf_counter()
    status, headers, page = await connection.request("GET", f"/s/{token}")
    if status != 200:
        raise RuntimeError(f"GET page {status}")
    cookie = ("Cookie: " + "; ".join(c.split(";", 1)[0] for c in headers.get("set-cookie", [])),)
    body = urllib.parse.urlencode(answers_of(page)).encode()
    posted = time.perf_counter()
    status, headers, _ = await connection.request("POST", f"/s/{token}", cookie, body)
    if status != 303:
        raise RuntimeError(f"POST {status}")
    phase.acknowledged += 1
    phase.posts.append(time.perf_counter() - posted)
    location = urllib.parse.urlsplit(headers["location"][0]).path
    status, _h, _b = await connection.request("GET", location, cookie)
    if status != 200:
        raise RuntimeError(f"GET thank-you {status}")
    phase.completions.append(time.perf_counter() - started)


async def bare(connection: Connection, phase: Phase) -> None:
    started = time.perf_counter()
    status, _h, _b = await connection.request("GET", "/healthz/live")
    if status != 200:
        raise RuntimeError(f"GET /healthz/live {status}")
    phase.completions.append(time.perf_counter() - started)


async def run_phase(port: int, clients: int, seconds: float, step) -> Phase:
    """`clients` loops of `step` until the time is up or MAX_PER_PHASE steps are done."""
    phase = Phase()
    started = time.perf_counter()
    deadline = started + seconds

    async def client() -> None:
        connection = Connection(port)
        while time.perf_counter() < deadline and (
                len(phase.completions) + sum(phase.errors.values()) < MAX_PER_PHASE):
            try:
                await step(connection, phase)
            except Exception as exc:  # counted, and the next try opens a new connection
                phase.errors[f"{exc.__class__.__name__}: {exc}"[:80]] += 1
                connection.close()
        connection.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    phase.elapsed = time.perf_counter() - started
    return phase
