"""Command-line tasks: `flask --app app migrate` and `flask --app app demo`."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask
from flask.cli import with_appcontext

from questionnaires.operations import sync_builtins
from surveys import database

ROOT = Path(__file__).resolve().parent.parent


def upgrade_database() -> None:
    """Bring the schema to the newest migration and store the built-in questionnaires."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    with database.engine().begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    db = database.session()
    sync_builtins(db)
    db.commit()


@click.command("migrate")
@with_appcontext
def migrate_command() -> None:
    """Create or upgrade the database, and store the built-in questionnaires."""
    upgrade_database()
    click.echo("Database is up to date.")


@click.command("demo")
@with_appcontext
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="Where the app is served, for the printed links.")
def demo_command(base_url: str) -> None:
    """Seed the demo network once, then print each demo survey's id and public link."""
    from surveys.demo import seed_demo

    upgrade_database()
    for slug, token in seed_demo(database.session()):
        click.echo(f"{slug}\t{base_url.rstrip('/')}/s/{token}")


def init_app(app: Flask) -> None:
    app.cli.add_command(migrate_command)
    app.cli.add_command(demo_command)
