"""Start-up loads only what a respondent needs: the chart, statistics and export libraries
(seconds of CPU between them) are imported where figures are made, and the test libraries
never by the app. Behaviour, not timing: bench/README.md has the timings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Imported only inside the functions that draw charts, compute statistics, write XLSX or
# migrate the database; the last four only ever by the tests.
NOT_AT_START_UP = ("altair", "pandas", "scipy", "vl_convert", "numpy", "xlsxwriter", "alembic",
                   "hypothesis", "schemathesis", "openpyxl", "playwright", "authlib", "requests",
                   "joserfc")


def test_import_and_create_app_load_no_chart_statistics_or_test_library():
    script = ("import app, sys; app.create_app(); "
              f"print(sorted(m for m in {NOT_AT_START_UP!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]"


def test_importing_the_app_module_builds_no_app():
    """`import app` has no side effects (no instance folder, secret or pool); `app.app`,
    which gunicorn's `app:app` asks for, is built on first use and then kept."""
    script = ("import app, flask; built = 'app' in vars(app); first = app.app; "
              "print(built, isinstance(first, flask.Flask), app.app is first)")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=True)
    assert result.stdout.split() == ["False", "True", "True"]
