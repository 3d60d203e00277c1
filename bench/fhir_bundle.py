"""Time and memory of the FHIR Bundle export of one survey of 100,000 responses.

Run by hand: `.venv/bin/python bench/fhir_bundle.py` (options: `--help`). The raw exports
must stream a survey of 100,000 responses in under 150 MB (issue 5); the FHIR Bundle of
QuestionnaireResponse (issue 8) is read the same way, in keyset pages on a connection of its
own, and is measured the same way: one «brukerundersokelse» survey filled in bulk with
`bench/dashboard.py`'s loaders, then the download streamed in a fresh child process, once
for time and peak RSS (VmHWM, reset just before) and once under `tracemalloc`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import dashboard as d  # noqa: E402
import sqlalchemy as sa  # noqa: E402

import database
from app import create_app  # noqa: E402
from questionnaires.queries import latest_version  # noqa: E402
from surveys import auth  # noqa: E402
from surveys.account_models import Account  # noqa: E402
from surveys.cli import upgrade_database  # noqa: E402
from surveys.models import Network, Organisation, Survey, Unit  # noqa: E402

RESPONSES = 100_000


def fill(url: str, backend: str, responses: int) -> tuple[int, int]:
    """One unit with one survey of `responses` responses; returns (survey id, account id)."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade_database()
        db = database.session()
        version = latest_version(db, "brukerundersokelse")
        unit = Unit(name="Enhet", organisation=Organisation(
            name="Kommune", kind="kommune", network=Network(name="Benchmark network")))
        survey = Survey(title="Brukerundersøkelse", questionnaire=version, unit=unit)
        account = Account(email="bench@example.org", name="Bench", is_admin=True,
                          password_hash=auth.hash_password("not used in the benchmark"))
        db.add_all([survey, account])
        db.commit()
        plan = d.Plan(0, account.id, [d.Planned(survey.id, version.id, version.definition,
                                                responses, dt.date(2026, 3, 1))])
        started = time.perf_counter()
        load = d.load_sqlite if backend == "sqlite" else d.load_postgresql
        counted = load(database.engine(), plan)
        if backend == "postgresql":  # as autovacuum would soon, and bench/dashboard.py does
            with database.engine().connect().execution_options(
                    isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE"))
        print(f"  filled {counted[0]:,} responses, {counted[1]:,} answers in "
              f"{time.perf_counter() - started:.1f} s")
        ids = survey.id, account.id
    app.extensions["db_engine"].dispose()
    return ids


def child(url: str, survey_id: int, account_id: int) -> None:
    """In a fresh process: stream the Bundle twice, print one JSON line of figures."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    client = d.logged_in(app, account_id)
    path = f"/admin/surveys/{survey_id}/responses.fhir.json"
    client.get("/admin/")
    d._reset_peak_rss()
    before = d._status("VmRSS")
    started = time.perf_counter()
    size, chunks = d._stream(client, path)
    elapsed = time.perf_counter() - started
    after = d._status("VmHWM")
    tracemalloc.start()
    d._stream(client, path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"bytes": size, "chunks": chunks, "seconds": elapsed,
                      "rss_before": before, "rss_after": after, "traced_peak": peak}))


def measure(url: str, survey_id: int, account_id: int, responses: int) -> None:
    done = subprocess.run([sys.executable, __file__, "--child", url, str(survey_id),
                           str(account_id)], capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    mb = 1024 * 1024
    rss = (figures["rss_after"] - figures["rss_before"]) / mb
    peak = figures["traced_peak"] / mb
    verdict = "ok" if max(rss, peak) < d.TARGET_EXPORT_MB else "MISSES"
    print(f"  responses.fhir.json of {responses:,} responses: {figures['bytes']:,} bytes in "
          f"{figures['chunks']} chunks, {figures['seconds']:.1f} s")
    print(f"  peak memory: RSS +{rss:.0f} MB, Python allocations peak {peak:.0f} MB; "
          f"target {d.TARGET_EXPORT_MB} MB: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--responses", type=int, default=RESPONSES)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), int(args.child[2]))
        return
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        url = d.sqlite_url(None) if backend == "sqlite" else d.postgresql_url(args.pg_url)
        print(f"== {backend}")
        survey_id, account_id = fill(url, backend, args.responses)
        measure(url, survey_id, account_id, args.responses)


if __name__ == "__main__":
    main()
