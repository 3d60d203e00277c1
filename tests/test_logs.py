"""What the app's logs may hold. The development server's log (`make run`, `flask run`):
masked as gunicorn's access log is (tests/test_production_server.py), and without the
client's address; a unit lead who runs a small pilot with `make run` must not read in the
terminal when each link was answered, or from where. The error log: an unexpected database
error names its kind and statement, never the values it was given (a respondent's answers),
on either backend."""

from __future__ import annotations

import logging
import threading

import pytest
from werkzeug.serving import make_server

from questionnaires.item_types import AnswerValue
from surveys import operations
from tests.conftest import respond
from tests.test_production_server import get_status, send_raw
from web.log_masking import exception_text, mask, masked_line


def test_the_development_server_logs_no_address_token_or_query(app, make_survey, caplog):
    token = make_survey(title="Logget").public_token
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            assert get_status(port, f"/s/{token}?lang=en") == 200
            assert get_status(port, f"/s/{token}/takk") == 200
            assert get_status(port, "/admin/set-password/secret-password-token") == 410
            send_raw(port, f"GET /s/{token} HTTP/1.1 extra")
    finally:
        server.shutdown()
        thread.join(10)
    logged = "\n".join(record.getMessage() for record in caplog.records
                       if record.name == "werkzeug")
    assert '"GET /s/* HTTP/1.1" 200' in logged
    assert "/s/*/takk" in logged and "/admin/set-password/*" in logged
    assert "GET /s/* HTTP/1.1 extra" in logged  # the refused line, quoted in its refusal
    for secret in (token, "secret-password-token", "lang=en", "127.0.0.1"):
        assert secret not in logged, secret


@pytest.mark.parametrize(("line", "masked"), [
    ('::1 - - [04/Dec/2026 23:15:23] "GET /s/Abc123/kode/K7QM HTTP/1.1" 200 -',
     '- - - [04/Dec/2026 23:15:23] "GET /s/*/kode/* HTTP/1.1" 200 -'),
    ('10.0.0.7 - - [04/Dec/2026 23:15:26] "\x1b[33mGET /s/Abc?x=1 HTTP/1.1\x1b[0m" 404 -',
     '- - - [04/Dec/2026 23:15:26] "\x1b[33mGET /s/* HTTP/1.1\x1b[0m" 404 -'),
    ("10.0.0.7 - - [04/Dec/2026 23:15:26] code 400, message Bad request syntax "
     "('POST /admin/unsubscribe/MQ.hDW HTTP/1.1 x')",
     "- - - [04/Dec/2026 23:15:26] code 400, message Bad request syntax "
     "('POST /admin/unsubscribe/* HTTP/1.1 x')"),
    ("Invalid request from ip=2001:db8::1: Invalid HTTP request line: 'GET /s/Abc?x=1'",
     "Invalid request from ip=-: Invalid HTTP request line: 'GET /s/*'"),
    (" * Running on http://127.0.0.1:5000", " * Running on http://127.0.0.1:5000"),
])
def test_a_log_line_keeps_its_shape_without_its_secrets(line, masked):
    assert masked_line(line) == masked


@pytest.mark.both_backends
def test_an_unexpected_database_error_is_logged_without_the_answers(
        app, client, make_survey, monkeypatch, caplog):
    """A submission whose INSERT fails (here a NOT NULL violation, forced): PostgreSQL quotes
    the failing row in its DETAIL and SQLAlchemy the statement's parameters, the free text
    among them; the log names the error and the statement, and keeps neither."""
    survey = make_survey("psfs")
    secret = "Kari Nordmann vil hjem til katten sin"
    storing = operations._insert_response

    def failing(db, *args, **kwargs):
        args = list(args)
        args[4] = [AnswerValue(None, a.position, a.value_num, a.value_text)  # type: ignore
                   for a in args[4]]  # the answers, each without its item: refused
        return storing(db, *args, **kwargs)

    monkeypatch.setattr(operations, "_insert_response", failing)
    with caplog.at_level(logging.INFO):
        posted = respond(client, survey.public_token, {
            "activities-0-activity": secret, "activities-0-score": "3"})
    assert posted.status_code == 500
    assert "IntegrityError" in caplog.text and "INSERT INTO answers" in caplog.text
    assert secret not in caplog.text


def test_only_the_detail_of_a_database_message_is_left_out():
    """PostgreSQL's DETAIL may run over lines; the HINT after it and the statement stay."""
    message = ('duplicate key value violates unique constraint "uq"\n'
               "DETAIL:  Key (survey_id, submission_key)=(3, abc) already exists.\n"
               "Second line of (Kari).\nHINT:  Check the key.\n[SQL: INSERT INTO responses]")
    text = exception_text(ValueError(message))
    assert "abc" not in text and "Kari" not in text
    assert 'violates unique constraint "uq"' in text and "HINT:  Check the key." in text
    assert "[SQL: INSERT INTO responses]" in text and "ValueError" in text


def test_a_masked_logger_masks_the_exceptions_it_is_given(caplog):
    """As gunicorn's error log writes an exception that escaped the app."""
    logger = logging.getLogger("tests.masked")
    mask(logger)
    mask(logger)  # once is enough, twice changes nothing
    assert len(logger.filters) == 1
    message = "refused\nDETAIL:  Failing row contains (" + "Kari" + ", 42)."
    try:
        raise RuntimeError(message)  # the traceback quotes this line, not the message
    except RuntimeError:
        with caplog.at_level(logging.ERROR, logger="tests.masked"):
            logger.exception("Error handling request GET /s/Abc123/takk?x=1")
    assert "Error handling request GET /s/*/takk\n" in caplog.text
    assert "RuntimeError: refused" in caplog.text
    assert "Kari" not in caplog.text and "Abc123" not in caplog.text


def test_flasks_own_log_of_a_failing_request_is_masked(app, caplog):
    """Flask logs `Exception on <path> [<method>]` when even the error handler fails."""
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        app.logger.error("Exception on /s/Abc123/oppfolging/K7QM [POST]")
    assert "Exception on /s/*/oppfolging/* [POST]" in caplog.text
    assert "Abc123" not in caplog.text
