"""The migration that lets organisations outlive a network (issue 20), run on a database
made by the schema before it: each organisation's network becomes a membership, nothing
else changes (on SQLite no table is rebuilt, so the answers stay), an organisation can then
be in no network, and the way down puts the network back, or refuses while it cannot."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import database
from tests.test_migration_languages import answers_left
from tests.test_migration_released import migrate, store_one_answered_response
from tests.test_migration_released import url as url  # the fixture: a database of its own

BEFORE, AFTER = "7c2e4a9b1f36", "5b2d8f4c1e90"


def run(url: str, *statements: str) -> None:
    engine = database.make_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(sa.text(statement))
    finally:
        engine.dispose()


def rows(url: str, query: str) -> list[tuple]:
    engine = database.make_engine(url)
    with engine.connect() as connection:
        found = [tuple(row) for row in connection.execute(sa.text(query))]
    engine.dispose()
    return found


def check_integrity(url: str) -> None:
    if url.startswith("sqlite"):
        assert rows(url, "PRAGMA integrity_check") == [("ok",)]
        assert rows(url, "PRAGMA foreign_key_check") == []


def test_each_organisation_becomes_a_member_of_its_network(url):
    migrate(url, BEFORE)
    store_one_answered_response(url)
    migrate(url, AFTER)
    assert rows(url, "SELECT network_id, organisation_id, joined_on, left_on, withdrawn "
                     "FROM network_memberships") == [(1, 1, None, None, False)]
    assert rows(url, "SELECT id, name FROM organisations") == [(1, "O")]
    assert rows(url, "SELECT id, organisation_id FROM units") == [(1, 1)]
    assert rows(url, "SELECT id, unit_id FROM surveys") == [(1, 1)]
    assert answers_left(url) == 1 and len(rows(url, "SELECT id FROM responses")) == 1
    run(url, "INSERT INTO organisations (id, name, kind, archived) "
             "VALUES (2, 'Alone', 'kommune', false)")  # in no network: allowed now
    check_integrity(url)
    with pytest.raises(RuntimeError, match="Alone"):
        migrate(url, BEFORE, down=True)
    run(url, "INSERT INTO networks (id, name, archived) VALUES (2, 'M', false)",
        "INSERT INTO network_memberships (network_id, organisation_id, withdrawn) "
        "VALUES (2, 2, false)")
    migrate(url, BEFORE, down=True)
    assert rows(url, "SELECT id, network_id FROM organisations ORDER BY id") == [(1, 1), (2, 2)]
    assert answers_left(url) == 1
    check_integrity(url)
    with pytest.raises(sa.exc.IntegrityError):  # NOT NULL is back
        run(url, "INSERT INTO organisations (id, name, kind, archived) "
                 "VALUES (3, 'Alone', 'kommune', false)")


def test_the_way_down_is_refused_for_an_organisation_in_two_networks(url):
    migrate(url, BEFORE)
    store_one_answered_response(url)
    migrate(url, AFTER)
    run(url, "INSERT INTO networks (id, name, archived) VALUES (2, 'Later', false)",
        "INSERT INTO network_memberships (network_id, organisation_id, joined_on, withdrawn) "
        "VALUES (2, 1, '2022-01-01', false)")
    with pytest.raises(RuntimeError, match="in none or in several: O"):
        migrate(url, BEFORE, down=True)
    assert answers_left(url) == 1
