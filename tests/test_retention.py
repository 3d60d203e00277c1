"""Retention (`flask --app app retention`) and what /personvern says about it, about who is
responsible and about how to reach the data protection officer."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

import database
from surveys import retention
from surveys.account_models import AuditEntry
from surveys.models import Answer, AnswerTally, Response, Survey
from tests.conftest import log_in, respond
from util.dates import today

PSFS = {"activities-0-activity": "Gå til butikken", "activities-0-score": "4"}
# Tables that keep rows for a survey whose responses are gone: the survey itself, and its
# single-use links not yet used (a used one leaves no row; none joins to an answer). Any
# other table with a survey_id holds something about its responses and must be emptied.
KEPT_PER_SURVEY = {"surveys", "single_use_links"}


# --- The setting and the dates --------------------------------------------------------------

@pytest.mark.parametrize(("value", "months"), [
    (36, 36), ("24", 24), (" 12 ", 12), (0, None), ("0", None), ("", None), (None, None)])
def test_setting_gives_months_or_none_to_keep_until_deleted_by_hand(value, months):
    assert retention.configured_months({"RETENTION_MONTHS": value}) == months


def test_setting_defaults_to_36_months():
    assert retention.configured_months({}) == retention.DEFAULT_MONTHS == 36


@pytest.mark.parametrize("value", ["two years", -1, "-3", True, 1.5, [24]])
def test_a_wrong_setting_is_refused_not_guessed(value):
    with pytest.raises(ValueError, match="RETENTION_MONTHS"):
        retention.configured_months({"RETENTION_MONTHS": value})


@pytest.mark.parametrize(("day", "months", "expected"), [
    (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2026, 1, 15), 1, dt.date(2025, 12, 15)),
    (dt.date(2026, 5, 10), 24, dt.date(2024, 5, 10)),
    (dt.date(2026, 5, 10), 0, dt.date(2026, 5, 10)),
])
def test_months_before_counts_calendar_months(day, months, expected):
    assert retention.months_before(day, months) == expected


# --- The command ----------------------------------------------------------------------------

@pytest.fixture
def three_surveys(app, client, make_survey) -> dict[str, int]:
    """A PSFS survey closed 25 months ago, one closed 23 months ago and one without a
    closing date, each with six answered baselines (and so follow-up codes): five released
    in a batch (and so tallies), one still waiting for the next."""
    ids = {}
    for name in ("old", "recent", "undated"):
        survey = make_survey("psfs", title=f"PSFS {name}")
        for _ in range(6):
            assert respond(client, survey.public_token, PSFS).status_code == 303
        ids[name] = survey.id
    with app.app_context():
        db = database.session()
        now = today()
        db.get(Survey, ids["old"]).closes_on = retention.months_before(now, 25)
        db.get(Survey, ids["recent"]).closes_on = retention.months_before(now, 23)
        db.commit()
    app.config["RETENTION_MONTHS"] = 24
    return ids


def rows(app, survey_id: int) -> dict[str, int]:
    """Rows per table that carry this survey's id, every table of the schema."""
    with app.app_context():
        db = database.session()
        found = {}
        for table in Survey.metadata.sorted_tables:
            column = table.c.get("survey_id") if table.name != "surveys" else table.c.id
            if column is not None:
                found[table.name] = db.scalar(
                    sa.select(sa.func.count()).select_from(table).where(column == survey_id))
        return found


def retention_audits(app) -> list[AuditEntry]:
    with app.app_context():
        return list(database.session().scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "responses.retention")))


def test_deletes_exactly_the_surveys_past_retention(app, runner, three_surveys):
    before = {name: rows(app, survey_id) for name, survey_id in three_surveys.items()}
    for model in (Response, Answer, AnswerTally):  # PSFS has no score tallies
        assert before["old"][model.__tablename__] > 0, model
    with app.app_context():  # the follow-up code is the baseline's pair id, not a row
        db = database.session()
        assert db.scalar(sa.select(sa.func.count()).select_from(Response).where(
            Response.survey_id == three_surveys["old"], Response.pair_id.is_not(None))) == 6
        assert db.scalar(sa.select(sa.func.count()).select_from(Response).where(
            Response.survey_id == three_surveys["old"], Response.released.is_(False))) == 1

    result = runner.invoke(args=["retention"])
    assert result.exit_code == 0, result.output

    after = rows(app, three_surveys["old"])
    assert {t for t, n in after.items() if n} <= KEPT_PER_SURVEY, after
    assert rows(app, three_surveys["recent"]) == before["recent"]
    assert rows(app, three_surveys["undated"]) == before["undated"]
    old = three_surveys["old"]
    assert f"survey {old} «PSFS old»" in result.output
    # the waiting one too
    assert "deleted 6 responses, 0 follow-ups, 6 follow-up codes" in result.output
    assert "1 surveys past 24 months" in result.output
    assert "Gå til butikken" not in result.output  # counts, never answers
    for name in ("recent", "undated"):
        assert f"survey {three_surveys[name]} " not in result.output


def test_writes_one_audit_entry_per_survey_without_an_account(app, runner, three_surveys):
    runner.invoke(args=["retention"])
    [entry] = retention_audits(app)
    assert entry.account_id is None
    assert entry.target.startswith(f"survey {three_surveys['old']}: 6 responses")
    assert "kept 24 months" in entry.target


def test_the_audit_log_names_the_app_as_the_one_who_deleted(app, client, runner, three_surveys,
                                                           make_account):
    runner.invoke(args=["retention"])
    make_account("admin@a.no", is_admin=True)
    client.set_cookie("lang", "en")
    assert log_in(client, "admin@a.no").status_code == 303
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "The app itself (retention time)" in html and "Deleted account" not in html


def test_dry_run_deletes_nothing(app, runner, three_surveys):
    before = rows(app, three_surveys["old"])
    result = runner.invoke(args=["retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would delete 6 responses" in result.output
    assert "nothing deleted (dry run)" in result.output
    assert rows(app, three_surveys["old"]) == before
    assert retention_audits(app) == []


def test_a_second_run_does_nothing(app, runner, three_surveys):
    runner.invoke(args=["retention"])
    second = runner.invoke(args=["retention"])
    assert second.exit_code == 0, second.output
    assert "0 surveys past 24 months" in second.output
    assert len(retention_audits(app)) == 1


@pytest.mark.parametrize("value", [0, ""])
def test_zero_or_empty_keeps_everything(app, runner, three_surveys, value):
    app.config["RETENTION_MONTHS"] = value
    before = rows(app, three_surveys["old"])
    result = runner.invoke(args=["retention"])
    assert result.exit_code == 0
    assert "Retention is off" in result.output
    assert rows(app, three_surveys["old"]) == before


def test_a_wrong_setting_stops_the_command(app, runner, three_surveys):
    app.config["RETENTION_MONTHS"] = "two years"
    result = runner.invoke(args=["retention"])
    assert result.exit_code != 0
    assert "whole number of months" in result.output
    assert rows(app, three_surveys["old"])["responses"] == 6


def test_nothing_is_deleted_while_follow_ups_are_still_taken(app, runner, client, make_survey):
    survey = make_survey("psfs", follow_up_weeks=26)
    respond(client, survey.public_token, PSFS)
    with app.app_context():
        db = database.session()
        db.get(Survey, survey.id).closes_on = today() - dt.timedelta(days=60)
        db.commit()
    app.config["RETENTION_MONTHS"] = 1
    result = runner.invoke(args=["retention"])
    assert "0 surveys past 1 months" in result.output
    assert rows(app, survey.id)["responses"] == 1


# --- /personvern ------------------------------------------------------------------------------

SAYS = {
    "nb": ("Ansvarlig for svarene (behandlingsansvarlig): Nordby kommune",
           "Spør personvernombudet: personvernombud@nordby.kommune.no",
           "Vi sletter svarene 24 måneder etter at undersøkelsen er avsluttet."),
    "nn": ("Ansvarleg for svara (behandlingsansvarleg): Nordby kommune",
           "Spør personvernombodet: personvernombud@nordby.kommune.no",
           "Vi slettar svara 24 månader etter at undersøkinga er avslutta."),
    "en": ("Responsible for the answers (the controller): Nordby kommune",
           "Ask the data protection officer: personvernombud@nordby.kommune.no",
           "We delete the answers 24 months after the survey has closed."),
}


def privacy_page(app, client, lang: str, **config) -> str:
    app.config.update(config)
    client.get(f"/sprak/{lang}")
    response = client.get("/personvern")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_privacy_page_names_controller_dpo_and_retention(app, client, lang):
    html = privacy_page(app, client, lang, PRIVACY_CONTROLLER="Nordby kommune",
                        PRIVACY_DPO_CONTACT="personvernombud@nordby.kommune.no",
                        RETENTION_MONTHS=24)
    for text in SAYS[lang]:
        assert text in html


def test_privacy_page_tells_the_operator_what_to_fill_in(app, client):
    html = privacy_page(app, client, "en")
    assert "must fill in who is responsible for the answers" in html
    assert "must fill in how to reach its data protection officer" in html
    assert "We delete the answers 36 months after the survey has closed." in html
    assert "If a survey has no end date" in html


def test_privacy_page_without_retention_says_answers_are_kept(app, client):
    html = privacy_page(app, client, "en", RETENTION_MONTHS=0)
    assert "We keep the answers until the service that asked you deletes them." in html
    assert "We delete the answers" not in html


def test_privacy_page_with_a_wrong_retention_asks_the_operator(app, client):
    html = privacy_page(app, client, "en", RETENTION_MONTHS="two years")
    assert "must fill in how long answers are kept" in html


def test_privacy_page_says_how_anonymity_is_kept(app, client):
    html = privacy_page(app, client, "en")
    for text in ("not the time of day", "Your IP address, your device or your browser",
                 "at least 5 people have answered", "not which answers came from it",
                 "We show the code only once"):
        assert text in html


def test_privacy_page_escapes_the_settings(app, client):
    html = privacy_page(app, client, "en", PRIVACY_CONTROLLER="<script>x</script>")
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;" in html
