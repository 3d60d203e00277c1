"""Fixtures in the flaskr pattern: `app` with its own throwaway database, `client`,
`runner`, and helpers to make surveys and answer them. The app itself is the worker's one
app for the backend, reset after each test (`WorkerApp`).

Every test that takes `app` runs on one backend: PostgreSQL when TEST_DATABASE_URL is set
(CI sets it; production runs on it), else SQLite. Modules marked `both_backends`, whose
behaviour depends on the dialect (storing answers, counting and aggregating them in SQL,
exports, privacy, hostile input), run on SQLite and again on PostgreSQL. Each database is
migrated once per session with the real Alembic migrations; tests then start from a copy
(SQLite) or from emptied tables (PostgreSQL). Each worker of each run has a PostgreSQL
database of its own beside TEST_DATABASE_URL's (test_p4711_gw0: the run's process id and the
worker), dropped when the run ends, so other checkouts testing against the same server at
the same time never empty its tables.
"""

from __future__ import annotations

import copy
import datetime
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings

import database
from app import create_app
from questionnaires.queries import latest_version
from surveys.cli import upgrade_database
from surveys.models import Layout, LinkMode, Network, Organisation, Survey, Unit

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
ONE_BACKEND = BACKENDS[-1:]
KEPT_TABLES = {"alembic_version", "questionnaire_versions"}  # the built-in versions stay


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`app` on one backend, or on every backend for tests marked `both_backends`; a test
    that parametrises `app` itself keeps its own choice."""
    if "app" not in metafunc.fixturenames or any(
            "app" in _argnames(mark) for mark in metafunc.definition.iter_markers("parametrize")):
        return
    both = metafunc.definition.get_closest_marker("both_backends") is not None
    metafunc.parametrize("app", BACKENDS if both else ONE_BACKEND, indirect=True)


def _argnames(mark: pytest.Mark) -> list[str]:
    names = mark.args[0] if mark.args else mark.kwargs["argnames"]
    return [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)


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


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_without_disk_waits(dbapi_connection, _record) -> None:
    """Test databases on SQLite hand a commit to the operating system without waiting for
    the disk: a process that dies loses nothing by it (the fault tests kill processes), only
    a crash of the machine would, and no test outlives one."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def run_database_name(base: str) -> str:
    """The name of this run's own database beside `base`: `test_p4711_gw0` for worker gw0 of
    the pytest whose process id is 4711 (`main` without pytest-xdist). Other checkouts'
    runs on the same server (and this checkout's next run) never share it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    run = os.getppid() if worker else os.getpid()  # xdist's workers are the run's children
    return f"{base}_p{run}_{worker or 'main'}"


RUN_DATABASE = re.compile(r"_p(\d+)_(?:gw\d+|main)$")
_CREATED: list[tuple[str, str]] = []  # (server URL, database) made by this process


def worker_database(url: str) -> str:
    """A database of this run's own beside TEST_DATABASE_URL's (test → test_p4711_gw0), made
    empty, and dropped when the run ends (`pytest_sessionfinish`); never TEST_DATABASE_URL's
    own, which another checkout's tests may be using. Databases of runs that ended without
    dropping theirs (killed) are dropped here: their process is gone."""
    parsed = sa.make_url(database.normalise_url(url))
    name = run_database_name(parsed.database)
    server_url = parsed.set(database="postgres").render_as_string(hide_password=False)
    server = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        for (found,) in connection.execute(sa.text("SELECT datname FROM pg_database")):
            match = RUN_DATABASE.search(found)
            if (match and found.startswith(f"{parsed.database}_p")
                    and not Path(f"/proc/{match.group(1)}").exists()):
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{found}" WITH (FORCE)'))
        if not connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                 {"n": name}):
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            _CREATED.append((server_url, name))
    server.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the databases this process made (`worker_database`)."""
    for server_url, name in _CREATED:
        server = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
    _CREATED.clear()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """The PostgreSQL test database, migrated once (None when not configured)."""
    if not os.environ.get("TEST_DATABASE_URL"):
        yield None
        return
    url = worker_database(os.environ["TEST_DATABASE_URL"])
    engine = database.make_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        # A commit need not wait for the disk here: nothing must outlive a crash of the
        # server (the outage test starts a PostgreSQL of its own). From the next session on.
        connection.execute(sa.text(
            f'ALTER DATABASE "{engine.url.database}" SET synchronous_commit = off'))
    engine.dispose()
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test"})
    with app.app_context():
        upgrade_database()
    app.extensions["db_engine"].dispose()
    _EMPTYING[url] = (database.make_engine(url), *emptying_statements(url))
    yield url
    _EMPTYING.pop(url)[0].dispose()


# By URL: an engine, the statements that empty the database, and the tables they empty.
_EMPTYING: dict[str, tuple[sa.Engine, list[str], list[str]]] = {}


def emptying_statements(url: str) -> tuple[list[str], list[str]]:
    """What empties the migrated database but for the built-in questionnaires: a DELETE
    per table, children first, and the ids counted from 1 again. Measured here: 10–50 ms,
    against some 300 ms for TRUNCATE … RESTART IDENTITY CASCADE and for CREATE DATABASE
    … TEMPLATE of a migrated database (and DROP DATABASE after); sent as one query they take
    half the time of one round trip each."""
    engine = database.make_engine(url)
    metadata = sa.MetaData()
    metadata.reflect(bind=engine)
    engine.dispose()
    tables = [t for t in reversed(metadata.sorted_tables) if t.name not in KEPT_TABLES]
    restart = ", ".join(f"setval(pg_get_serial_sequence('{t.name}', 'id'), 1, false)"
                        for t in tables if "id" in t.c)  # NULL where no sequence
    return ([*(f"DELETE FROM {t.name}" for t in tables),
             "DELETE FROM questionnaire_versions WHERE origin <> 'builtin'", f"SELECT {restart}"],
            [*(t.name for t in tables), "questionnaire_versions"])


def make_app(url: str, **extra) -> Flask:
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", **extra})


def fresh_database(backend: str, folder: Path, sqlite_template: Path,
                   postgres_url: str | None) -> str:
    """The URL of a migrated database with no data but the built-in questionnaires: a copy
    of the SQLite template in `folder`, or the PostgreSQL test database emptied."""
    if backend == "sqlite":
        path = folder / "test.sqlite"
        for leftover in (folder / "test.sqlite-wal", folder / "test.sqlite-shm"):
            leftover.unlink(missing_ok=True)
        # A new file, not the old one overwritten: a connection a test left open keeps
        # reading the file it had, never a half-copied one.
        shutil.copy(sqlite_template, folder / "next.sqlite")
        os.replace(folder / "next.sqlite", path)
        return f"sqlite:///{path}"
    engine, statements, _tables = _EMPTYING[postgres_url]
    with engine.begin() as connection:  # one round trip: psycopg runs them as one query
        connection.connection.driver_connection.execute(";\n".join(statements))
    return postgres_url


class WorkerApp:
    """One app per backend for all the tests of a worker, and what it was when made.

    Building an app registers and compiles some 120 URL rules, and each new app compiles
    every template again: together two thirds of a simple test's time. Tests reuse one
    app instead, on a database made fresh for each (the URL stays the same), and `reset`
    puts back what a test may change: its configuration, its extensions (the per-app memos
    of `util.app_cache` go with them, as they are keyed by ids a fresh database reuses),
    and the rate limits' counts."""

    def __init__(self, url: str) -> None:
        self.app = make_app(url)
        self.config = dict(self.app.config)
        self.extensions = dict(self.app.extensions)

    def reset(self) -> None:
        engine = self.app.extensions["db_engine"]
        if engine.dialect.name != "postgresql":  # the next test's SQLite is another file
            engine.dispose()
        for limiter in self.app.extensions.get("limiter", ()):
            limiter.reset()
        self.app.config.clear()
        self.app.config.update(self.config)
        self.app.extensions.clear()
        self.app.extensions.update(self.extensions)


@pytest.fixture(scope="session")
def worker_apps() -> Iterator[dict[str, WorkerApp]]:
    """The worker's apps by backend, made on first use (`app` below)."""
    made: dict[str, WorkerApp] = {}
    yield made
    for worker_app in made.values():
        worker_app.app.extensions["db_engine"].dispose()


@pytest.fixture
def app(request, tmp_path_factory, sqlite_template, postgres_url, worker_apps) -> Iterator[Flask]:
    """The worker's app for the backend, on a database with nothing but the built-in
    questionnaires."""
    backend = request.param
    folder = tmp_path_factory.getbasetemp() / f"app-{backend}"
    folder.mkdir(exist_ok=True)
    url = fresh_database(backend, folder, sqlite_template, postgres_url)
    if backend not in worker_apps:
        worker_apps[backend] = WorkerApp(url)
    yield worker_apps[backend].app
    worker_apps[backend].reset()


@pytest.fixture(scope="session")
def kept_worlds(tmp_path_factory) -> dict:
    """The worlds `keep_world` has built in this worker, by backend and name."""
    return {"folder": tmp_path_factory.mktemp("worlds")}


@pytest.fixture
def keep_world(app, kept_worlds):
    """`keep_world(name, build)`: what `build()` returns, and the rows it stored, as if it
    had just run on the test's fresh database. The first test of the worker (per backend)
    that asks for `name` runs `build`, and the rows it stored are kept (a copy of the SQLite
    file; each PostgreSQL table COPYed out, and its id sequences); the others get those rows
    put back instead and a deep copy of what `build` returned. A world of a few hundred
    answers took 0.3–1 s to build through the app's own writes, on each of the tests
    that read it; putting it back takes milliseconds.

    A world asked for after the test has written (a second world, say) is built as before,
    on top. `build`'s result must be plain data (ids, e-mails, secrets: no ORM objects) and
    everything it does must be in the database (no `app.config`, nothing in a client's
    cookies); `name` says which world, with any parameter that changes it."""
    backend = app.extensions["db_engine"].dialect.name
    backend = "postgresql" if backend == "postgresql" else "sqlite"

    def keep(name: str, build):
        key = (backend, name)
        if not _untouched(app):  # on top of what the test (or another world) wrote
            return build()
        if key not in kept_worlds:
            result = build()
            kept_worlds[key] = (_snapshot(app, kept_worlds["folder"], len(kept_worlds)),
                                copy.deepcopy(result))
            return result
        snapshot, result = kept_worlds[key]
        _restore(app, snapshot)
        return copy.deepcopy(result)

    return keep


def _untouched(app: Flask) -> bool:
    """Whether the database holds none of what a world is made of."""
    tables = ("networks", "organisations", "units", "accounts", "surveys", "responses")
    with app.extensions["db_engine"].connect() as connection:
        return not connection.scalar(sa.text("SELECT " + " OR ".join(
            f"EXISTS (SELECT 1 FROM {table})" for table in tables)))


def _sequences(connection) -> list[str]:
    return list(connection.scalars(sa.text(
        "SELECT schemaname || '.' || sequencename FROM pg_sequences")))


def _snapshot(app: Flask, folder: Path, number: int):
    """The database's rows now: a copy of the SQLite file, or per PostgreSQL table its
    rows as COPY writes them (the built-in questionnaires left out), and the sequences."""
    engine = app.extensions["db_engine"]
    if engine.dialect.name != "postgresql":
        engine.dispose()
        path = folder / f"world{number}.sqlite"
        # SQLite's backup reads what is committed, the WAL included, whoever holds it open.
        with sqlite3.connect(engine.url.database) as source, sqlite3.connect(path) as copied:
            source.backup(copied)
        source.close()
        copied.close()
        return path
    tables = next(tables for made, _, tables in _EMPTYING.values()
                  if made.url.database == engine.url.database)
    with engine.begin() as connection:
        cursor = connection.connection.driver_connection.cursor()
        rows = {}
        for table in tables:
            where = " WHERE origin <> 'builtin'" if table == "questionnaire_versions" else ""
            with cursor.copy(f"COPY (SELECT * FROM {table}{where}) TO STDOUT") as out:
                rows[table] = b"".join(bytes(block) for block in out)
        sequences = {name: connection.execute(sa.text(
            f"SELECT last_value, is_called FROM {name}")).one() for name in _sequences(
                connection)}
    return rows, sequences


def _restore(app: Flask, snapshot) -> None:
    """Put a `_snapshot` back into the test's fresh database."""
    engine = app.extensions["db_engine"]
    if engine.dialect.name != "postgresql":
        engine.dispose()
        path = Path(engine.url.database)
        for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copy(snapshot, path.with_name("next.sqlite"))
        os.replace(path.with_name("next.sqlite"), path)
        return
    rows, sequences = snapshot
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        # The rows are what the app's writes left, triggers and all: put back as they were,
        # in any order (no foreign-key trigger fires for this transaction's writes).
        raw.execute("SET LOCAL session_replication_role = replica")
        cursor = raw.cursor()
        for table, data in rows.items():
            if data:
                with cursor.copy(f"COPY {table} FROM STDIN") as into:
                    into.write(data)
        for name, (last, called) in sequences.items():
            cursor.execute("SELECT setval(%s::regclass, %s, %s)", (name, last or 1, called))


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

    def make(slug: str = "psfs", **overrides) -> Survey:
        with app.app_context():
            db = database.session()
            # Numbered by what the database holds: a world put back by `keep_world` holds
            # the networks its own `make_survey` made.
            number = 1 + db.scalar(sa.select(sa.func.count(Network.id)).where(
                Network.name.like("Testnettverk %")))
            network = Network(name=f"Testnettverk {number}")
            unit = Unit(name="Testenhet", organisation=Organisation(
                name="Testkommune", kind="kommune", network=network))
            # A follow-up may come the same day as its baseline, unless a test of the
            # earliest day (14 days by default) asks for one.
            values = {"title": f"Test {slug}", "questionnaire": latest_version(db, slug),
                      "unit": unit, "layout": Layout.ONE_PAGE, "link_mode": LinkMode.OPEN,
                      "follow_up_earliest_days": 0}
            values.update(overrides)
            survey = Survey(**values)
            db.add(survey)
            db.commit()
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
    """Rows stored for the survey, follow-ups included: what a test checks was written (the
    count the pages show is `surveys.counts.response_count`)."""
    from surveys.models import Response

    with app.app_context():
        return database.session().scalar(sa.select(sa.func.count()).select_from(Response)
                                         .where(Response.survey_id == survey_id)) or 0


def statements_during(app: Flask, call):
    """What `call()` returns, and each statement it sent to the database, as (SQL, number
    of parameter sets: more than 1 for an executemany)."""
    sent: list[tuple[str, int]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        many = executemany and isinstance(parameters, list | tuple)
        sent.append((statement, len(parameters) if many else 1))

    engine = app.extensions["db_engine"]
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        return call(), sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def fuzz_settings(app: Flask, chosen: settings) -> settings:
    """`chosen` (Hypothesis settings) on PostgreSQL, and on SQLite when it is the run's only
    backend; a third of its examples (at least 5) on SQLite when the run tests PostgreSQL as
    well. What a dialect refuses that the app does not (NUL in text, integers past 2^31,
    out-of-range dates) PostgreSQL, the production database, refuses and SQLite stores as
    given, so the long hunt is on PostgreSQL; on SQLite every endpoint, operation and caller
    is still fuzzed (derandomised: the same examples each run), reaching the app's own
    validation as on PostgreSQL."""
    if app.extensions["db_engine"].dialect.name == "postgresql" or len(BACKENDS) == 1:
        return chosen
    return settings(chosen, max_examples=max(chosen.max_examples // 3, 5))


def past_page_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Move this process's clock past the window in which a respondent's page may use a
    recent read of its survey (`respond.views.PAGE_LOOKUP_SECONDS`)."""
    from respond.views import PAGE_LOOKUP_SECONDS
    from util import app_cache

    moved = app_cache.time.monotonic() + PAGE_LOOKUP_SECONDS + 0.1
    monkeypatch.setattr(app_cache.time, "monotonic", lambda: moved)


PASSWORD = "en lang og god setning"


@pytest.fixture
def make_account(app: Flask):
    """Create a staff account; pass networks=[...] / units=[...] / organisations=[...] (ids)
    for its scope."""

    def make(email: str = "leder@kommune.no", password: str | None = PASSWORD,
             networks: tuple[int, ...] = (), units: tuple[int, ...] = (),
             organisations: tuple[int, ...] = (), **kw):
        from surveys.account_models import Account
        from surveys.auth import hash_password

        with app.app_context():
            db = database.session()
            account = Account(email=email, name=kw.pop("name", "Leder"),
                              password_hash=hash_password(password) if password else None, **kw)
            account.networks = [db.get(Network, n) for n in networks]
            account.units = [db.get(Unit, u) for u in units]
            account.organisations = [db.get(Organisation, o) for o in organisations]
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
        unit_id, network_id = survey.unit_id, survey.unit.organisation.memberships[0].network_id
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



def release_waiting(app: Flask, survey_id: int, day: datetime.date | None = None) -> None:
    """Release whatever waits in a survey, through the app's own release with batches of one
    (`surveys.batches.release_ready`), on `day` (today when not given): for the datasets
    whose hand-computed figures need every response counted though they hold no multiple of
    k, or each row with a day of its own. The batches themselves are tested in
    tests/test_anonymity_batches.py, which never calls this."""
    from analytics.small_groups import SmallGroups
    from surveys.batches import release_ready
    from util.dates import today

    with app.app_context():
        db = database.session()
        release_ready(db, survey_id, db.get(Survey, survey_id).questionnaire.definition,
                      day or today(), SmallGroups(1))
        db.commit()
