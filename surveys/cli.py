"""Command-line tasks: `flask --app app migrate`, `demo`, `create-admin` and `retention`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

import database
from questionnaires.operations import sync_builtins
from surveys import tallies

ROOT = Path(__file__).resolve().parent.parent


def upgrade_database() -> None:
    """Bring the schema to the newest migration, store the built-in questionnaires and
    count the responses of any survey the tallies do not count yet."""
    from alembic import command  # here, not at start-up: 0.2 s of CPU
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    with database.engine().begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    db = database.session()
    sync_builtins(db)
    tallies.recount_missing(db)
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
    from surveys.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo

    upgrade_database()
    for slug, token in seed_demo(database.session()):
        click.echo(f"{slug}\t{base_url.rstrip('/')}/s/{token}")
    logins = ", ".join(email for email, _name, _role in DEMO_ACCOUNTS)
    click.echo(f"Staff pages: {base_url.rstrip('/')}/admin/ — demo logins {logins}, "
               f"password {DEMO_PASSWORD}", err=True)


@click.command("create-admin")
@click.option("--email", prompt=True, help="The administrator's e-mail address.")
@click.option("--name", prompt=True, help="The administrator's name.")
@click.password_option(help="At least 12 characters.")
@with_appcontext
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create the first administrator (or make an existing account one)."""
    import sqlalchemy as sa

    from surveys import access, auth
    from surveys.account_models import Account

    problem = auth.password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="password")
    upgrade_database()
    db = database.session()
    email = auth.normalise_email(email)
    account = db.scalars(sa.select(Account).filter_by(email=email)).first()
    if account is None:
        account = Account(email=email, name=name)
        db.add(account)
    account.is_admin = True
    account.password_hash = auth.hash_password(password)
    db.flush()
    access.audit(db, account, "account.create_admin", email)
    db.commit()
    click.echo(f"Administrator {email} is ready. Log in at /admin/login.")


@click.command("retention")
@click.option("--dry-run", is_flag=True,
              help="Only list what would be deleted; delete nothing.")
@with_appcontext
def retention_command(dry_run: bool) -> None:
    """Delete the responses of surveys closed more than SURVEY_RETENTION_MONTHS ago, and
    answers kept between pages but never sent (`answer_drafts`), from before yesterday.

    Meant for a nightly cron job: a second run finds nothing left to delete. Prints one
    line per survey with counts only, never an answer."""
    from surveys import answer_drafts, retention
    from util.dates import today

    if not dry_run:
        db = database.session()
        unsent = answer_drafts.delete_stale(db, today())
        db.commit()
        click.echo(f"{unsent} unsent drafts (answers kept between pages) deleted.")
    try:
        months = retention.configured_months(current_app.config)
    except ValueError as problem:
        raise click.UsageError(str(problem)) from None
    if months is None:
        click.echo("Retention is off (SURVEY_RETENTION_MONTHS is 0 or empty): "
                   "responses are kept until deleted by hand.")
        return
    found = retention.delete_expired(database.session(), today(), months, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    for survey in found:
        click.echo(f"survey {survey.survey_id} «{survey.title}», closed {survey.closes_on}: "
                   f"{verb} {survey.responses} responses, {survey.follow_ups} follow-ups, "
                   f"{survey.codes} follow-up codes")
    click.echo(f"{len(found)} surveys past {months} months after closing; "
               f"{'nothing deleted (dry run)' if dry_run else 'their responses are deleted'}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(migrate_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(retention_command)
