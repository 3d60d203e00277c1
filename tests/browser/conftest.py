"""A live server on 127.0.0.1 with one survey of every built-in questionnaire, and
Playwright driving Debian's Chromium (a test tool may not download its own browser)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask
from werkzeug.serving import make_server

import database
from questionnaires.loader import builtin_definitions
from questionnaires.queries import latest_version
from surveys.models import Layout, Network, Organisation, Survey, Unit
from tests.browser.accessibility import with_axe
from tests.conftest import make_app

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium",
            "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 360, "height": 740},
            "locale": "nb-NO"}


@pytest.fixture
def context(context):
    """pytest-playwright's context for the test, with axe-core in every document it opens
    (`tests/browser/accessibility.py` says why)."""
    return with_axe(context)


@dataclass(frozen=True)
class LiveServer:
    url: str
    tokens: dict[str, str]  # questionnaire id -> public token (one page per section)
    one_page: dict[str, str]  # questionnaire id -> public token (all on one page)
    app: Flask  # to read what was stored
    closed: str  # the public token of a closed PSFS survey


CONTACT = "Spør sykepleier på avdelingen, tlf. 12 34 56 78"


@pytest.fixture(scope="session")
def live_server(sqlite_template, tmp_path_factory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("live") / "live.sqlite"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    tokens, one_page = {}, {}
    with app.app_context():
        db = database.session()
        unit = Unit(name="Nettleserenheten", organisation=Organisation(
            name="Nettleserkommunen", kind="kommune", network=Network(name="Nettlesernett")))
        for slug in builtin_definitions():
            for layout, target in ((Layout.PAGE_PER_SECTION, tokens), (Layout.ONE_PAGE, one_page)):
                # Follow-ups open at once here: these surveys test the pages, not the
                # earliest day (tests/browser/test_follow_up_path.py lets two weeks pass).
                survey = Survey(title=slug, questionnaire=latest_version(db, slug), unit=unit,
                                layout=layout, follow_up_earliest_days=0, contact=CONTACT)
                db.add(survey)
                db.flush()
                target[slug] = survey.public_token
        closed = Survey(title="closed", questionnaire=latest_version(db, "psfs"), unit=unit,
                        is_closed=True, contact=CONTACT)
        db.add(closed)
        db.commit()
        closed_token = closed.public_token
    with serve(app) as url:
        yield LiveServer(url, tokens, one_page, app, closed_token)


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve `app` on a free port of 127.0.0.1 in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def demo_app(sqlite_template, tmp_path_factory):
    """The demo network and its demo logins, in an app of its own (for a test that must move
    a date in its database, as time passing would)."""
    from surveys.demo import seed_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        seed_demo(database.session())
    return app


@pytest.fixture(scope="session")
def demo_server(demo_app) -> Iterator[str]:
    """A live server of the demo app."""
    with serve(demo_app) as url:
        yield url
