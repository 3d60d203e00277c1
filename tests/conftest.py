"""Fixtures in the flaskr pattern: `app` with its own throwaway database, `client`,
`runner`, and helpers to make surveys and answer them.

Every test that takes `app` runs on SQLite, and again on PostgreSQL when
TEST_DATABASE_URL is set (CI sets it). Each database is migrated once per session with
the real Alembic migrations; tests then start from a copy (SQLite) or from emptied
tables (PostgreSQL).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

import database
from app import create_app
from questionnaires.queries import latest_version
from surveys.cli import upgrade_database
from surveys.models import Layout, LinkMode, Network, Organisation, Survey, Unit

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
DATA_TABLES = ["answer_tallies", "score_tallies", "follow_up_codes", "guess_failures", "answers",
               "responses", "single_use_links", "surveys", "units", "organisations", "gatherings",
               "networks", "audit_entries", "password_links", "login_failures", "api_tokens",
               "account_networks", "account_units", "accounts"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database to copy for each test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}",
                      "SECRET_KEY": "test"})
    with app.app_context():
        upgrade_database()
    app.extensions["db_engine"].dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> str | None:
    """The PostgreSQL test database, migrated once (None when not configured)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    engine = database.make_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test"})
    with app.app_context():
        upgrade_database()
    app.extensions["db_engine"].dispose()
    return url


def make_app(url: str, **extra) -> Flask:
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", **extra})


def fresh_database(backend: str, folder: Path, sqlite_template: Path,
                   postgres_url: str | None) -> str:
    """The URL of a migrated database with no data but the built-in questionnaires: a copy
    of the SQLite template in `folder`, or the PostgreSQL test database emptied."""
    if backend == "sqlite":
        path = folder / "test.sqlite"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    engine = database.make_engine(postgres_url)
    with engine.begin() as connection:
        tables = ", ".join(DATA_TABLES)
        connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        connection.execute(sa.text(
            "DELETE FROM questionnaire_versions WHERE origin <> 'builtin'"))
    engine.dispose()
    return postgres_url


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, sqlite_template, postgres_url) -> Iterator[Flask]:
    url = fresh_database(request.param, tmp_path, sqlite_template, postgres_url)
    application = make_app(url)
    yield application
    application.extensions["db_engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def db(app: Flask):
    with app.app_context():
        yield database.session()


@pytest.fixture
def make_survey(app: Flask):
    """Create a survey of a built-in questionnaire for a fresh unit; returns it detached."""
    made = []

    def make(slug: str = "psfs", **overrides) -> Survey:
        with app.app_context():
            db = database.session()
            network = Network(name=f"Testnettverk {len(made) + 1}")
            unit = Unit(name="Testenhet", organisation=Organisation(
                name="Testkommune", kind="kommune", network=network))
            values = {"title": f"Test {slug}", "questionnaire": latest_version(db, slug),
                      "unit": unit, "layout": Layout.ONE_PAGE, "link_mode": LinkMode.OPEN}
            values.update(overrides)
            survey = Survey(**values)
            db.add(survey)
            db.commit()
            made.append(survey)
            return survey

    return make


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([^"]+)"')


def form_tokens(html: str) -> dict[str, str]:
    """The CSRF token and submission key of a rendered survey page."""
    return {"csrf_token": CSRF.search(html).group(1),
            "submission_key": KEY.search(html).group(1)}


def respond(client: FlaskClient, token: str, answers: dict, nav: str = "submit", page: int = 0):
    """Open a survey link and post `answers` as one page; return the POST response."""
    start = client.get(f"/s/{token}")
    assert start.status_code == 200, start.status_code
    data = {**form_tokens(start.get_data(as_text=True)), "page": str(page), "nav": nav, **answers}
    return client.post(f"/s/{token}", data=data)


def response_count(app: Flask, survey_id: int) -> int:
    from surveys.queries import response_count as count

    with app.app_context():
        return count(database.session(), survey_id)


PASSWORD = "en lang og god setning"


@pytest.fixture
def make_account(app: Flask):
    """Create a staff account; pass networks=[...] / units=[...] (ids) for its scope."""

    def make(email: str = "leder@kommune.no", password: str | None = PASSWORD,
             networks: tuple[int, ...] = (), units: tuple[int, ...] = (), **kw):
        from surveys.account_models import Account
        from surveys.auth import hash_password

        with app.app_context():
            db = database.session()
            account = Account(email=email, name=kw.pop("name", "Leder"),
                              password_hash=hash_password(password) if password else None, **kw)
            account.networks = [db.get(Network, n) for n in networks]
            account.units = [db.get(Unit, u) for u in units]
            db.add(account)
            db.commit()
            return account

    return make


def csrf_of(html: str) -> str:
    """The CSRF token of a rendered form (WTForms or a plain hidden input)."""
    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html).group(1)


def log_in(client: FlaskClient, email: str, password: str = PASSWORD):
    page = client.get("/admin/login")
    return client.post("/admin/login", data={"csrf_token": csrf_of(page.get_data(as_text=True)),
                                             "email": email, "password": password})


def leads(app: Flask, make_account, survey_id: int) -> tuple[str, str]:
    """Accounts for the survey's unit lead and its network's lead; returns their e-mails."""
    with app.app_context():
        survey = database.session().get(Survey, survey_id)
        unit_id, network_id = survey.unit_id, survey.unit.organisation.network_id
    make_account("enhet@a.no", units=(unit_id,))
    make_account("nett@a.no", networks=(network_id,))
    return "enhet@a.no", "nett@a.no"


def page_of(client: FlaskClient, email: str, url: str) -> str:
    """A staff page in English as `email` sees it (which must answer 200)."""
    client.set_cookie("lang", "en")
    log_in(client, email)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)

