"""In-process CPU of storing one response (`surveys.operations.submit_response`).

Stores `N` responses of 17 scale answers to one «brukerundersokelse» survey on PostgreSQL
and prints the CPU per response (mean, median; for the batches, the responses that complete
a batch of 5 and the others apart), the wall time and the SQL statements per response.
Run it from the checkout to measure, so that two versions can be compared back to back:

    .venv/bin/python bench/submit_cost.py 1000
    (cd ../other-checkout && /path/to/.venv/bin/python bench/submit_cost.py 1000)

The database `bench_submit` on 127.0.0.1 (or `BENCH_PG_URL`) is created if missing and
emptied (`bench/load.py`'s `empty_database`: `test` and other hosts are refused).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import statistics
import sys
import time

import sqlalchemy as sa

sys.path.insert(0, os.getcwd())
from load import empty_database  # noqa: E402  (bench/ is this script's folder)

import database  # noqa: E402
from app import create_app  # noqa: E402
from questionnaires.item_types import AnswerValue  # noqa: E402
from questionnaires.queries import latest_version  # noqa: E402
from surveys.cli import upgrade_database  # noqa: E402
from surveys.models import Network, Organisation, Survey, Unit  # noqa: E402
from surveys.operations import submit_response  # noqa: E402

URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_submit")


def main(n: int) -> None:
    empty_database(URL)
    app = create_app({"DATABASE_URL": URL, "SECRET_KEY": "bench", "TESTING": True})
    statements = [0]
    with app.app_context():
        upgrade_database()
        db = database.session()
        unit = Unit(name="U", organisation=Organisation(name="O", kind="kommune",
                                                         network=Network(name="N")))
        survey = Survey(title="S", questionnaire=latest_version(db, "brukerundersokelse"),
                        unit=unit)
        db.add(survey)
        db.commit()
        items = [i.id for i in survey.questionnaire.definition.items() if i.type == "scale"]

        def count(*_args: object) -> None:
            statements[0] += 1

        sa.event.listen(app.extensions["db_engine"], "before_cursor_execute", count)
        cpu, wall = [], []
        for number in range(n):
            answers = [AnswerValue(item, 0, float(1 + (number + i) % 7), None)
                       for i, item in enumerate(items)]
            key = secrets.token_urlsafe(18)
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            submit_response(db, survey, None, key, "nb", answers, dt.date(2026, 3, 2))
            cpu.append(time.process_time() - cpu_start)
            wall.append(time.perf_counter() - wall_start)
    app.extensions["db_engine"].dispose()
    fifth = [c for i, c in enumerate(cpu) if i % 5 == 4]
    others = [c for i, c in enumerate(cpu) if i % 5 != 4]
    print(f"{n} responses of {len(items)} answers: CPU ms per response mean "
          f"{1000 * statistics.mean(cpu):.2f}, median {1000 * statistics.median(cpu):.2f} "
          f"(every 5th {1000 * statistics.mean(fifth):.2f}, the others "
          f"{1000 * statistics.mean(others):.2f}); wall ms median "
          f"{1000 * statistics.median(wall):.2f}; statements per response {statements[0] / n:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
