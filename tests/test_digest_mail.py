"""The weekly digest by e-mail (issue 17), sent by `flask --app app send-digests` to a real
SMTP server the test starts (aiosmtpd on 127.0.0.1), and read back with the `email` package:
who gets one, in which language, what it says, that no count under the minimum is written,
that its unsubscribe link works, that news is told once, and that one refused recipient
stops nobody else.

The world: unit A's PSFS survey (open, closing in ten days, 40 invited, 10 codes given: 5
overdue, 5 due this week) and unit B's user survey (open, 20 invited, 3 responses released
yesterday). Its leads: A's in bokmål, B's network's in English, A's second lead who did not
ask, A's lead whose mailbox the server refuses, and an administrator who leads nothing.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

import database
from questionnaires.item_types import AnswerValue
from surveys.account_models import Account
from surveys.models import Survey
from surveys.operations import FollowUpPlan, submit_response
from tests.conftest import release_waiting
from util.dates import today

pytestmark = pytest.mark.both_backends  # the digest is read in SQL

BASE_URL = "https://sporsmal.example.no"
NB, EN, OFF, REFUSED, ADMIN = ("enhet@a.no", "nett@b.no", "av@a.no", "full@a.no",
                               "admin@x.no")


@dataclass
class Collector:
    """An aiosmtpd handler that keeps every message and refuses the addresses in `refuse`."""

    refuse: set[str] = field(default_factory=set)
    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        self.raw.append(envelope.content)
        return "250 Message accepted for delivery"

    def take(self) -> dict[str, EmailMessage]:
        """The messages received since the last call, by recipient."""
        taken = {rcpt: message for rcpts, message in self.received for rcpt in rcpts}
        self.received.clear()
        return taken


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app) -> Iterator[Collector]:
    """A real SMTP server on a free port of 127.0.0.1, and the app set to send through it
    (the app's config is put back after the test: `WorkerApp.reset`)."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(controller.port),
                      SMTP_STARTTLS="false", MAIL_FROM="Hva er viktig for deg? <ikke-svar@a.no>",
                      BASE_URL=BASE_URL)
    try:
        yield collector
    finally:
        controller.stop()


def baselines(app, survey_id: int, due: dt.date, count: int) -> None:
    """`count` PSFS baselines given four weeks before `due`, released that day."""
    with app.app_context():
        db = database.session()
        for _ in range(count):
            submit_response(db, db.get(Survey, survey_id), None, secrets.token_urlsafe(18),
                            "nb", [AnswerValue("activities.activity", 0, None, "Gå tur"),
                                   AnswerValue("activities.score", 0, 3.0, None)],
                            due - dt.timedelta(weeks=4),
                            follow_up=FollowUpPlan(app.secret_key, due))


def user_responses(app, survey_id: int, day: dt.date, count: int) -> None:
    """`count` user-survey responses given and released on `day` (fewer than 5: released by
    the test's own release, as the batches would never release them)."""
    with app.app_context():
        db = database.session()
        for _ in range(count):
            submit_response(db, db.get(Survey, survey_id), None, secrets.token_urlsafe(18),
                            "nb", [AnswerValue("resultat_hverdag", 0, 6.0, None)], day)
    release_waiting(app, survey_id, day)


@pytest.fixture
def world(app, make_survey, make_account, keep_world) -> dict:
    return keep_world("test_digest_mail.world", lambda: build_world(app, make_survey, make_account))


def build_world(app, make_survey, make_account) -> dict:
    with app.app_context():
        now = today()
    monday = now - dt.timedelta(days=now.weekday())
    a = make_survey("psfs", title="Hverdagsmestring", invited=40,
                    closes_on=now + dt.timedelta(days=10))
    b = make_survey("brukerundersokelse", title="Brukertilfredshet", invited=20)
    baselines(app, a.id, monday - dt.timedelta(days=1), 5)  # overdue
    baselines(app, a.id, now, 5)  # due this week
    user_responses(app, b.id, now - dt.timedelta(days=1), 3)
    with app.app_context():
        network_b = database.session().get(Survey, b.id).unit.organisation.memberships[0].network_id
    make_account(NB, units=(a.unit_id,), digest=True, language="nb")
    make_account(EN, networks=(network_b,), digest=True, language="en")
    make_account(OFF, units=(a.unit_id,))
    make_account(REFUSED, units=(a.unit_id,), digest=True, language="nn")
    make_account(ADMIN, is_admin=True, digest=True)
    return {"a": a.id, "b": b.id, "today": now}


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and the HTML part, decoded."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def test_the_digest_reaches_the_leads_who_asked_in_their_language(app, runner, smtp, world):
    smtp.refuse.add(REFUSED)
    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 1, result.output
    assert "Sent 2, skipped 1 with nothing to report, failed 1." in result.output
    assert f"failed {REFUSED}: refused: 550" in result.output
    received = smtp.take()
    assert set(received) == {NB, EN}  # not the one who did not ask, nor the admin of nothing

    nb = received[NB]
    assert nb["Subject"].startswith("Ukeoversikt fra «Hva er viktig for deg?»")
    assert nb["To"].addresses[0].addr_spec == NB and nb["Content-Language"] == "nb"
    text, html = parts(nb)
    for part in (text, html):
        assert "Hverdagsmestring" in part and "Brukertilfredshet" not in part
        assert "5 på overtid og 5 som skal svare denne uken" in part
        assert "10 svar av 40 inviterte: 25\u00a0%." in part
        closes = world["today"] + dt.timedelta(days=10)
        assert f"Avsluttes {closes.day}. " in part
        assert "Nye resultater" not in part  # A's responses were released weeks ago
    assert f"{BASE_URL}/admin/surveys/{world['a']}" in text
    assert f'href="{BASE_URL}/admin/surveys/{world["a"]}"' in html

    en = received[EN]
    assert en["Subject"].startswith("Weekly digest from «Hva er viktig for deg?»")
    text, html = parts(en)
    for part in (text, html):
        assert "Brukertilfredshet" in part and "Hverdagsmestring" not in part
        assert "fewer than 5 responses of 20 invited." in part
        assert "New results" in part and "fewer than 5 responses in all." in part
        assert "3 responses" not in part and " 3 " not in part  # never the count under 5
    assert f"{BASE_URL}/admin/surveys/{world['b']}/results" in text


def test_news_is_told_once_and_a_refused_recipient_gets_it_next_time(app, runner, smtp,
                                                                      world):
    smtp.refuse.add(REFUSED)
    runner.invoke(args=["send-digests"])
    smtp.take()
    smtp.refuse.clear()
    second = runner.invoke(args=["send-digests"])
    assert second.exit_code == 0, second.output
    received = smtp.take()
    assert set(received) == {NB, EN, REFUSED}
    text, _html = parts(received[EN])
    assert "Brukertilfredshet" in text  # still open, so its responses so far
    assert "New results" not in text  # told yesterday's release the first time
    text, _html = parts(received[REFUSED])
    assert "Vekeoversikt" in received[REFUSED]["Subject"]  # nynorsk
    assert "5 på overtid og 5 som skal svare denne veka" in text


def test_the_unsubscribe_link_asks_then_stops_the_digest(app, client, runner, smtp, world):
    runner.invoke(args=["send-digests"])
    message = smtp.take()[NB]
    link = message["List-Unsubscribe"].strip("<>")
    # On the wire as it is, not folded into encoded words a mail program would not follow.
    assert f"List-Unsubscribe: <{link}>\r\n".encode() in b"".join(smtp.raw)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in parts(message)[0] and link.startswith(f"{BASE_URL}/admin/unsubscribe/")
    path = urlsplit(link).path

    asked = client.get(path)  # what a mail scanner does: changes nothing
    assert asked.status_code == 200 and "Stopp ukeoversikten" in asked.text
    assert digest_of(app, NB) is True
    stopped = client.post(path)  # the button, or a mail program's one click: no CSRF token
    assert stopped.status_code == 303
    assert digest_of(app, NB) is False
    assert "Det sendes ingen ukeoversikt til enhet@a.no." in client.get(path).text
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 303

    runner.invoke(args=["send-digests"])
    assert NB not in smtp.take()


def test_a_one_click_unsubscribe_from_a_mail_program(app, client, runner, smtp, world):
    runner.invoke(args=["send-digests"])
    link = smtp.take()[EN]["List-Unsubscribe"].strip("<>")
    clicked = client.post(urlsplit(link).path, data={"List-Unsubscribe": "One-Click"})
    assert clicked.status_code == 303 and digest_of(app, EN) is False
    with app.app_context():
        actions = database.session().scalars(sa.text(
            "SELECT action FROM audit_entries ORDER BY id")).all()
    assert actions == ["digest.unsubscribe"]


def test_a_dry_run_sends_nothing_and_remembers_nothing(app, runner, smtp, world):
    result = runner.invoke(args=["send-digests", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"would send {NB} (nb): 1 with follow-ups waiting, 1 closing soon" in result.output
    assert f"would skip {ADMIN}: nothing to report" in result.output
    assert smtp.take() == {}
    with app.app_context():
        assert database.session().scalar(sa.select(sa.func.count()).select_from(Account)
                                         .where(Account.digest_sent_at.is_not(None))) == 0


def test_a_missing_setting_is_one_clear_line(app, runner, world):
    app.config.update(BASE_URL=BASE_URL, MAIL_FROM="ikke-svar@a.no")
    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 1
    assert "Error: SMTP_HOST is not set" in result.output
    assert "Traceback" not in result.output
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT="mange")
    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 1 and "SMTP_PORT must be a port number" in result.output


def digest_of(app, address: str) -> bool:
    with app.app_context():
        return database.session().scalars(
            sa.select(Account.digest).where(Account.email == address)).one()
