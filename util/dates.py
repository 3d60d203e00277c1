"""Dates as Norwegian services see them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app


def today() -> dt.date:
    """Today's date in Norway: the only time a response records."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return dt.datetime.now(dt.UTC).astimezone(zone).date()


def local_date(moment: dt.datetime) -> dt.date:
    """The Norwegian date of a moment stored in UTC without a zone (as the models store
    them, `account_models.utcnow`)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return moment.replace(tzinfo=dt.UTC).astimezone(zone).date()
