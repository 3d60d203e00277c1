"""The database administrator's join: nothing in PostgreSQL's bookkeeping pairs a link or a
follow-up code with the response it produced.

The threat: a database administrator who reads every column and the database's own
bookkeeping (xmin, ctid, sequences), working with a unit lead who knows to whom each
single-use link and each follow-up code was given. Each respondent here names an activity
«Person k», so the test knows the truth and can tell whether an attack found it. The
attacker is even granted the app's secret key, to find a link's or code's row at all.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest
import sqlalchemy as sa

import database
from surveys import follow_up_codes
from surveys.models import LinkMode
from surveys.operations import issue_single_use_links
from tests.conftest import respond
from tests.test_follow_up import post_follow_up, shown_code

PEOPLE = 6
SECRET = "test"  # conftest's SECRET_KEY


def _tables(connection: sa.Connection) -> dict[str, set[str]]:
    rows = connection.execute(sa.text(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'public'"))
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    return found


def _person_of_response(connection: sa.Connection) -> dict[str, int]:
    """response id → k, from the activity «Person k» (baseline and follow-up alike)."""
    rows = connection.execute(sa.text(
        "SELECT r.id::text, a.value_text, r.is_follow_up FROM responses r "
        "JOIN answers a ON a.response_id = r.id WHERE a.value_text LIKE 'Person %'")).all()
    return {response: int(text.split()[1]) for response, text, _ in rows}


def _link_digest(token: str) -> str:
    return hmac.new(SECRET.encode(), f"single-use-link:{token}".encode(),
                    hashlib.sha256).hexdigest()


def _link_rows(connection, columns: set[str], token: str) -> list[sa.Row]:
    """The row of a link, however it is stored (in clear or as a keyed digest)."""
    if "token" in columns:
        where, value = "token = :v", token
    else:
        where, value = "token_digest = :v", _link_digest(token)
    return connection.execute(sa.text(
        f"SELECT xmin::text::bigint AS x, ctid::text AS c FROM single_use_links WHERE {where}"),
        {"v": value}).all()


def _code_rows(connection, tables, survey_id: int, code: str) -> list[sa.Row]:
    if "follow_up_codes" not in tables:
        return []
    digest = follow_up_codes.digest(SECRET, survey_id, code)
    return connection.execute(sa.text(
        "SELECT xmin::text::bigint AS x FROM follow_up_codes WHERE code_digest = :d"),
        {"d": digest}).all()


def _responses_by_xmin(connection) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for xid, response in connection.execute(sa.text(
            "SELECT xmin::text::bigint, id::text FROM responses")):
        found.setdefault(xid, []).append(response)
    return found


@pytest.fixture
def handed_out(app, client, make_survey):
    """Six people answer a PSFS baseline through their own single-use link; three of them
    answer the follow-up with their code. Returns (survey id, tokens, codes) by person."""
    if app.extensions["db_engine"].dialect.name != "postgresql":
        pytest.skip("xmin, ctid and sequences are PostgreSQL's bookkeeping; set "
                    "TEST_DATABASE_URL to run the attack")
    survey = make_survey("psfs", link_mode=LinkMode.SINGLE_USE)
    with app.app_context():
        tokens = issue_single_use_links(database.session(), survey, PEOPLE).tokens()
    codes = []
    for k, token in enumerate(tokens):
        posted = respond(client, token, {"activities-0-activity": f"Person {k}",
                                         "activities-0-score": "4"})
        assert posted.status_code == 303, posted.get_data(as_text=True)
        codes.append(shown_code(client, posted)[0])  # shown once, never in an address
    for code in codes[::2]:
        assert post_follow_up(client, survey, code, {0: "7"}).status_code == 303
    return survey.id, tokens, codes


def test_no_link_shares_a_transaction_with_its_response(app, handed_out):
    """The xmin join that found 8 of 8: a link marked used in the response's transaction
    carries the response's xmin. Neighbouring transaction ids count as a join too."""
    _survey_id, tokens, _codes = handed_out
    with app.extensions["db_engine"].connect() as connection:
        columns = _tables(connection)["single_use_links"]
        person, by_xmin = _person_of_response(connection), _responses_by_xmin(connection)
        found = [k for k, token in enumerate(tokens)
                 for row in _link_rows(connection, columns, token)
                 for xid in (row.x - 1, row.x, row.x + 1)
                 for response in by_xmin.get(xid, []) if person.get(response) == k]
    assert found == []


def test_no_code_shares_a_transaction_or_a_key_with_its_responses(app, handed_out):
    survey_id, _tokens, codes = handed_out
    with app.extensions["db_engine"].connect() as connection:
        tables = _tables(connection)
        person, by_xmin = _person_of_response(connection), _responses_by_xmin(connection)
        found = [k for k, code in enumerate(codes)
                 for row in _code_rows(connection, tables, survey_id, code)
                 for xid in (row.x - 1, row.x, row.x + 1)
                 for response in by_xmin.get(xid, []) if person.get(response) == k]
        references = [c for c in tables.get("follow_up_codes", set())
                      if c in {"baseline_id", "follow_up_id", "response_id"}]
    assert found == []
    assert references == []


def test_used_links_leave_no_row_to_order(app, handed_out):
    """A used link's row, in ctid or id order, would line up with the responses' order."""
    _survey_id, tokens, _codes = handed_out
    with app.extensions["db_engine"].connect() as connection:
        columns = _tables(connection)["single_use_links"]
        left = [token for token in tokens if _link_rows(connection, columns, token)]
    assert left == []


def test_no_sequence_gives_the_order_of_submissions(app, handed_out):
    """A serial id on answers or codes numbers the submissions in the order they came."""
    with app.extensions["db_engine"].connect() as connection:
        serial = connection.execute(sa.text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND (column_default LIKE 'nextval%' "
            "OR is_identity = 'YES') AND table_name IN "
            "('responses', 'answers', 'follow_up_codes', 'single_use_links')")).all()
    assert serial == []
