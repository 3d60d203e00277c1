"""The answering path's CPU in-process: what one completion costs the app, request by request.

Run by hand: `.venv/bin/python bench/completion_cpu.py [--completions 500]`.

`bench/load.py` measures the whole stack under gunicorn, and its figures move with whatever
else the machine is doing. This measures the same completion (the page as a new visitor, the
POST of seven answers, the thank-you page) through the Flask test client in one process, one
request at a time, on the same PostgreSQL database and Redis rate-limit store as `load.py`:
CPU (`time.process_time`) and statements sent to the database per request, and a bare request
(`/healthz/live`) for the ratio. It is the quick way to compare two commits back to back; the
test client's own work is included, so the absolute figures sit below gunicorn's.
"""

from __future__ import annotations

import argparse
import cProfile
import re
import statistics
import sys
import time
from collections import defaultdict
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import brotli  # noqa: E402
from load import REDIS_URL, prepare, rate_limit_storage  # noqa: E402
from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([^"]+)"')
RADIO = re.compile(r'type="radio" id="[^"]*" name="([^"]+)" value="([^"]+)"')
KINDS = ("page", "post", "thanks", "bare")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--completions", type=int, default=500)
    parser.add_argument("--profile", metavar="FILE",
                        help="also write a cProfile of the measured requests to FILE")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/bench_load")
    args = parser.parse_args()
    (_survey, token), = prepare(args.pg_url, 1)
    storage = rate_limit_storage()
    app = create_app({"DATABASE_URL": args.pg_url, "SECRET_KEY": "bench",
                      "RATELIMIT_STORAGE_URI": storage,
                      "RATELIMIT_SUBMIT": "10000000 per minute"})
    statements = [0]
    event.listen(app.extensions["db_engine"], "before_cursor_execute",
                 lambda *a: statements.__setitem__(0, statements[0] + 1))
    cpu: dict[str, list[float]] = defaultdict(list)
    sent: dict[str, list[int]] = defaultdict(list)

    def timed(kind: str, call):
        statements[0] = 0
        start = time.process_time()
        result = call()
        cpu[kind].append(time.process_time() - start)
        sent[kind].append(statements[0])
        return result

    profiler = cProfile.Profile(time.process_time) if args.profile else None
    headers = {"Accept-Encoding": "gzip, deflate, br", "Accept-Language": "nb"}
    for number in range(args.completions + 20):  # the first 20 warm the caches
        complete_one(app.test_client(), token, headers, timed)
        if number == 19:
            cpu.clear()
            sent.clear()
            if profiler is not None:
                profiler.enable()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    app.extensions["db_engine"].dispose()
    report(cpu, sent, args.completions, storage)


def complete_one(client, token: str, headers: dict[str, str], timed) -> None:
    """One completion as a phone makes it, each request through `timed(kind, call)`."""
    page = text_of(timed("page", partial(client.get, f"/s/{token}", headers=headers)))
    form = {"csrf_token": CSRF.search(page)[1], "submission_key": KEY.search(page)[1]}
    for name, value in RADIO.findall(page):
        form.setdefault(name, value)
    answer = timed("post", partial(client.post, f"/s/{token}", data=form, headers=headers))
    if answer.status_code != 303:
        sys.exit(f"the POST answered {answer.status_code}")
    timed("thanks", partial(client.get, answer.headers["Location"], headers=headers))
    timed("bare", partial(client.get, "/healthz/live", headers=headers))


def text_of(response) -> str:
    """The page as a phone reads it, decompressed."""
    body = response.get_data()
    if response.headers.get("Content-Encoding") == "br":
        body = brotli.decompress(body)
    return body.decode()


def report(cpu: dict[str, list[float]], sent: dict[str, list[int]], count: int,
           storage: str) -> None:
    print(f"{count} completions in-process, PostgreSQL, rate limits in "
          f"{'Redis' if storage == REDIS_URL else 'memory'}; CPU ms median (mean), statements")
    for kind in KINDS:
        print(f"  {kind:7} {1000 * statistics.median(cpu[kind]):6.2f} "
              f"({1000 * statistics.fmean(cpu[kind]):5.2f})  {statistics.fmean(sent[kind]):4.1f}")
    completion = sum(statistics.fmean(cpu[k]) for k in KINDS[:3])
    bare = statistics.fmean(cpu["bare"])
    statements = sum(statistics.fmean(sent[k]) for k in KINDS[:3])
    print(f"completion {1000 * completion:.2f} ms, {statements:.1f} statements; "
          f"÷ bare {completion / bare:.1f}")


if __name__ == "__main__":
    main()
