"""Start `provider.mjs` (a real OpenID Connect provider, npm `oidc-provider`) on a free port
of 127.0.0.1, and play the browser's part at its pages with plain HTTP requests.

Missing Node or the npm package fails the tests, never skips them: `make test` installs
the package (`npm ci`), and a test suite that quietly leaves out the login is no test of it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = Path(__file__).with_name("provider.mjs")
PACKAGE = ROOT / "node_modules" / "oidc-provider" / "package.json"
SITE = "http://localhost"  # the Flask test client's address: redirect URIs point here
STARTUP_SECONDS = 15


class NodeProvider:
    """One provider process; its clients are fixed at start, its accounts may change."""

    def __init__(self, folder: Path, clients: list[dict[str, Any]]) -> None:
        node = shutil.which("node")
        if node is None:
            pytest.fail("The OpenID Connect tests need Node.js (node on PATH): install it")
        if not PACKAGE.exists():
            pytest.fail("The OpenID Connect tests need the npm package oidc-provider: run "
                        "`make node_modules/.installed` (npm ci)")
        self.settings = folder / "provider.json"
        self.clients = clients
        self.accounts: dict[str, dict[str, Any]] = {}
        self._write()
        self.log = folder / "provider.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [node, str(SCRIPT), str(self.settings)], cwd=ROOT, stdout=subprocess.PIPE,
                stderr=log, start_new_session=True)
        self.issuer = self._ready()

    def _write(self) -> None:
        text = json.dumps({"clients": self.clients, "accounts": self.accounts})
        self.settings.with_suffix(".tmp").write_text(text, encoding="utf-8")
        os.replace(self.settings.with_suffix(".tmp"), self.settings)

    def _ready(self) -> str:
        """The issuer the process prints, once its discovery document answers."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.stop()
            pytest.fail(f"the OpenID Connect provider did not start:\n{self.log.read_text()}")
        issuer = json.loads(line)["issuer"]
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration",
                                timeout=2).ok:
                    return issuer
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                pytest.fail(f"the provider's discovery did not answer:\n{self.log.read_text()}")
            time.sleep(0.05)

    def stop(self) -> None:
        """End the process and whatever it started (its own process group)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def set_accounts(self, **accounts: dict[str, Any]) -> None:
        """The people who can log in at the provider, by account id (read at each login)."""
        self.accounts = accounts
        self._write()

    def tamper(self, claims: dict[str, Any] | None = None, key: str = "own") -> None:
        """Make the next ID token misbehave: other `claims` (None takes one out), signed with
        the provider's own key, another key under the same key id, or not at all."""
        requests.post(f"{self.issuer}/_test/tamper", json={"claims": claims or {}, "key": key},
                      timeout=5).raise_for_status()

    def log_in(self, authorization_url: str, login: str | None = None,
               deny: bool = False) -> str:
        """Go through the provider's pages from `authorization_url` as a browser would, as
        account `login` (or cancelling), until it sends the browser back to the site: the
        callback's address on the site, with its query string."""
        browser = requests.Session()
        location = authorization_url
        for _step in range(10):
            if location.startswith(SITE + "/"):
                return location
            if "/interaction/" in location:
                location = _with_query(location, {"deny": "1"} if deny else {"login": login})
            response = browser.get(location, allow_redirects=False, timeout=5)
            assert response.status_code in (302, 303), (response.status_code, response.text)
            location = urljoin(location, response.headers["Location"])
        raise AssertionError(f"the provider never sent the browser back: {location}")


def _with_query(url: str, extra: dict[str, str | None]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query) + [(k, v) for k, v in extra.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def callback_path(url: str, **replace: str | None) -> str:
    """The site's callback address as the test client takes it (path and query), with some
    parameters replaced (None takes one out), as an attacker would tamper with them."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    for key, value in replace.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return f"{parts.path}?{urlencode(query)}"
