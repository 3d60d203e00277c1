"""One account's weekly digest as a mail: a plain-text part and an HTML part saying the same,
in the account's language, with a link to stop it.

The sentences are made once, here (`sections`), and the two templates
(`templates/mail/digest.txt`, `digest.html`) only lay them out, so the parts cannot say
different things. Everything is made inside `force_locale(account.language)`: the words, the
numbers (1,5 and «58 %» in Norwegian, through the pages' own filters) and the dates.

Links point at BASE_URL: a command run by cron has no request to take the host from, so
they are built from the app's own URL rules bound to that address (`Links`), the same rules
the pages' `url_for` reads.

The mail carries `List-Unsubscribe` with the same link and `List-Unsubscribe-Post` (RFC
8058), so a mail program's own «unsubscribe» button stops the digest in one click; and
`Auto-Submitted: auto-generated` (RFC 3834), so no out-of-office reply answers it.
"""

from __future__ import annotations

import datetime as dt
import email.policy
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, render_template
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

from notifications.settings import MailSettings
from reporting.digest import Digest, FollowUps, ResponseRate
from surveys.digest_settings import unsubscribe_token
from surveys.labels import target_label
from surveys.models import Survey
from util.secret import app_secret
from web.i18n import decimal, percent

# Headers are folded only past RFC 5322's 998 characters: folded at 78, a long
# List-Unsubscribe (no spaces to fold at) would be written as encoded words, which mail
# programs do not read as a link.
POLICY = email.policy.default.clone(max_line_length=998)


class Links:
    """Absolute addresses of the app's pages under BASE_URL, built without a request."""

    def __init__(self, app: Flask, base_url: str) -> None:
        parts = urlsplit(base_url)
        self._adapter = app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                         url_scheme=parts.scheme)

    def __call__(self, endpoint: str, **values: Any) -> str:
        return self._adapter.build(endpoint, values, force_external=True)


@dataclass(frozen=True)
class Item:
    """One survey in a section: its title, whom it is for, what is new, and where to look."""

    title: str
    target: str
    text: str
    url: str


@dataclass(frozen=True)
class Section:
    heading: str
    items: list[Item]
    intro: str = ""


def digest_message(digest: Digest, settings: MailSettings, links: Links) -> EmailMessage:
    """The mail of `digest` to its account, in the account's language."""
    account = digest.account
    unsubscribe = links("admin.notifications.unsubscribe",
                        token=unsubscribe_token(app_secret(), account))
    with force_locale(account.language):
        context = {
            "digest": digest, "sections": sections(digest, links), "lang": account.language,
            "unsubscribe_url": unsubscribe,
            "settings_url": links("admin.notifications.notification_settings"),
            "day": format_date(digest.today, "long"),
        }
        subject = _("Weekly digest from «%(site)s», %(date)s",
                    site=_("Hva er viktig for deg?"), date=context["day"])
        text = render_template("mail/digest.txt", **context)
        html = render_template("mail/digest.html", **context)
    message = EmailMessage(policy=POLICY)
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = Address(account.name, addr_spec=account.email)
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid("digest", domain=settings.sender_domain)
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Quoted-printable: 7-bit safe through any relay, and still readable in the source.
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    message["Content-Language"] = account.language  # after the parts: set_content clears it
    return message


def sections(digest: Digest, links: Links) -> list[Section]:
    """The digest's non-empty parts, in the order a lead acts on them."""
    found = [
        Section(_("Follow-ups waiting for an answer"),
                [_item(f.survey, _follow_up_text(f, digest.minimum),
                       links("admin.surveys.survey", survey_id=f.survey.id))
                 for f in digest.follow_ups]),
        Section(_("Surveys closing within two weeks"),
                [_item(c.survey, _("Closes %(date)s.", date=format_date(c.closes_on, "long")),
                       links("admin.surveys.survey", survey_id=c.survey.id))
                 for c in digest.closing]),
        Section(_("Responses so far in open surveys"),
                [_item(r.survey, _rate_text(r, digest.minimum),
                       links("admin.surveys.survey", survey_id=r.survey.id))
                 for r in digest.rates]),
        Section(_("New results"),
                [_item(n.survey, _responses_in_all(n.responses, digest.minimum),
                       links("admin.results.survey_results", survey_id=n.survey.id))
                 for n in digest.new_results],
                intro=_("Responses released from %(first)s to %(last)s:",
                        first=format_date(digest.released_from, "long"),
                        last=format_date(digest.released_to, "long"))),
    ]
    return [section for section in found if section.items]


def _item(survey: Survey, text: str, url: str) -> Item:
    return Item(survey.title, target_label(survey), text, url)


def _count(n: int | None, minimum: int) -> str:
    """A count as the pages write it: «fewer than 5» for a hidden one."""
    return decimal(n) if n is not None else _("fewer than %(minimum)d", minimum=minimum)


def _follow_up_text(line: FollowUps, minimum: int) -> str:
    waiting = _count(line.waiting, minimum)
    if not line.split_shown:
        return _("%(waiting)s have not answered the follow-up yet. When they are due is not "
                 "shown while a part is fewer than %(minimum)d.", waiting=waiting,
                 minimum=minimum)
    return _("%(overdue)s overdue and %(week)s due this week, of %(waiting)s who have not "
             "answered the follow-up yet.", overdue=_count(line.overdue, minimum),
             week=_count(line.due_this_week, minimum), waiting=waiting)


def _rate_text(line: ResponseRate, minimum: int) -> str:
    responses, num = _count(line.responses, minimum), line.responses or minimum
    if line.invited is None:
        return ngettext("%(responses)s response; the number invited is not given.",
                        "%(responses)s responses; the number invited is not given.", num,
                        responses=responses)
    if line.share is None:
        return ngettext("%(responses)s response of %(invited)s invited.",
                        "%(responses)s responses of %(invited)s invited.", num,
                        responses=responses, invited=decimal(line.invited))
    return ngettext("%(responses)s response of %(invited)s invited: %(share)s.",
                    "%(responses)s responses of %(invited)s invited: %(share)s.", num,
                    responses=responses, invited=decimal(line.invited),
                    share=percent(line.share))


def _responses_in_all(n: int | None, minimum: int) -> str:
    return ngettext("%(responses)s response in all.", "%(responses)s responses in all.",
                    n if n is not None else minimum, responses=_count(n, minimum))
