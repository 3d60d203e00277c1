"""Gunicorn settings for production: `gunicorn app:app` from this folder reads this file.

Every number can be overridden from the environment (documented in README.md, "Running in
production"):

| variable | meaning | default |
|---|---|---|
| `BIND` | address and port to listen on | `127.0.0.1:8000` |
| `WEB_CONCURRENCY` | worker processes | cores + 1 |
| `GUNICORN_THREADS` | threads per worker | 4 |
| `GUNICORN_TIMEOUT` | seconds a worker may stay silent before it is restarted | 120 |
| `GUNICORN_GRACEFUL_TIMEOUT` | seconds a stopping worker gets to finish its requests | 60 |
| `ACCESS_LOG` | file for the access log, `-` for standard output, empty for none | `-` |

Why these:

- **Workers and threads.** A request here is mostly Python (the form, the template) with a
  few short waits on PostgreSQL, so threads beyond a handful only queue behind the GIL, and
  one process per core does the work. `cores + 1` processes keep every core busy while one
  process waits; 4 threads in each cover the waits on the database and let a slow client or
  a long export occupy one thread, not a whole process. On the 2-core test machine that is
  3 workers × 4 threads (bench/README.md has the figures, and how to try others). Each process
  opens at most 15 database connections (pool 5 + overflow 10), so 3 workers use at most 45
  of PostgreSQL's default 100; with more instances, lower the pool or raise the limit.
- **Timeouts.** The raw export of a 100,000-response survey streams for about 40 s. With
  threaded (`gthread`) workers, `timeout` is the heartbeat of each worker's main loop, which
  keeps beating while a thread streams, so a long export is not cut; it only restarts a worker
  that hangs as a whole. 120 s is also long enough if someone switches to `sync` workers,
  where the timeout limits each request. `graceful_timeout` (60 s) lets a running export
  finish during a deploy.
- **Request size.** Request lines over 4,094 bytes, more than 50 headers or a header over
  8,190 bytes are refused by gunicorn itself (400); bodies over 256 KiB are refused by the app
  (`MAX_CONTENT_LENGTH`, a friendly 413 page).
- **Access log.** `web.access_log.MaskingLogger` writes the path with link tokens,
  follow-up codes and password tokens masked (`/s/*/takk`), and never the query string, the
  client address, the user agent or the referer: a log line says what kind of page was asked
  for, how it went and how long it took, never by whom or for which survey.
- **Preload.** The app is built once in the master and the workers fork from it (less memory,
  a broken app fails at start, not in every worker). Each worker then drops the database
  connections it inherited (`post_fork`), so no two processes share a socket.
"""

from __future__ import annotations

import os

# `len(os.sched_getaffinity(0))`: the cores this process may use (a container's limit), not
# every core of the host.
cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

wsgi_app = "app:app"
bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or (cores or 1) + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 120)
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 60)
keepalive = 5  # seconds; a reverse proxy or a phone reuses the connection for the next page
preload_app = True
max_requests = 20_000  # recycle a worker now and then, in case anything leaks
max_requests_jitter = 2_000  # not all workers at the same moment

limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

logger_class = "web.access_log.MaskingLogger"
accesslog = os.environ.get("ACCESS_LOG", "-") or None
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"

if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # the heartbeat file on memory, never waiting on a disk


def post_fork(_server, _worker) -> None:
    """Drop the database connections inherited from the master (none are expected, since
    building the app does not connect, but a shared socket would mix two processes'
    queries)."""
    import app

    app.app.extensions["db_engine"].dispose(close=False)
