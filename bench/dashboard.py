"""Server time of the dashboard pages on a big database, and memory of a full raw export.

Run by hand: `.venv/bin/python bench/dashboard.py` (options: `--help`). Issue 5 asks that with
1,000,000 responses over 400 units a unit's results page, a baseline-against-follow-up page,
the gathering table and the network overview each take under 300 ms of server time, on
SQLite and on PostgreSQL, and that the raw export of one survey of 100,000 responses streams
in under 150 MB of memory.

How: the database is filled in bulk (raw `executemany` on SQLite, COPY on PostgreSQL, the
answer indexes built after the load), never through the form builder, so a million
responses take minutes rather than hours; the tallies that the pages read
(`surveys.tallies`) are then recounted from the answers, as `flask migrate` does for a
database from before them. One network of `--units` units in organisations of
ten and four gatherings; per unit a baseline and a follow-up «brukerundersokelse» and an
«oppfolging»; a «samling» survey per gathering. One unit survey gets a tenth of the responses
(the export figure), the rest share the others evenly. `--responses` scales everything
(units too), so `--responses 50000` is a quick check.

Pages are timed in-process with the Flask test client (request to complete body), the
median of `--runs` after one warm-up. The export is measured in a fresh child process so its
peak RSS is not hidden by the fill: once for time and peak RSS (VmHWM, reset just before;
`getrusage` max RSS is printed too but includes imports), once under `tracemalloc` for the
peak of Python allocations.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

import database
from app import create_app  # noqa: E402
from questionnaires import schema as s  # noqa: E402
from questionnaires.queries import latest_version  # noqa: E402
from surveys import (
    auth,  # noqa: E402
    tallies,  # noqa: E402
)
from surveys.account_models import Account  # noqa: E402
from surveys.cli import upgrade_database  # noqa: E402
from surveys.models import Gathering, Network, Organisation, Survey, Unit  # noqa: E402

TARGET_MS = 300
TARGET_EXPORT_MB = 150
FULL = 1_000_000
BATCH = 10_000
DONT_KNOW_SHARE = 0.03
TEAM_RESPONSES = 5  # oppfølgingsskjema: one response per improvement team
GATHERING_SHARE = 0.008  # of all responses, over the four gatherings
ANSWER_INDEXES = ("ix_answers_response_id", "ix_answers_survey_item")
# Every loaded response is released: they stand for answers gathered long ago, in batches.
RESPONSE_COLUMNS = ("id", "survey_id", "questionnaire_version_id", "language", "submitted_on",
                    "source", "submission_key", "is_follow_up", "released", "released_on")
ANSWER_COLUMNS = ("id", "response_id", "survey_id", "item", "position", "value_num",
                  "value_text")  # random ids, as the app writes them


# --- The plan: which surveys get how many responses -----------------------------------------

@dataclass
class Planned:
    """One survey to fill: its id, version, how many responses and when they came."""

    survey_id: int
    version_id: int
    definition: s.Definition
    responses: int
    first_day: dt.date


@dataclass
class Plan:
    network_id: int
    account_id: int
    surveys: list[Planned] = field(default_factory=list)
    big: int = 0  # the survey with a tenth of all responses
    typical: int = 0  # a unit's baseline of ordinary size
    typical_follow_up: int = 0


def sizes(responses: int, units: int) -> tuple[int, int, int]:
    """(big survey, each gathering survey, each ordinary unit survey) response counts."""
    big = responses // 10
    gathering = int(responses * GATHERING_SHARE / 4)
    rest = responses - big - 4 * gathering - TEAM_RESPONSES * units
    return big, gathering, max(rest // (2 * units - 1), 1)


def _survey(db, title: str, version, **values) -> Survey:
    survey = Survey(title=title, questionnaire=version, **values)
    db.add(survey)
    return survey


def build_structure(db, responses: int, units: int) -> Plan:
    """Network, organisations, units, gatherings, surveys and an administrator."""
    user, team, gathering_form = (latest_version(db, slug) for slug in
                                  ("brukerundersokelse", "oppfolging", "samling"))
    network = Network(name="Benchmark network")
    orgs = [Organisation(name=f"Kommune {k + 1:03d}", kind="kommune", network=network)
            for k in range(max(units // 10, 1))]
    made: list[tuple[Survey, object, int, dt.date]] = []
    big, per_gathering, ordinary = sizes(responses, units)
    for number in range(1, 5):
        gathering = Gathering(network=network, number=number, held_on=dt.date(2025, 3 * number, 1))
        survey = _survey(db, f"Samling {number}", gathering_form, gathering=gathering,
                         invited=per_gathering + 50)
        made.append((survey, gathering_form, per_gathering, gathering.held_on))
    for k in range(units):
        unit = Unit(name=f"Enhet {k + 1:03d}", organisation=orgs[k % len(orgs)])
        for phase, label, year in (("baseline", "2025", 2025), ("follow_up", "2026", 2026)):
            count = big if (k == 0 and phase == "baseline") else ordinary
            opens = dt.date(year, 3, 1)
            survey = _survey(db, f"Brukerundersøkelse {label}", user, unit=unit, phase=phase,
                             period_label=label, opens_on=opens, invited=int(count * 1.4))
            made.append((survey, user, count, opens))
        made.append((_survey(db, "Oppfølging", team, unit=unit, period_label="2025"), team,
                     TEAM_RESPONSES, dt.date(2025, 9, 1)))
    account = Account(email="bench@example.org", name="Bench", is_admin=True,
                      password_hash=auth.hash_password(secrets.token_urlsafe(16)))
    db.add_all([network, account])
    db.flush()
    plan = Plan(network.id, account.id)
    definitions = {v.id: v.definition for v in (user, team, gathering_form)}
    for survey, version, count, opens in made:
        plan.surveys.append(Planned(survey.id, version.id, definitions[version.id], count, opens))
    plan.big, plan.typical, plan.typical_follow_up = made[4][0].id, made[7][0].id, made[8][0].id
    db.commit()
    return plan


# --- Rows ----------------------------------------------------------------------------------

def _answer_makers(definition: s.Definition) -> list[tuple[str, list[int], bool, list[str]]]:
    """Per answered item: (id, scale steps, may say «vet ikke», options for a choice).
    Required items always, optional scale items of «samling» too (they are the table)."""
    makers = []
    for item in definition.items():
        if isinstance(item, s.ScaleItem) and (item.required or definition.id == "samling"):
            makers.append((item.id, definition.scale_of(item).steps, item.dont_know, []))
        elif isinstance(item, s.SingleChoiceItem) and item.required:
            makers.append((item.id, [], False, [o.value for o in item.options]))
    return makers


def rows_of(planned: Planned, uuid_value) -> Iterator[tuple[tuple, list[tuple]]]:
    """(response row, its answer rows) for every response of one survey."""
    makers = _answer_makers(planned.definition)
    rnd = random.random
    for _ in range(planned.responses):
        response_id = uuid.uuid4()
        key = uuid_value(response_id)
        day = planned.first_day + dt.timedelta(days=random.randrange(60))
        answers = []
        for item, steps, dont_know, options in makers:
            row = (uuid_value(uuid.uuid4()), key, planned.survey_id, item, 0)
            if options:
                answers.append((*row, None, random.choice(options)))
            elif dont_know and rnd() < DONT_KNOW_SHARE:
                answers.append((*row, None, "dont_know"))
            else:
                answers.append((*row, float(random.choice(steps)), None))
        yield ((key, planned.survey_id, planned.version_id, "nb", day, "web",
                secrets.token_hex(16), False, True, day), answers)


def batches(plan: Plan, uuid_value) -> Iterator[tuple[list[tuple], list[tuple]]]:
    responses: list[tuple] = []
    answers: list[tuple] = []
    for planned in plan.surveys:
        for response, its_answers in rows_of(planned, uuid_value):
            responses.append(response)
            answers += its_answers
            if len(responses) >= BATCH:
                yield responses, answers
                responses, answers = [], []
    if responses:
        yield responses, answers


# --- Loading ------------------------------------------------------------------------------

def load_sqlite(engine: sa.Engine, plan: Plan) -> tuple[int, int]:
    """executemany on the raw connection; UUIDs as SQLAlchemy stores them (32 hex digits),
    dates as ISO text, booleans as 0/1."""
    raw = engine.raw_connection()
    cursor = raw.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute("PRAGMA cache_size=-500000")
    marks = ", ".join("?" * len(RESPONSE_COLUMNS))
    response_sql = f"INSERT INTO responses ({', '.join(RESPONSE_COLUMNS)}) VALUES ({marks})"
    marks = ", ".join("?" * len(ANSWER_COLUMNS))
    answer_sql = f"INSERT INTO answers ({', '.join(ANSWER_COLUMNS)}) VALUES ({marks})"
    counted = [0, 0]
    for responses, answers in batches(plan, lambda u: u.hex):
        cursor.executemany(response_sql, [(*r[:4], r[4].isoformat(), *r[5:7], 0, 1)
                                          for r in responses])
        cursor.executemany(answer_sql, answers)
        counted[0] += len(responses)
        counted[1] += len(answers)
    raw.commit()
    cursor.execute("PRAGMA synchronous=NORMAL")
    raw.close()
    return counted[0], counted[1]


def load_postgresql(engine: sa.Engine, plan: Plan) -> tuple[int, int]:
    """COPY with the foreign-key triggers off for the load (the rows are consistent by
    construction; needs a superuser, as the local `postgres` is)."""
    raw = engine.raw_connection()
    cursor = raw.cursor()
    cursor.execute("SET session_replication_role = replica")
    counted = [0, 0]
    for responses, answers in batches(plan, lambda u: u):
        with cursor.copy(f"COPY responses ({', '.join(RESPONSE_COLUMNS)}) FROM STDIN") as copy:
            for row in responses:
                copy.write_row(row)
        with cursor.copy(f"COPY answers ({', '.join(ANSWER_COLUMNS)}) FROM STDIN") as copy:
            for row in answers:
                copy.write_row(row)
        counted[0] += len(responses)
        counted[1] += len(answers)
    cursor.execute("SET session_replication_role = DEFAULT")
    raw.commit()
    raw.close()
    return counted[0], counted[1]


def fill(app: Flask, backend: str, responses: int, units: int) -> Plan:
    with app.app_context():
        started = time.perf_counter()
        upgrade_database()
        plan = build_structure(database.session(), responses, units)
        engine = database.engine()
        with engine.begin() as connection:
            for name in ANSWER_INDEXES:
                connection.execute(sa.text(f"DROP INDEX {name}"))
        load = load_sqlite if backend == "sqlite" else load_postgresql
        loaded = time.perf_counter()
        response_rows, answer_rows = load(engine, plan)
        indexed = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(sa.text(
                "CREATE INDEX ix_answers_response_id ON answers (response_id)"))
            connection.execute(sa.text(
                "CREATE INDEX ix_answers_survey_item ON answers (survey_id, item)"))
        counting = time.perf_counter()
        db = database.session()
        recounted = tallies.recount_missing(db)
        db.commit()
        if backend == "postgresql":  # autovacuum would do it soon; SQLite is left as is
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(sa.text("VACUUM ANALYZE"))
        done = time.perf_counter()
    print(f"  filled in {done - started:.1f} s ({loaded - started:.1f} s of setup, "
          f"{indexed - loaded:.1f} s of loading, {counting - indexed:.1f} s of indexing, "
          f"{done - counting:.1f} s of counting {recounted} surveys' tallies"
          f"{' and VACUUM ANALYZE' if backend == 'postgresql' else ''})")
    print(f"  rows: {len(plan.surveys)} surveys, {response_rows:,} responses, "
          f"{answer_rows:,} answers")
    return plan


# --- Measuring ----------------------------------------------------------------------------

def logged_in(app: Flask, account_id: int) -> FlaskClient:
    client = app.test_client()
    client.set_cookie("lang", "en")
    with client.session_transaction() as session:
        session["account_id"] = account_id
    return client


def server_ms(client: FlaskClient, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    body = response.get_data()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or not body:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def pages(plan: Plan, typical_n: int, big_n: int) -> list[tuple[str, str]]:
    return [
        (f"results, unit survey ({typical_n:,} responses)",
         f"/admin/surveys/{plan.typical}/results"),
        (f"results, big survey ({big_n:,} responses)", f"/admin/surveys/{plan.big}/results"),
        ("compare baseline vs follow-up (one unit)",
         f"/admin/surveys/{plan.typical}/compare?with={plan.typical_follow_up}"),
        ("gathering table (network)", f"/admin/networks/{plan.network_id}/evaluations"),
        ("network overview", f"/admin/networks/{plan.network_id}/overview"),
    ]


def measure_pages(app: Flask, plan: Plan, runs: int) -> None:
    client = logged_in(app, plan.account_id)
    counts = {p.survey_id: p.responses for p in plan.surveys}
    print(f"  {'page':48} {'median ms':>10} {'min':>7} {'max':>7}  target {TARGET_MS} ms")
    for label, url in pages(plan, counts[plan.typical], counts[plan.big]):
        server_ms(client, url)  # warm-up
        times = [server_ms(client, url) for _ in range(runs)]
        median = statistics.median(times)
        verdict = "ok" if median < TARGET_MS else "MISSES"
        print(f"  {label:48} {median:10.0f} {min(times):7.0f} {max(times):7.0f}  {verdict}")


def export_child(url: str, survey_id: int, account_id: int) -> None:
    """In a fresh process: stream the export twice, print one JSON line of figures."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    client = logged_in(app, account_id)
    path = f"/admin/surveys/{survey_id}/export.csv"
    client.get("/admin/")  # import and warm everything the first request needs
    _reset_peak_rss()
    before = _status("VmRSS")
    started = time.perf_counter()
    size, chunks = _stream(client, path)
    elapsed = time.perf_counter() - started
    after = _status("VmHWM")
    rusage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    _stream(client, path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"bytes": size, "chunks": chunks, "seconds": elapsed,
                      "rss_before": before, "rss_after": after, "rusage_max": rusage,
                      "traced_peak": peak}))


def _status(key: str) -> int:
    """A memory figure of this process from /proc (Linux), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise SystemExit(f"no {key} in /proc/self/status")


def _reset_peak_rss() -> None:
    """Start the peak RSS (VmHWM) afresh, so the import-time peak does not hide the
    export's; `getrusage` cannot be reset, so it is printed only as the process maximum."""
    Path("/proc/self/clear_refs").write_text("5")


def _stream(client: FlaskClient, path: str) -> tuple[int, int]:
    response = client.get(path, buffered=False)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    size = chunks = 0
    for chunk in response.response:
        size += len(chunk)
        chunks += 1
    response.close()
    return size, chunks


def measure_export(url: str, plan: Plan) -> None:
    big = next(p.responses for p in plan.surveys if p.survey_id == plan.big)
    done = subprocess.run(
        [sys.executable, __file__, "--export-child", url, str(plan.big), str(plan.account_id)],
        capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    mb = 1024 * 1024
    rss = (figures["rss_after"] - figures["rss_before"]) / mb
    peak = figures["traced_peak"] / mb
    verdict = "ok" if max(rss, peak) < TARGET_EXPORT_MB else "MISSES"
    print(f"  export.csv of {big:,} responses: {figures['bytes']:,} bytes in "
          f"{figures['chunks']} chunk(s), {figures['seconds']:.1f} s")
    print(f"  peak memory: RSS +{rss:.0f} MB over the {figures['rss_before'] / mb:.0f} MB "
          f"before (VmHWM {figures['rss_after'] / mb:.0f} MB, getrusage max RSS "
          f"{figures['rusage_max'] / mb:.0f} MB), Python allocations peak {peak:.0f} MB; "
          f"target {TARGET_EXPORT_MB} MB: {verdict}")
    if figures["chunks"] <= 1:
        print("  note: the body came as one chunk: the export is built in memory, "
              "not streamed")


# --- Backends -----------------------------------------------------------------------------

def postgresql_url(url: str) -> str:
    """Create the benchmark database if missing and empty it; never the `test` database."""
    import psycopg

    name = sa.make_url(url).database
    if not name or name in ("test", "postgres"):
        raise SystemExit(f"refusing to use the database {name!r}: choose a benchmark database")
    admin = sa.make_url(url).set(database="postgres", drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False),
                         autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                    (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    engine = database.make_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


def sqlite_url(path: str | None) -> str:
    target = Path(path) if path else Path(tempfile.mkdtemp()) / "bench.sqlite"
    if target.exists():
        raise SystemExit(f"{target} exists: remove it or choose another --sqlite-path")
    return f"sqlite:///{target}"


def run(backend: str, url: str, args: argparse.Namespace) -> None:
    print(f"\n== {backend} ({url})")
    units = max(round(args.units * args.responses / FULL), 10)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    plan = fill(app, backend, args.responses, units)
    print(f"  {units} units; runs per page: {args.runs} after one warm-up")
    measure_pages(app, plan, args.runs)
    app.extensions["db_engine"].dispose()
    measure_export(url, plan)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--responses", type=int, default=FULL)
    parser.add_argument("--units", type=int, default=400, help="units at 1,000,000 responses")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--sqlite-path", help="a new file (default: in a temporary folder)")
    parser.add_argument("--export-child", nargs=3, help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = arguments()
    if args.export_child:
        url, survey_id, account_id = args.export_child
        export_child(url, int(survey_id), int(account_id))
        return
    print(f"{args.responses:,} responses over {args.units} units at full size")
    if args.backend in ("sqlite", "both"):
        run("sqlite", sqlite_url(args.sqlite_path), args)
    if args.backend in ("postgresql", "both"):
        run("postgresql", postgresql_url(args.pg_url), args)


if __name__ == "__main__":
    main()
