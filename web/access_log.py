"""Gunicorn's access log without anything that could lead back to a respondent or a secret.

A link token is a key to a survey (an open link) or to one person's answer (a single-use
link), a follow-up code pairs two answers of one person, a set-password token logs someone
in, and a weekly digest's unsubscribe token stops that account's digest: all of them
travel in the path, so a log line with the path would keep them. `MaskingLogger` writes
every path with those parts replaced by `*` (`/s/*/oppfolging/*`), and offers no client
address, user agent, referer, query string, request or response header to the log format,
whatever format an operator sets: the line tells what kind of page was asked for, how it
went and how long it took, never by whom or for which survey.
"""

from __future__ import annotations

import os
import re
from typing import Any

from gunicorn.glogging import Logger

# The literal words of the respondent paths (`respond.views` and
# `respond.follow_up`); every other part of a path under /s/ is a token or a code.
RESPONDENT_WORDS = frozenset({"takk", "kode", "lapp", "oppfolging", "skjema"})
# A set-password token logs someone in; a digest's unsubscribe token stops its digest.
SECRET_PREFIXES = ("/admin/set-password/", "/admin/unsubscribe/")
MASK = "*"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_PATH = 200

# Atoms that never reach the log: who asked, from where, and what was in the query (and
# no header or environment variable: `MaskingLogger.atoms` offers only what it names).
HIDDEN = ("h", "u", "q", "f", "a")


def masked_path(path: str) -> str:
    """The path with link tokens, codes and password tokens replaced by `*`, control
    characters (a forged line break) by `?`, and cut at MAX_PATH characters."""
    parts = path.split("/")
    if len(parts) > 2 and parts[1] == "s":
        path = "/".join(parts[:2] + [p if p in RESPONDENT_WORDS else MASK for p in parts[2:]])
    for prefix in SECRET_PREFIXES:
        if path.startswith(prefix):
            path = prefix + MASK
    return CONTROL.sub("?", path)[:MAX_PATH]


class MaskingLogger(Logger):
    """Gunicorn's logger whose access-log atoms hold only what `masked_path` leaves."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict[str, Any]:
        """Gunicorn's atoms but those in HIDDEN and the headers and environment, with the
        path masked. Made here, not filtered from gunicorn's: that built a dict of every
        header and environment variable for each request only to drop it."""
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        path = masked_path(environ.get("PATH_INFO") or "/")
        method, protocol = environ.get("REQUEST_METHOD"), environ.get("SERVER_PROTOCOL")
        sent = getattr(resp, "sent", None)
        seconds, micro = request_time.seconds, request_time.microseconds
        return {"l": "-", "t": self.now(), "r": f"{method} {path} {protocol}", "s": status,
                "m": method, "U": path, "H": protocol,
                "b": str(sent) if sent is not None else "-", "B": sent, "T": seconds,
                "D": seconds * 1_000_000 + micro, "M": seconds * 1000 + micro // 1000,
                "L": f"{seconds}.{micro:06d}", "p": f"<{os.getpid()}>"}
