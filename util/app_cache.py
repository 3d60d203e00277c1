"""Bounded memos kept per app: for things built once and then only read (a questionnaire
version's answering object, a page drawn blank), and for reads that may be a few seconds old
(`recent`).

Per app rather than per process: a test's app and database may reuse a version id for
another questionnaire. Safe across threads: the dictionary is changed under a lock; a value
built twice by two threads at once is the same value, so the second simply replaces it.
"""

from __future__ import annotations

import threading
import time
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
        _store(memo, key, found, limit)
    return found


def recent(name: str, key: Hashable, read: Callable[[], Any], limit: int, seconds: float,
           keep: Callable[[Any], bool] = lambda value: value is not None) -> Any:
    """`read()`, kept in the app's memo `name` under `key` for `seconds` (the oldest of more
    than `limit` dropped first) when `keep(value)`; by default a None read is not kept, so a
    key that finds nothing (a guessed token) is read again each time and cannot fill the
    memo.

    For a read whose answer may be `seconds` old without anyone noticing the difference
    from a page loaded that much earlier. Per process: each keeps its own, and none depends
    on another's."""
    memo: OrderedDict = current_app.extensions.setdefault(name, OrderedDict())
    now = time.monotonic()
    found = memo.get(key)
    if found is not None and found[0] > now:
        return found[1]
    value = read()
    if keep(value):
        _store(memo, key, (now + seconds, value), limit)
    return value


def _store(memo: OrderedDict, key: Hashable, value: Any, limit: int) -> None:
    """Put `value` under `key` as the newest entry, dropping the oldest beyond `limit`."""
    with _lock:
        memo[key] = value
        memo.move_to_end(key)
        while len(memo) > limit:
            memo.popitem(last=False)
