"""Gunicorn's access log without anything that could lead back to a respondent or a secret.

Link tokens, follow-up codes, set-password and unsubscribe tokens travel in the path
(`web.log_masking` says why each is a secret). `MaskingLogger` writes every path with those
parts replaced by `*` (`/s/*/oppfolging/*`), and offers no client address, user agent,
referer, query string, request or response header to the log format, whatever format an
operator sets: the line tells what kind of page was asked for, how it went and how long it
took, never by whom or for which survey.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger

from web.log_masking import mask, masked_path

# Atoms that never reach the log: who asked, from where, and what was in the query (and
# no header or environment variable: `MaskingLogger.atoms` offers only what it names).
HIDDEN = ("h", "u", "q", "f", "a")


class MaskingLogger(Logger):
    """Gunicorn's logger whose access-log atoms hold only what `masked_path` leaves, and
    whose error log is masked (`web.log_masking.MaskedRecords`)."""

    def setup(self, cfg: Any) -> None:
        """Gunicorn's handlers, then the mask on the error log (gunicorn calls this again on
        a reload)."""
        super().setup(cfg)
        mask(self.error_log)

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
