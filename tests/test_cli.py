"""`flask --app app demo` seeds once and prints one line per demo survey."""

from __future__ import annotations

import re

import sqlalchemy as sa

import database
from surveys.models import Gathering, Organisation, Response, Survey, Unit


def test_demo_seeds_once_and_prints_links(app, runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    lines = first.stdout.strip().splitlines()
    slugs = [line.split("\t")[0] for line in lines]
    assert sorted(slugs) == sorted(["psfs", "brukerundersokelse", "parorende", "samling",
                                    "sjekkliste", "samhandling", "oppfolging"])
    for line in lines:
        assert re.fullmatch(r"[a-z_]+\thttp://127\.0\.0\.1:5000/s/[A-Za-z0-9_-]{32}", line)
    second = runner.invoke(args=["demo"])
    assert second.stdout == first.stdout
    assert "enhet@demo.no" in first.stderr
    with app.app_context():
        db = database.session()
        count = lambda model: db.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
        assert count(Survey) == 7
        assert count(Gathering) == 4
        assert count(Organisation) == 3
        assert count(Unit) >= 4
        assert count(Response) >= 7 * 20


def test_demo_links_open(app, runner, client):
    lines = runner.invoke(args=["demo"]).stdout.strip().splitlines()
    assert len(lines) == 7
    for line in lines:
        path = line.split("5000", 1)[1]
        assert client.get(path).status_code == 200


def test_migrate_is_idempotent(runner):
    for _ in range(2):
        result = runner.invoke(args=["migrate"])
        assert result.exit_code == 0
        assert "up to date" in result.output


def test_demo_unit_lead_can_log_in_and_sees_only_their_unit(app, runner, client):
    from surveys.demo import DEMO_PASSWORD
    from tests.conftest import log_in

    runner.invoke(args=["demo"])
    assert log_in(client, "enhet@demo.no", DEMO_PASSWORD).status_code == 303
    html = client.get("/admin/").get_data(as_text=True)
    assert "Hjemmesykepleien Nordby" in html
    assert "Hjemmetjenesten Sørvik" not in html
