"""The database connection: one engine per app, one session per request or CLI command.

We use plain SQLAlchemy 2 rather than an extension so that models, migrations and
scripts share one declarative base and one way of opening a session.

May import: nothing of ours (every other package builds on this one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose constraint names are stable across SQLite and PostgreSQL."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers work while one writer commits; SQLite leaves foreign keys off."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def normalise_url(url: str) -> str:
    """Let operators write postgresql://...; we use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True)
class Timeouts:
    """How long a request waits on the database before the outage page is shown, in seconds.

    A database that accepts connections and never answers once hung every page for minutes
    (libpq waits for ever by default). `connect`: to open a connection, its handshake
    included; `pool`: for a free connection of this process's pool; `statement`: for one
    statement, enforced by the server (for a server that is slow, not silent)."""

    connect: int = 5
    pool: int = 5
    statement: int = 30

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Timeouts:
        """From DATABASE_CONNECT_TIMEOUT, DATABASE_POOL_TIMEOUT, DATABASE_STATEMENT_TIMEOUT
        (whole seconds); a value that is not a whole number from 1 to 600 stops the start."""
        values = {}
        for name in ("connect", "pool", "statement"):
            key = f"DATABASE_{name.upper()}_TIMEOUT"
            raw = config.get(key, getattr(cls, name))
            text = str(raw).strip() if isinstance(raw, int | str) else ""
            if isinstance(raw, bool) or not text.isdecimal() or not 1 <= int(text) <= 600:
                raise ValueError(f"{key} must be a whole number of seconds from 1 to 600, "
                                 f"not {raw!r}")
            values[name] = int(text)
        return cls(**values)


def make_engine(url: str, timeouts: Timeouts | None = None) -> sa.Engine:
    """Create an engine with settings that suit many short web requests. Its errors never
    quote the values a statement was given (`hide_parameters`): the error log would
    otherwise keep a respondent's answers, with the minute they were sent."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False},
                                  hide_parameters=True)
        sa.event.listen(engine, "connect", _enable_sqlite_pragmas)
        return engine
    timeouts = timeouts or Timeouts()
    # No server-side prepared statements: psycopg prepares a statement once it has run five
    # times on a connection (the seven answers of one response do) and deallocates them all
    # at every rollback, which ends every request that only reads. So each completion paid a
    # PREPARE and a DEALLOCATE ALL for nothing (`bench/README.md`).
    engine = sa.create_engine(
        url, hide_parameters=True, pool_pre_ping=True, pool_size=5, max_overflow=10,
        pool_recycle=1800,
        pool_timeout=timeouts.pool,
        connect_args={"connect_timeout": timeouts.connect, "prepare_threshold": None,
                      "options": f"-c statement_timeout={timeouts.statement * 1000}"})
    # An INSERT of many rows (a response's answers) as one statement with a VALUES list, up
    # to 1,000 rows a statement, instead of psycopg's executemany, which sends one statement
    # per row in pipeline mode: its waits on the socket cost the app about 0.4 ms of CPU per
    # completion under load (`bench/README.md`, 2026-12-04, late). SQLAlchemy leaves an
    # upsert (the tallies' ON CONFLICT) to the executemany.
    engine.dialect.use_insertmanyvalues_wo_returning = True
    return engine


def init_app(app: Flask) -> None:
    """Attach an engine and a session factory to the app; close sessions after each request."""
    engine = make_engine(app.config["DATABASE_URL"], Timeouts.from_config(app.config))
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.extensions["db_reading_sessionmaker"] = sessionmaker(
        engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def session() -> Session:
    """The session of the current app context, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


def reading() -> Session:
    """A session of the current app context for reads alone, opened on first use: each
    statement on its own, with no transaction around them (autocommit).

    Why: a page that reads a row or two (a respondent's page, the thank-you) spent two of its
    four round trips to PostgreSQL on BEGIN and ROLLBACK (`bench/README.md`). Its reads need
    no snapshot in common; nothing may be written through it."""
    if "db_reading" not in g:
        g.db_reading = current_app.extensions["db_reading_sessionmaker"]()
    return g.db_reading


def engine() -> sa.Engine:
    """The current app's engine (for migrations and bulk work)."""
    return current_app.extensions["db_engine"]


def engine_of(db: Session) -> sa.Engine:
    """The engine `db` was made on, for reads on a connection of their own that outlive the
    session (streamed exports). Every session here is made on an engine (`init_app`)."""
    bind = db.get_bind()
    if not isinstance(bind, sa.Engine):
        raise TypeError(f"the session is bound to {type(bind).__name__}, not an engine")
    return bind


def _close_session(_exc: BaseException | None) -> None:
    for name in ("db_session", "db_reading"):
        db_session = g.pop(name, None)
        if db_session is not None:
            db_session.close()


def rowcount(result: sa.Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched, or an INSERT … ON CONFLICT DO NOTHING
    stored. SQLAlchemy 2.1 types `execute` as a plain Result; for these statements it is a
    CursorResult, which has the count."""
    assert isinstance(result, sa.CursorResult)
    return result.rowcount
