"""What a person has answered so far, between the pages of a survey (issue 18).

Why: each page of a survey used to be the answer to a post, with the other pages' answers
in hidden fields, so the browser's Back led to a post and showed «Confirm form
resubmission». Now every post is answered with a redirect to the page's own address
(Post/Redirect/Get), and that page is drawn from what was answered so far, kept here.

Why not in Flask's session cookie alone: a cookie holds about 4 kB, and the last page of
the gathering evaluation alone takes two free texts of 2,000 characters (æ, ø and å take
two bytes each); a browser drops a cookie that is too large without a word, and the
answers with it. So the answers are kept in the database, sealed, and the cookie holds
what opens them:

- the session (signed by Flask) holds the draft's handle, a random key of its own, a
  digest of the link it belongs to and until when it may be used (`KEPT_FOR` without use,
  as an open follow-up: a shared tablet's next user does not find it later);
- the row holds the handle, the survey, the day it was last written (no finer time) and
  the answers sealed with that key: neither the database nor its administrator can read
  them, nor join them to the response they become (the response is stored in
  transactions of its own, and the draft deleted in another one after them). Nothing in
  it names the person, the submission key included, which is sealed with the answers.

A draft is deleted when its answers are sent, and at the latest the day after the day it
was last written (`delete_stale`, whenever a draft is started and in the nightly
retention run); a survey's drafts go with the survey.

The seal uses what the standard library has, as `surveys.code_handover` does: a keystream
from SHAKE-256 over the key and a fresh nonce, XORed with the text, then an HMAC-SHA256
tag over nonce and ciphertext (encrypt-then-MAC).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask import session
from sqlalchemy.orm import Mapped, Session, mapped_column

from database import Base, rowcount
from util.secret import app_secret

SESSION_KEY = "answer_draft"
KEPT_FOR = 60 * 60  # seconds without use after which a draft is no longer opened
_NONCE, _TAG = 16, 32


class AnswerDraft(Base):
    """The sealed answers of one browser to one survey, between its pages."""

    __tablename__ = "answer_drafts"
    handle: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    written_on: Mapped[dt.date] = mapped_column(index=True)
    sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)


@dataclass(frozen=True)
class Draft:
    """The answers so far as (field name, value) pairs, the submission key, and the page
    whose errors are to be shown when it is drawn (None: no errors shown)."""

    fields: tuple[tuple[str, str], ...]
    submission_key: str
    errors_on: int | None = None


def now() -> float:
    """The time, in seconds (a function of its own, so a test can move the clock)."""
    return time.time()


def _link(token: str) -> str:
    """What the session keeps of the link a draft belongs to: a keyed digest, so that a
    single-use link's draft opens for no other link of the survey."""
    return hmac.new(app_secret().encode(), f"answer-draft-link:{token}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def _keys(key: bytes) -> tuple[bytes, bytes]:
    return (hashlib.sha256(b"answer-draft-stream:" + key).digest(),
            hashlib.sha256(b"answer-draft-tag:" + key).digest())


def seal(key: bytes, plain: bytes) -> bytes:
    """`plain`, readable only with `key` (see the module docstring)."""
    stream_key, tag_key = _keys(key)
    nonce = secrets.token_bytes(_NONCE)
    stream = hashlib.shake_256(stream_key + nonce).digest(len(plain))
    body = (int.from_bytes(plain, "big") ^ int.from_bytes(stream, "big")).to_bytes(
        len(plain), "big")
    return nonce + body + hmac.new(tag_key, nonce + body, hashlib.sha256).digest()


def unseal(key: bytes, sealed: bytes) -> bytes | None:
    """What `seal` sealed with `key`; None when it was sealed with another key or altered."""
    stream_key, tag_key = _keys(key)
    nonce, body, tag = sealed[:_NONCE], sealed[_NONCE:-_TAG], sealed[-_TAG:]
    if len(sealed) < _NONCE + _TAG or not hmac.compare_digest(
            tag, hmac.new(tag_key, nonce + body, hashlib.sha256).digest()):
        return None
    stream = hashlib.shake_256(stream_key + nonce).digest(len(body))
    return (int.from_bytes(body, "big") ^ int.from_bytes(stream, "big")).to_bytes(
        len(body), "big")


def _in_session(token: str) -> tuple[str, bytes] | None:
    """The handle and key of this browser's draft for the link `token`, if it may still be
    used; a draft left too long is forgotten."""
    held = session.get(SESSION_KEY)
    if not isinstance(held, dict) or held.get("link") != _link(token):
        return None
    handle, key, until = held.get("handle"), held.get("key"), held.get("until")
    if not (isinstance(handle, str) and isinstance(key, str) and isinstance(until, int)):
        return None
    if until < now():
        session.pop(SESSION_KEY, None)
        return None
    try:
        return handle, base64.urlsafe_b64decode(key)
    except (binascii.Error, ValueError):
        return None


def held(db: Session, survey_id: int, token: str) -> Draft | None:
    """This browser's draft for the link `token` of the survey, if there is one."""
    found = _in_session(token)
    if found is None:
        return None
    handle, key = found
    sealed = db.scalar(sa.select(AnswerDraft.sealed).where(
        AnswerDraft.handle == handle, AnswerDraft.survey_id == survey_id))
    plain = unseal(key, sealed) if sealed is not None else None
    if plain is None:
        return None
    content = json.loads(plain.decode("utf-8", "surrogatepass"))
    return Draft(tuple((name, value) for name, value in content["fields"]),
                 content["key"], content["errors_on"])


def keep(db: Session, survey_id: int, token: str, draft: Draft, today: dt.date) -> None:
    """Keep `draft` as this browser's draft for the link `token`, and commit."""
    plain = json.dumps({"fields": draft.fields, "key": draft.submission_key,
                        "errors_on": draft.errors_on}, ensure_ascii=False)
    found = _in_session(token)
    if found is not None:
        handle, key = found
        sealed = seal(key, plain.encode("utf-8", "surrogatepass"))
        updated = rowcount(db.execute(sa.update(AnswerDraft).where(
            AnswerDraft.handle == handle, AnswerDraft.survey_id == survey_id).values(
            sealed=sealed, written_on=today)))
    else:
        _delete_own(db)
        delete_stale(db, today)
        handle, key, updated = secrets.token_urlsafe(24), secrets.token_bytes(32), 0
        sealed = seal(key, plain.encode("utf-8", "surrogatepass"))
    if not updated:
        db.add(AnswerDraft(handle=handle, survey_id=survey_id, written_on=today,
                           sealed=sealed))
    db.commit()
    session[SESSION_KEY] = {"link": _link(token), "handle": handle,
                            "key": base64.urlsafe_b64encode(key).decode("ascii"),
                            "until": int(now()) + KEPT_FOR}


def forget(db: Session) -> None:
    """Delete this browser's draft (its answers were sent), in a commit of its own."""
    _delete_own(db)
    db.commit()
    session.pop(SESSION_KEY, None)


def _delete_own(db: Session) -> None:
    held_now = session.get(SESSION_KEY)
    handle = held_now.get("handle") if isinstance(held_now, dict) else None
    if isinstance(handle, str):
        db.execute(sa.delete(AnswerDraft).where(AnswerDraft.handle == handle))


def delete_stale(db: Session, today: dt.date) -> int:
    """Delete the drafts last written before yesterday (none can be used any more); the
    caller commits."""
    return rowcount(db.execute(sa.delete(AnswerDraft).where(
        AnswerDraft.written_on < today - dt.timedelta(days=1))))


def fields_of(pairs: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Pairs as a draft keeps them."""
    return tuple((str(name), str(value)) for name, value in pairs)
