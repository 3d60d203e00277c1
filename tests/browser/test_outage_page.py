"""The database goes away between a survey's page and its post: the respondent sees the
"busy" page in their language (axe-core, 360 px), and one press of «Send again» stores the
same answers once the database is back.

The outage is made by moving the SQLite file away and dropping the pooled connections: the
next connection finds an empty database and the query fails as when PostgreSQL is down. The
PostgreSQL version of this (a real server stopped and started) is in tests/test_faults.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import database
from questionnaires.loader import builtin_definitions
from questionnaires.queries import latest_version
from surveys.models import Layout, Network, Organisation, Survey, Unit
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import serve
from tests.browser.test_answering import LANGUAGES, fill_page
from tests.conftest import make_app, response_count

pytestmark = pytest.mark.browser
BUSY = {"nb": "Tjenesten er opptatt akkurat nå", "nn": "Tenesta er oppteken akkurat no",
        "en": "The service is busy right now"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_answers_survive_a_database_outage(page: Page, sqlite_template, tmp_path, lang):
    path = tmp_path / "outage.sqlite"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        db = database.session()
        survey = Survey(title="Utfall", questionnaire=latest_version(db, "samling"),
                        layout=Layout.ONE_PAGE, unit=Unit(name="E", organisation=Organisation(
                            name="K", kind="kommune", network=Network(name="N"))))
        db.add(survey)
        db.commit()
        survey_id, token = survey.id, survey.public_token
    with serve(app) as url:
        page.context.add_cookies([{"name": "lang", "value": lang, "url": url}])
        page.goto(f"{url}/s/{token}")
        fill_page(page, builtin_definitions()["samling"])
        away = _take_database_away(app, path)
        page.click("button[name=nav][value=submit]:visible")
        expect(page.locator("h1")).to_have_text(BUSY[lang])
        assert_accessible(page)
        _bring_database_back(app, path, away)
        page.click("button[type=submit]")
        expect(page).to_have_url(f"{url}/s/{token}/takk")
    assert response_count(app, survey_id) == 1


def _take_database_away(app, path: Path) -> Path:
    """Close every connection (the last close folds SQLite's write-ahead log into the
    file), then move the file away: the next connection finds an empty database."""
    app.extensions["db_engine"].dispose()
    away = path.with_suffix(".away")
    path.rename(away)
    return away


def _bring_database_back(app, path: Path, away: Path) -> None:
    app.extensions["db_engine"].dispose()
    for empty in path.parent.glob(f"{path.name}*"):  # what the failed connection left
        empty.unlink()
    away.rename(path)
