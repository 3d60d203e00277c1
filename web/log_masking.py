"""What a server log may say about a request: the path with its secrets masked, nothing
about who asked, and no value a respondent gave. Shared by gunicorn's logs
(`web.access_log`: the access log, and its error log, where gunicorn writes each request it
refuses with the client's address and the line as sent) and the development server's log
(`make run`, `flask run`), masked here the same way, and the app's own loggers that write
an exception (`web.errors`, Flask's), whose traceback goes through `exception_text`.

A link token is a key to a survey (an open link) or to one person's answer (a single-use
link), a follow-up code pairs two answers of one person, a set-password token logs someone
in, and a weekly digest's unsubscribe token stops that account's digest: all of them travel
in the path. A unit lead who watches the terminal of a small pilot run with `make run` would
otherwise read, for each link they handed out, when it was answered and from which address.
No gunicorn import here: the app imports this module at start-up.
"""

from __future__ import annotations

import logging
import re
import traceback

from flask import Flask

# The literal words of the respondent paths (`respond.views` and
# `respond.follow_up`); every other part of a path under /s/ is a token or a code.
RESPONDENT_WORDS = frozenset({"takk", "kode", "lapp", "oppfolging", "skjema"})
# A set-password token logs someone in; a digest's unsubscribe token stops its digest.
SECRET_PREFIXES = ("/admin/set-password/", "/admin/unsubscribe/")
MASK = "*"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_PATH = 200
# The development server's lines begin with the client's address (werkzeug's `log`);
# gunicorn names it as `ip=` in the line of a request it refused.
ADDRESS = re.compile(r"^\S+ - - \[")
IP_FIELD = re.compile(r"\bip=\S+?(?=: |\s|$)")
# A path in a line, with its query: after a space, quote or bracket, never inside a word
# ("HTTP/1.1", the date's "04/Dec/2026"), so also the raw request line of a refused request.
PATH_IN_LINE = re.compile(r"(?<![\w/.:])(/[^\s\"'?)]*)(\?[^\s\"')]*)?")
# PostgreSQL's DETAIL quotes the values of the row or key a statement was refused for
# ("Failing row contains (…, the free text, …)"), up to the next part of the message.
DETAIL = re.compile(r"^DETAIL: .*?(?=\n\[SQL|\n(?:HINT|CONTEXT):|\n\n|\Z)", re.M | re.S)
VALUES_LEFT_OUT = "DETAIL:  (left out: it quotes the values of a row)"


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


def masked_line(line: str) -> str:
    """A log line without the client's address (`-` in its place), with every path in it
    masked and its query string left out."""
    line = IP_FIELD.sub("ip=-", ADDRESS.sub("- - - [", line, count=1))
    return PATH_IN_LINE.sub(lambda found: masked_path(found.group(1)), line)


def exception_text(exc: BaseException) -> str:
    """The exception's traceback, its causes included, with PostgreSQL's DETAIL left out:
    the error's kind, message and statement stay for whoever has to mend it (the statement's
    parameters are never in it: `database.make_engine` hides them)."""
    return DETAIL.sub(VALUES_LEFT_OUT, "".join(traceback.format_exception(exc)))


class MaskedRecords(logging.Filter):
    """Masks each record of a server's logger before any handler sees it: its message as
    `masked_line`, its exception as `exception_text`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = masked_line(record.getMessage()), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = exception_text(record.exc_info[1]).rstrip("\n")
        return True


def mask(logger: logging.Logger) -> None:
    """Give `logger` the filter, once (a logger is shared by the whole process)."""
    if not any(isinstance(each, MaskedRecords) for each in logger.filters):
        logger.addFilter(MaskedRecords())


def init_app(app: Flask) -> None:
    """Mask the development server's log (werkzeug's logger, which it writes its request
    lines and refusals to) and the app's own, where Flask writes `Exception on <path>` when
    even the error page fails."""
    mask(logging.getLogger("werkzeug"))
    mask(app.logger)
