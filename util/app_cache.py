"""A bounded memo kept per app, for things built once and then only read (a questionnaire
version's answering object, a page drawn blank).

Per app rather than per process: a test's app and database may reuse a version id for
another questionnaire. Safe across threads: the dictionary is changed under a lock; a value
built twice by two threads at once is the same value, so the second simply replaces it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app

_lock = threading.Lock()


def kept(name: str, key: Hashable | None, build: Callable[[], Any], limit: int) -> Any:
    """`build()`, kept in the app's memo `name` under `key` (the oldest of more than `limit`
    dropped first); `key` None: built every time, nothing kept."""
    if key is None:
        return build()
    memo: OrderedDict = current_app.extensions.setdefault(name, OrderedDict())
    found = memo.get(key)
    if found is None:
        found = build()
        with _lock:
            memo[key] = found
            while len(memo) > limit:
                memo.popitem(last=False)
    return found
