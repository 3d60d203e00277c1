"""A questionnaire declares that it is a gathering evaluation (issue 16, item 4).

The schema field `purpose: gathering_evaluation`, set by the built-in «samling», and the
migration that declares it for the versions stored before the field existed: every «samling»
version and every copy of one, and nothing else.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from pydantic import ValidationError

from database import make_engine
from questionnaires.loader import builtin_definitions
from questionnaires.schema import Definition

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "3f8a1c6d2e90"  # the revision before the purpose was declared


def test_only_the_built_in_gathering_evaluation_declares_the_purpose():
    declared = {slug for slug, d in builtin_definitions().items()
                if d.purpose == "gathering_evaluation"}
    assert declared == {"samling"}
    content = builtin_definitions()["psfs"].model_dump(mode="json", exclude_none=True)
    assert "purpose" not in content  # stored versions of ordinary questionnaires keep theirs
    with pytest.raises(ValidationError, match="gathering_evaluation"):
        Definition.model_validate({**content, "purpose": "samling"})


def _migrate(url: str, revision: str, down: bool = False) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    engine = make_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
    engine.dispose()


def test_the_migration_declares_samling_and_its_copies_and_nothing_else(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    _migrate(url, BEFORE)
    old = builtin_definitions()["samling"].model_dump(mode="json", exclude_none=True)
    del old["purpose"]
    old["version"] = 1
    other = builtin_definitions()["brukerundersokelse"].model_dump(mode="json", exclude_none=True)
    rows = {"samling": ("builtin", old),
            "samling_nord": ("copy", {**old, "id": "samling_nord"}),
            "samling_egen": ("copy", {**old, "id": "samling_egen", "title": other["title"]}),
            "samling_last": ("upload", {**old, "id": "samling_last"}),
            "brukerundersokelse": ("builtin", other)}
    table = sa.table("questionnaire_versions", sa.column("slug", sa.String),
                     sa.column("version", sa.Integer), sa.column("origin", sa.String),
                     sa.column("content", sa.JSON), sa.column("created_on", sa.Date))
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(table.insert(), [
            {"slug": slug, "version": 1, "origin": origin, "content": content,
             "created_on": dt.date(2026, 1, 5)}
            for slug, (origin, content) in rows.items()])
    engine.dispose()

    def purposes() -> dict[str, str | None]:
        found = make_engine(url)
        with found.connect() as connection:
            result = {slug: content.get("purpose") for slug, content in connection.execute(
                sa.select(table.c.slug, table.c.content))}
        found.dispose()
        return result

    _migrate(url, "head")
    after = purposes()
    assert after == {"samling": "gathering_evaluation", "samling_nord": "gathering_evaluation",
                     "samling_egen": None, "samling_last": None, "brukerundersokelse": None}
    _migrate(url, BEFORE, down=True)
    assert set(purposes().values()) == {None}
