"""Health checks for a load balancer or a monitor: plain text, no login, no HTML.

`/healthz` asks the database for `SELECT 1`: 200 "ok" when it answers, 503 when it does not,
so a balancer takes an instance out while its database is unreachable. `/healthz/live` only
says that the process answers (a liveness probe, which must not fail when the database is
down, or a monitor would restart healthy workers); `bench/load.py` uses it as the ceiling of
this stack: a request through the whole app that does no work of its own.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, Response
from sqlalchemy.exc import SQLAlchemyError

import database

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


def _plain(text: str, status: int) -> Response:
    return Response(text + "\n", status=status, mimetype="text/plain")


@bp.get("/healthz")
def ready() -> Response:
    """200 when the database answers `SELECT 1`, else 503."""
    try:
        with database.engine().connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("health check: database unavailable: %s", exc.__class__.__name__)
        return _plain("database unavailable", 503)
    return _plain("ok", 200)


@bp.get("/healthz/live")
def live() -> Response:
    """200 as long as the process serves requests; touches nothing else."""
    return _plain("ok", 200)
