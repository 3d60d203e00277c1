"""Dates as Norwegian services see them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app


def today() -> dt.date:
    """Today's date in Norway: the only time a response records."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return dt.datetime.now(dt.UTC).astimezone(zone).date()
