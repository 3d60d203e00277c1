"""Sending the weekly digests: one mail per account that asked for one and has something to
report, over one SMTP connection (smtplib, TLS as set).

A recipient the server refuses, or a connection that breaks, fails that recipient only: the
run goes on with the next (on a new connection when the old one broke), and the command
exits non-zero at the end. An account's digest is marked sent (`digest_settings.mark_sent`)
as soon as the server took it, so its «new results» are not told again, while a failed one
is told them in the next digest.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType

from flask import current_app
from sqlalchemy.orm import Session

from notifications.messages import Links, digest_message
from notifications.settings import MailSettings
from reporting.digest import Digest, digest_for
from surveys import digest_settings

TIMEOUT = 30  # seconds for the server to answer, so a hung server does not hang cron


@dataclass
class Summary:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


class Mailer:
    """One SMTP connection, opened at the first mail and again after one broke."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def send(self, message: EmailMessage) -> None:
        """Hand `message` to the server; raises smtplib.SMTPException or OSError."""
        smtp = self._connection()
        try:
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused:
            raise  # the connection is still good (smtplib reset the transaction)
        except (smtplib.SMTPException, OSError):
            smtp.close()
            self._smtp = None
            raise

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            s = self.settings
            context = ssl.create_default_context()
            smtp = (smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT, context=context)
                    if s.ssl else smtplib.SMTP(s.host, s.port, timeout=TIMEOUT))
            try:
                if s.starttls:
                    smtp.starttls(context=context)
                if s.username and s.password:
                    smtp.login(s.username, s.password)
            except (smtplib.SMTPException, OSError):
                smtp.close()
                raise
            self._smtp = smtp
        return self._smtp


def send_digests(db: Session, settings: MailSettings, day: dt.date,
                 say: Callable[[str, bool], None]) -> Summary:
    """Send every due digest on `day`; `say(line, is_error)` reports each recipient."""
    summary, links = Summary(), Links(current_app, settings.base_url)
    with Mailer(settings) as mailer:
        for account in digest_settings.recipients(db):
            digest = digest_for(db, account, day)
            if digest.is_empty:
                summary.skipped += 1
                say(f"skipped {account.email}: nothing to report", False)
                continue
            try:
                mailer.send(digest_message(digest, settings, links))
            except (smtplib.SMTPException, OSError, ValueError) as problem:
                summary.failed += 1
                say(f"failed {account.email}: {_reason(problem)}", True)
                continue
            digest_settings.mark_sent(db, account)
            summary.sent += 1
            say(f"sent {account.email} ({account.language}): {contents(digest)}", False)
    return summary


def dry_run(db: Session, day: dt.date, say: Callable[[str, bool], None]) -> Summary:
    """Who would get a digest on `day`, and what it would hold; nothing sent or marked."""
    summary = Summary()
    for account in digest_settings.recipients(db):
        digest = digest_for(db, account, day)
        if digest.is_empty:
            summary.skipped += 1
            say(f"would skip {account.email}: nothing to report", False)
        else:
            summary.sent += 1
            say(f"would send {account.email} ({account.language}): {contents(digest)}", False)
    return summary


def contents(digest: Digest) -> str:
    """What a digest holds, in counts of surveys: for the operator, never a figure."""
    return (f"{len(digest.follow_ups)} with follow-ups waiting, {len(digest.closing)} "
            f"closing soon, {len(digest.rates)} open, {len(digest.new_results)} with new "
            "results")


def _reason(problem: BaseException) -> str:
    """The server's refusal in one line (its code and words), or the connection's error."""
    if isinstance(problem, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {_text(text)}" for code, text in problem.recipients.values()]
        return "refused: " + "; ".join(codes)
    if isinstance(problem, smtplib.SMTPResponseException):
        return f"{problem.smtp_code} {_text(problem.smtp_error)}"
    return str(problem) or type(problem).__name__


def _text(said: bytes | str) -> str:
    return said.decode(errors="replace") if isinstance(said, bytes) else said
