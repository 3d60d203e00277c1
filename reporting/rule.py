"""The installation's small-group rule during a request (`SURVEY_SMALL_GROUP_MIN`)."""

from __future__ import annotations

from flask import current_app

from analytics.small_groups import SmallGroups


def current_rule() -> SmallGroups:
    """The rule the app was configured with; `create_app` checked it once."""
    return current_app.extensions["small_groups"]
