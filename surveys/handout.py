"""Handing a survey out: its links, QR codes, slips of single-use links, print languages.

Single-use links are handed out only as they are issued: the post that issues a set hands
it (its seed) to the one page that shows it (`hand_over_links`, `take_links`), that page
posts the tokens back for the CSV and the slips, and nothing here reads a survey's links
from the database, so no list of the links still unused (which would tell who has
answered) can be had afterwards.

QR codes are made here with segno, on our own server, so no link token is ever sent to a
QR service elsewhere.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from flask import current_app, session, url_for

from surveys.models import Survey
from surveys.operations import MAX_SINGLE_USE_LINKS, IssuedLinks

SVG_SCALE = 10  # 41 modules → about 410 px; an SVG prints sharp at any size anyway
PNG_SCALE = 20  # 41 modules → about 820 px: 7 cm at 300 dpi
SLIP_SCALE = 4
SLIPS_PER_SHEET = 10  # two columns of five on A4
SLIPS_PER_PAGE = 100  # one web page = ten A4 sheets, so 5,000 links never make one huge page
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,86}")  # what `surveys.models.new_token` makes
ISSUED_KEY = "issued_links"


def hand_over_links(survey_id: int, issued: IssuedLinks) -> None:
    """Keep a set just issued for the one page that shows it: its seed, in the signed
    session. Never the tokens: a cookie could not hold 5,000 links, and without the app's
    secret key the seed gives none of them."""
    session[ISSUED_KEY] = {"survey": survey_id, "seed": issued.seed, "count": issued.count,
                           "replaced": issued.replaced}


def take_links(survey_id: int) -> IssuedLinks | None:
    """The set handed over for this survey, taken out of the session so that it is shown
    once; None if there is none (shown already, or never issued in this session)."""
    held = session.get(ISSUED_KEY)
    if not isinstance(held, dict) or held.get("survey") != survey_id:
        return None
    del session[ISSUED_KEY]
    seed, count, replaced = held.get("seed"), held.get("count"), held.get("replaced")
    if not (isinstance(seed, str) and isinstance(count, int) and isinstance(replaced, bool)
            and 1 <= count <= MAX_SINGLE_USE_LINKS):
        return None
    return IssuedLinks(seed, count, replaced)


def link_url(token: str) -> str:
    """The full address a respondent opens for this token."""
    return url_for("respond.start", token=token, _external=True)


def public_url(survey: Survey) -> str:
    return link_url(survey.public_token)


def _qr(url: str) -> segno.QRCode:
    # Level M survives a crease or a smudge on a printed poster.
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, title: str) -> bytes:
    """The QR code of `url` as a standalone SVG document with a title for screen readers."""
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="svg", scale=SVG_SCALE, border=4, dark="#000", light="#fff",
                  title=title, encoding="utf-8")
    return buffer.getvalue()


def qr_png(url: str) -> bytes:
    """The QR code of `url` as a PNG big enough to print."""
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="png", scale=PNG_SCALE, border=4, dark="#000", light="#fff")
    return buffer.getvalue()


def qr_data_uri(url: str) -> str:
    """A small SVG QR code as a data: URI, for many slips on one page (no extra requests)."""
    return _qr(url).svg_data_uri(scale=SLIP_SCALE, border=2, dark="#000", light="#fff")


@dataclass(frozen=True)
class Slip:
    number: int
    url: str
    qr: str


def parse_tokens(text: str) -> list[str] | None:
    """The link tokens the issuing page posts back, separated by spaces; None when any is
    malformed or there are none or too many."""
    tokens = text.split()
    if not 1 <= len(tokens) <= MAX_SINGLE_USE_LINKS or not all(map(TOKEN.fullmatch, tokens)):
        return None
    return tokens


def slips(tokens: Sequence[str], page: int) -> tuple[list[list[Slip]], int]:
    """The slips of one web page, in A4 sheets, and how many web pages there are; numbered
    in the order the links were issued.

    `page` counts from 1 and is clamped to the pages that exist.
    """
    pages = max(1, -(-len(tokens) // SLIPS_PER_PAGE))
    page = min(max(page, 1), pages)
    start = (page - 1) * SLIPS_PER_PAGE
    chosen = [Slip(start + i + 1, link_url(token), qr_data_uri(link_url(token)))
              for i, token in enumerate(tokens[start:start + SLIPS_PER_PAGE])]
    sheets = [chosen[i:i + SLIPS_PER_SHEET] for i in range(0, len(chosen), SLIPS_PER_SHEET)]
    return sheets, pages


def print_language(value: str | None, default: str) -> str | None:
    """The language asked for in `?lang=`; the default when absent, None when it is not one
    the installation offers respondents (the `LANGUAGES` setting)."""
    offered = current_app.config["LANGUAGES"]
    if value is None or value == "":
        return default if default in offered else offered[0]
    return value if value in offered else None
