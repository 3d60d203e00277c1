"""`flask --app app send-digests`: the weekly digest, for cron (README: Monday 07:00)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

import database
from notifications import sending
from notifications.settings import mail_settings
from util.dates import today


@click.command("send-digests")
@click.option("--dry-run", is_flag=True,
              help="Only list who would get a digest and what it would hold; send nothing.")
@with_appcontext
def send_digests_command(dry_run: bool) -> None:
    """Send the weekly digest to every account that asked for it and has news.

    Prints one line per account and a summary; exits with 1 when a mail could not be sent
    (the others are sent all the same), and with a clear message when a setting is missing."""
    db = database.session()

    def say(line: str, is_error: bool) -> None:
        click.echo(line, err=is_error)

    if dry_run:
        summary = sending.dry_run(db, today(), say)
        click.echo(f"Dry run: would send {summary.sent}, would skip {summary.skipped} "
                   "with nothing to report; nothing sent.")
        return
    try:
        settings = mail_settings(current_app.config)
    except ValueError as problem:
        raise click.ClickException(str(problem)) from None
    summary = sending.send_digests(db, settings, today(), say)
    click.echo(f"Sent {summary.sent}, skipped {summary.skipped} with nothing to report, "
               f"failed {summary.failed}.")
    if summary.failed:
        raise click.exceptions.Exit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(send_digests_command)
