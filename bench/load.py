"""Completions per second under load, against the ceiling of this stack on this machine.

Run by hand: `.venv/bin/python bench/load.py` (about four minutes), or `--smoke` (about
twenty seconds). Everything stays on 127.0.0.1, and every phase is bounded in time and in
count. It

1. empties (or creates) a PostgreSQL database of its own (`--pg-url`, default
   `bench_load`; the database `test` is refused), migrates it, and creates one open survey
   per phase of a questionnaire with seven 1–7 scale items on one page;
2. starts the app under gunicorn with `gunicorn.conf.py` on a free port (the rate limits
   raised far out of the way, their counts in Redis database 12 when Redis answers, as in
   production, else in memory);
3. for `--duration` seconds at each of `--clients` concurrent clients completes surveys as a
   phone would: GET /s/<token> (a new session each time), read the CSRF token, submission key
   and fields, POST the answers, follow the 303 to the thank-you page; then for
   `--ceiling-duration` seconds at the same concurrency GETs `/healthz/live`, a request
   through the whole app that does no work of its own: the ceiling;
4. prints completions/s, p50/p95/p99 of a whole completion and of the POST alone, errors,
   the ratio completions/s ÷ ceiling requests/s, and then counts the stored responses
   against the acknowledged ones (a 303 after the POST): lost = acknowledged − stored.

Targets, at 32 clients on the 2-core machine (see TARGETS): at least 3 × 97 completions/s,
p99 of a completion ≤ 250 ms, app CPU per completion ≤ 6 ms and ≤ 10 × that of a bare
request, no errors, nothing lost. The client (`bench/load_client.py`) is asyncio with
raw keep-alive connections (one per client, as a reverse proxy keeps them), cheap enough
that the server, not the client, is measured; it shares the two cores with the server all
the same.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
import yaml  # noqa: E402
from load_client import HOST, Connection, Phase, bare, complete, run_phase  # noqa: E402

import database  # noqa: E402
from app import create_app  # noqa: E402
from questionnaires.loader import builtin_definitions, parse_definition  # noqa: E402
from questionnaires.operations import store_version  # noqa: E402
from surveys.cli import upgrade_database  # noqa: E402
from surveys.models import Layout, Network, Organisation, Survey, Unit  # noqa: E402

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
REDIS_URL = "redis://127.0.0.1:6379/12"
# The answering path's targets, at 32 clients: three times the 97 completions/s of
# 2026-11-23, p99 of a completion ≤ 250 ms, at most 6 ms of app CPU per completion, and the
# headline: app CPU per completion ÷ app CPU per bare request ≤ 10.
TARGETS = {"clients": 32, "rate": 3 * 97.2, "p99_ms": 250.0, "app_ms": 6.0, "cpu_ratio": 10.0}


# --- The database and the server ----------------------------------------------------------

def seven_scale_items() -> str:
    """A questionnaire of seven 1–7 items on one page (as in bench/pageweight.py)."""
    base = builtin_definitions()["brukerundersokelse"]
    items = [i.model_dump(mode="json", exclude_none=True)
             for i in base.items() if i.type == "scale"][:7]
    data = base.model_dump(mode="json", exclude_none=True)
    data.update(id="bench_seven", sections=[{"id": "one", "items": items}])
    return yaml.safe_dump(data, allow_unicode=True)


def empty_database(url: str) -> None:
    """Create the database if missing and empty its schema; refuse `test` and remote hosts."""
    parsed = sa.make_url(database.normalise_url(url))
    if parsed.database in {"test", "postgres"}:
        sys.exit(f"refusing to empty the database {parsed.database!r}; pass another --pg-url")
    if parsed.host not in LOCAL_HOSTS:
        sys.exit("the bench runs on this machine only: --pg-url must be on 127.0.0.1")
    server = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                   {"n": parsed.database})
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    server.dispose()
    engine = database.make_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def prepare(url: str, count: int) -> list[tuple[int, str]]:
    """Migrate, and create `count` open surveys of the seven-item questionnaire:
    [(id, token)]."""
    empty_database(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade_database()
        db = database.session()
        version = store_version(db, parse_definition(seven_scale_items()), "bench")
        unit = Unit(name="Bench", organisation=Organisation(
            name="Bench", kind="kommune", network=Network(name="Bench")))
        surveys = [Survey(title=f"Bench {n}", questionnaire=version, unit=unit,
                          layout=Layout.ONE_PAGE) for n in range(count)]
        db.add_all(surveys)
        db.commit()
        made = [(s.id, s.public_token) for s in surveys]
    app.extensions["db_engine"].dispose()
    return made


def stored_responses(url: str, survey_ids: list[int]) -> dict[int, int]:
    engine = database.make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT survey_id, count(*) FROM responses "
                    "WHERE survey_id = ANY(:ids) GROUP BY survey_id"), {"ids": survey_ids})
        counts = dict(rows.all())
    engine.dispose()
    return {i: counts.get(i, 0) for i in survey_ids}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def rate_limit_storage() -> str:
    """Redis database 12 (emptied) when Redis answers, as in production; else memory."""
    try:
        import redis

        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        connection.flushdb()
        connection.close()
        return REDIS_URL
    except Exception:
        return "memory://"


def start_server(url: str, port: int, folder: Path, args: argparse.Namespace,
                 storage: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
           "BIND": f"{HOST}:{port}", "ACCESS_LOG": str(folder / "access.log"),
           "RATELIMIT_STORAGE_URI": storage,
           "SURVEY_RATELIMIT_SUBMIT": "10000000 per minute"}
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    errors = (folder / "gunicorn.err").open("w")
    # No recycling of workers during the run: a recycled worker takes its CPU time with it,
    # and the CPU per completion would come out wrong (even negative).
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                             "--max-requests", "0"],
                            cwd=ROOT, env=env, stdout=errors, stderr=errors,
                            start_new_session=True)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def cpu_seconds(server: subprocess.Popen, database_name: str) -> tuple[float, float]:
    """CPU time used so far by the app (gunicorn's processes) and by the PostgreSQL backends
    serving this database: a cost per completion that other work on the machine does not
    change much, unlike the rates."""
    tick = os.sysconf("SC_CLK_TCK")
    app = db = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        used = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        if int(fields[2]) == server.pid:  # process group: the master and its workers
            app += used
        elif command.startswith("postgres:") and f" {database_name} " in command:
            db += used
    return app, db


async def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped; see gunicorn.err in the bench folder")
        connection = Connection(port)
        try:
            status, _h, _b = await connection.request("GET", "/healthz")
            if status == 200:
                return
        except OSError:
            await asyncio.sleep(0.2)
        finally:
            connection.close()
    sys.exit("gunicorn did not answer within a minute")


# --- Figures ----------------------------------------------------------------------------------

def percentiles(values: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 in milliseconds."""
    if len(values) < 2:
        return (values[0] * 1000,) * 3 if values else (float("nan"),) * 3
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


@dataclass
class Row:
    clients: int
    survey: Phase
    ceiling: Phase

    @property
    def rate(self) -> float:
        return len(self.survey.completions) / self.survey.elapsed

    @property
    def ceiling_rate(self) -> float:
        return len(self.ceiling.completions) / self.ceiling.elapsed


def print_rows(rows: list[Row]) -> None:
    print(f"{'clients':>7} {'done':>6} {'done/s':>7} {'completion p50/p95/p99 ms':>26} "
          f"{'POST p50/p95/p99 ms':>22} {'errors':>6} {'ceiling/s':>9} "
          f"{'ceil p99':>8} {'ratio':>6}")
    for row in rows:
        done = percentiles(row.survey.completions)
        post = percentiles(row.survey.posts)
        errors = sum(row.survey.errors.values()) + sum(row.ceiling.errors.values())
        print(f"{row.clients:7d} {len(row.survey.completions):6d} {row.rate:7.1f} "
              f"{'/'.join(f'{v:.0f}' for v in done):>26} "
              f"{'/'.join(f'{v:.0f}' for v in post):>22} {errors:6d} "
              f"{row.ceiling_rate:9.0f} {percentiles(row.ceiling.completions)[2]:8.0f} "
              f"{row.rate / row.ceiling_rate:6.2f}")
        for reason, count in (row.survey.errors + row.ceiling.errors).most_common(5):
            print(f"        {count} × {reason}")
    print("\nCPU per completion (app = gunicorn's processes, db = PostgreSQL's backends), and per "
          "bare request:")
    print(f"{'clients':>7} {'app ms':>7} {'db ms':>6} {'bare app ms':>11} "
          f"{'completion ÷ bare':>17}")
    for row in rows:
        app_ms, db_ms = row.survey.cpu_ms()
        bare_ms = row.ceiling.cpu_ms()[0]
        print(f"{row.clients:7d} {app_ms:7.1f} {db_ms:6.1f} {bare_ms:11.2f} "
              f"{app_ms / bare_ms if bare_ms else float('nan'):17.1f}")


def print_losses(rows: list[Row], surveys: list[tuple[int, str]], stored: dict[int, int]) -> int:
    lost_total = 0
    print(f"\n{'clients':>7} {'acknowledged':>12} {'stored':>7} {'lost':>5}")
    for row, (survey_id, _token) in zip(rows, surveys, strict=False):
        lost = row.survey.acknowledged - stored[survey_id]
        lost_total += max(lost, 0)
        print(f"{row.clients:7d} {row.survey.acknowledged:12d} {stored[survey_id]:7d} "
              f"{max(lost, 0):5d}")
    return lost_total


def print_verdict(rows: list[Row], lost: int) -> None:
    target = next((r for r in rows if r.clients == TARGETS["clients"]), None)
    if target is None:
        print("\n(no 32-client phase: targets not judged)")
        return
    p99 = percentiles(target.survey.completions)[2]
    errors = sum(sum(r.survey.errors.values()) + sum(r.ceiling.errors.values()) for r in rows)
    app_ms, bare_ms = target.survey.cpu_ms()[0], target.ceiling.cpu_ms()[0]
    cpu_ratio = app_ms / bare_ms if bare_ms else float("inf")
    checks = [
        (f"app CPU per completion ÷ per bare request {cpu_ratio:.1f} ≤ "
         f"{TARGETS['cpu_ratio']:.0f} (headline)", cpu_ratio <= TARGETS["cpu_ratio"]),
        (f"app CPU per completion {app_ms:.1f} ms ≤ {TARGETS['app_ms']:.0f} ms",
         app_ms <= TARGETS["app_ms"]),
        (f"completions/s at 32 clients {target.rate:.0f} ≥ {TARGETS['rate']:.0f}",
         target.rate >= TARGETS["rate"]),
        (f"p99 of a completion at 32 clients {p99:.0f} ms ≤ {TARGETS['p99_ms']:.0f} ms",
         p99 <= TARGETS["p99_ms"]),
        (f"errors {errors} = 0", errors == 0),
        (f"lost {lost} = 0", lost == 0),
    ]
    print()
    for text, ok in checks:
        print(f"{'meets' if ok else 'MISSES'}: {text}")


# --- Main ---------------------------------------------------------------------------------

def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/bench_load")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per phase")
    parser.add_argument("--ceiling-duration", type=float, default=10.0)
    parser.add_argument("--clients", default="8,32,128", help="comma-separated")
    parser.add_argument("--workers", type=int, help="override WEB_CONCURRENCY")
    parser.add_argument("--threads", type=int, help="override GUNICORN_THREADS")
    parser.add_argument("--smoke", action="store_true",
                        help="3 s per phase at 4 and 32 clients: does it all work?")
    args = parser.parse_args()
    if args.smoke:
        args.duration, args.ceiling_duration, args.clients = 3.0, 2.0, "4,32"
    args.levels = [int(c) for c in args.clients.split(",")]
    if not all(1 <= c <= 512 for c in args.levels) or not 0 < args.duration <= 600:
        parser.error("clients must be 1–512 and the duration at most 600 s")
    return args


async def measured_phase(port: int, server: subprocess.Popen, database_name: str,
                         clients: int, seconds: float, step) -> Phase:
    """`run_phase`, with the CPU the app and the database used meanwhile."""
    before = cpu_seconds(server, database_name)
    phase = await run_phase(port, clients, seconds, step)
    after = cpu_seconds(server, database_name)
    phase.app_cpu, phase.db_cpu = after[0] - before[0], after[1] - before[1]
    return phase


async def measure(port: int, server: subprocess.Popen, args, surveys) -> list[Row]:
    await wait_until_up(port, server)
    warm_token = surveys[-1][1]
    await run_phase(port, 8, min(args.duration, 3.0),
                    lambda c, p: complete(c, warm_token, p))  # templates, pools, caches
    name = sa.make_url(database.normalise_url(args.pg_url)).database
    rows = []
    for clients, (_id, token) in zip(args.levels, surveys, strict=False):
        survey = await measured_phase(port, server, name, clients, args.duration,
                                      lambda c, p, t=token: complete(c, t, p))
        ceiling = await measured_phase(port, server, name, clients, args.ceiling_duration, bare)
        rows.append(Row(clients, survey, ceiling))
        print(f"  {clients} clients: {len(survey.completions)} completions, "
              f"{len(ceiling.completions)} bare requests", flush=True)
    return rows


def main() -> None:
    args = options()
    load_before = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    surveys = prepare(args.pg_url, len(args.levels) + 1)  # one per phase, one to warm up
    storage = rate_limit_storage()
    port = free_port()
    server = start_server(args.pg_url, port, folder, args, storage)
    try:
        rows = asyncio.run(measure(port, server, args, surveys))
    finally:
        stop_server(server)
    stored = stored_responses(args.pg_url, [i for i, _t in surveys])
    print(f"\ngunicorn.conf.py defaults{'' if not (args.workers or args.threads) else ' with'}"
          f"{f' workers={args.workers}' if args.workers else ''}"
          f"{f' threads={args.threads}' if args.threads else ''}; {os.cpu_count()} cores; "
          f"rate-limit counts in {storage}; logs in {folder}")
    print(f"load average (1 min) before {load_before:.1f}, after {os.getloadavg()[0]:.1f}: "
          "other work on the machine shares its cores\n")
    print_rows(rows)
    lost = print_losses(rows, surveys, stored)
    print_verdict(rows, lost)


if __name__ == "__main__":
    main()
