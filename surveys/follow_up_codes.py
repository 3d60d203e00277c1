"""Follow-up codes: short enough to read aloud and write in a journal, hard to guess.

A code is 8 characters from an alphabet of 32 without look-alikes (no 0/O, 1/l/I), so it
carries 40 random bits, and is shown as two groups of four: «K7QM-3XTD». What is typed is
forgiving: lower case, spaces and hyphens are accepted.

The code is derived from the baseline's random submission key with a keyed hash (HMAC with
the app's secret key) rather than drawn anew. A double tap or a reload of the baseline's
last page arrives with the same submission key, so the page after it can show the same
code again instead of losing it. No row is kept for a code: the baseline and its follow-up
carry the same pair id, a keyed digest of the code (`pair_id`), so without the secret key
the database does not tell which code belongs to which answers, and no code row exists
whose transaction, id or place on disk could be matched with a response.

The addresses the app itself hands out for a code (the thank-you page, the slip, the QR
code's link) carry a short signature, `?s=`. A signed address skips the limit on guessing
(see `surveys.guess_limits`): whoever floods a survey with wrong codes then blocks only
typing codes for a while, never the user who follows the link they were given.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from typing import Any

from flask import url_for

from util.secret import app_secret

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols: 5 bits each
LENGTH = 8  # 8 × 5 = 40 bits
_BITS = 5
_TYPED_SEPARATORS = re.compile(r"[\s\-–]+")
MAX_TYPED_LENGTH = 40  # anything longer is not a code and is not looked at


def derive(secret: str, survey_id: int, submission_key: str, attempt: int = 0) -> str:
    """The code for a baseline's submission key; `attempt` gives another if one collides."""
    message = f"follow-up-code:{survey_id}:{submission_key}:{attempt}".encode()
    number = int.from_bytes(hmac.new(secret.encode(), message, hashlib.sha256).digest()[:5])
    return "".join(ALPHABET[(number >> (_BITS * i)) & 31] for i in range(LENGTH))


def digest(secret: str, survey_id: int, code: str) -> str:
    """What is stored for a code: a keyed digest that also binds it to its survey, so a
    code from another survey is simply unknown here."""
    message = f"follow-up-digest:{survey_id}:{code}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def pair_id(secret: str, survey_id: int, code: str) -> uuid.UUID:
    """The pair id that a code's baseline and follow-up carry: the first 128 bits of the
    code's keyed digest (so the codes given before pair ids existed, stored as digests,
    became pair ids without knowing the codes)."""
    return uuid.UUID(hex=digest(secret, survey_id, code)[:32])


PAIR_LABEL_LENGTH = 12  # hex characters: 48 of the pair id's bits


def pair_label(pair: uuid.UUID | None) -> str:
    """The pair id as every export shows it (the pairs, the raw responses): random, short
    enough for a spreadsheet, the same in both files so they can be joined, and never the
    code (a keyed digest's first bits cannot be turned back into it). Empty without one."""
    return pair.hex[:PAIR_LABEL_LENGTH] if pair is not None else ""


SIGNATURE_LENGTH = 16  # hex characters: 64 bits


def sign(secret: str, survey_id: int, code: str) -> str:
    """The signature of the app's own addresses for a code."""
    message = f"follow-up-link:{survey_id}:{code}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:SIGNATURE_LENGTH]


def signed(secret: str, survey_id: int, code: str, signature: str | None) -> bool:
    """Whether `signature` is the app's own for this code (compared in constant time).

    A signature is hex: anything else (compare_digest refuses non-ASCII text) is not ours.
    """
    return isinstance(signature, str) and signature.isascii() and hmac.compare_digest(
        signature, sign(secret, survey_id, code))


def code_url(endpoint: str, survey: Any, code: str, **values: Any) -> str:
    """A signed address of `endpoint` for a code of `survey`."""
    secret = app_secret()
    return url_for(endpoint, token=survey.public_token, code=code,
                   s=sign(secret, survey.id, code), **values)


def normalise(typed: str) -> str | None:
    """The code in a typed text (case, spaces and hyphens forgiven), or None if the text
    cannot be a code at all."""
    if not isinstance(typed, str) or len(typed) > MAX_TYPED_LENGTH:
        return None
    code = _TYPED_SEPARATORS.sub("", typed).upper()
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def display(code: str) -> str:
    """«K7QM3XTD» as «K7QM-3XTD», easier to read aloud and copy."""
    return f"{code[:4]}-{code[4:]}"


class CodeProblem(Exception):
    """A code that cannot be used: the HTTP status and the message to show at the code."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
