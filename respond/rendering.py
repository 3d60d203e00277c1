"""Drawing a survey page: the questionnaire's part once, the visitor's part every time.

Why: drawing seven scales of eight radios with their labels, hints and aria wiring in
Jinja took about two thirds of a survey page's CPU (`bench/README.md`), and it is the same
for every visitor until they answer. So a page is drawn once per questionnaire version,
layout, page, language and "has errors", from a blank form and with markers (`slot`) where
each visitor's part goes: the CSRF token, the submission key, the addresses, who is asking
(the survey's unit and contact: every survey of a version shares the kept page), the error
summary and each question. A question is kept drawn
blank too; it is drawn again for a visitor only when it holds an answer or an error.

What is kept can never hold a visitor's data: it is drawn only from a fresh blank form
built here, never from the visitor's form, and every visitor value is escaped into the
slots of a copy at each request. The follow-up form (the user's own activities) has no
version to key on and is drawn afresh each time, nothing kept. The cache lives per app
(per process), holds nothing that must be shared between processes, and is bounded.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Hashable
from typing import Any

from flask import render_template
from flask_wtf import FlaskForm
from markupsafe import Markup, escape

from questionnaires import schema as s
from questionnaires.answering import Answering, fields_of
from util import app_cache

MAX_ENTRIES = 4096  # pages and questions kept per app; about 2 kB each when drawn blank
_NONCE = secrets.token_hex(8)  # a definition's text can never contain a marker
_SLOT = re.compile(f"\x00{_NONCE}:([^\x00]*)\x00")


def slot(name: str) -> Markup:
    """The marker the page template puts where a visitor's part goes."""
    return Markup(f"\x00{_NONCE}:{name}\x00")


def _cached(key: tuple[Any, ...] | None, draw: Callable[[], Any]) -> Any:
    """`draw()`, kept per app under `key` (`util.app_cache`); `key` None: not kept."""
    return app_cache.kept("respond_pages", key, draw, MAX_ENTRIES)


def kept(key: Hashable | None, draw: Callable[[], str]) -> str:
    """A whole page that holds no visitor's data (the thank-you page), drawn once per
    `key`; None: drawn every time."""
    return _cached(None if key is None else ("whole", key), draw)


def render_page(answering: Answering, form: FlaskForm, index: int, *, lang: str, action: str,
                follow_up_url: str | None, version: tuple[Hashable, ...] | None,
                who_asks: Markup) -> str:
    """Page `index` of `answering` for the visitor whose form is `form`, posting to
    `action`, saying `who_asks` (the survey's own, drawn for each visitor: the kept page is
    shared by every survey of the version). `version` keys what is kept (the survey's
    version and layout); None keeps nothing."""
    values = {"csrf_token": Markup(form.csrf_token.__html__()) if "csrf_token" in form else "",
              "submission_key": escape(form.submission_key.data), "who_asks": who_asks}
    return _page(answering, form, index, lang=lang, action=action,
                 follow_up_url=follow_up_url, version=version, tokens=values)


def render_fresh(answering: Answering, *, lang: str, action: str, follow_up_url: str | None,
                 version: tuple[Hashable, ...] | None, csrf_token: str,
                 submission_key: str, who_asks: Markup) -> str:
    """The first page for a new visitor: a blank form, so everything but the visitor's two
    tokens and the page's addresses is kept whole, and no form is built per request (it
    cost a new visitor's page more than drawing it from what is kept)."""
    def draw() -> tuple[str, ...]:
        markers = {name: slot(name) for name in _FRESH_SLOTS}
        html = _page(answering, blank_form(answering), 0, lang=lang, action=markers["action"],
                     follow_up_url=markers["follow_up_url"] if follow_up_url else None,
                     version=version, tokens=markers)
        return tuple(_SLOT.split(html))

    parts = _cached(None if version is None else ("fresh", version, lang, bool(follow_up_url)),
                    draw)
    values = {"action": escape(action), "follow_up_url": escape(follow_up_url or ""),
              "csrf_token": _CSRF_FIELD.format(csrf_token),
              "submission_key": escape(submission_key), "who_asks": who_asks}
    return _filled(parts, values)


_FRESH_SLOTS = ("action", "follow_up_url", "csrf_token", "submission_key", "who_asks")
# What Flask-WTF's `csrf_token` field draws (`tests/test_page_cache.py` compares the two).
_CSRF_FIELD = Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="{}">')


def _page(answering: Answering, form: FlaskForm, index: int, *, lang: str, action: str,
          follow_up_url: str | None, version: tuple[Hashable, ...] | None,
          tokens: dict[str, Any]) -> str:
    """Page `index` drawn for `form`, with `tokens` (the CSRF token and submission key, or
    markers for them) in their slots."""
    errors = answering.errors(form, index, lang)
    parts = _cached(None if version is None else ("page", version, index, lang, bool(errors)),
                    lambda: _draw_page(answering, index, lang, bool(errors),
                                       follow_up_url is not None))
    blank = _cached(None if version is None else ("blank", version),
                    lambda: _blank_data(answering))
    shown = answering.shown(form, index)
    values = {
        "action": escape(action), "follow_up_url": escape(follow_up_url or ""), **tokens,
        "summary": render_template("respond/_summary.html", errors=errors) if errors else "",
    }
    for item in answering.pages[index].items:
        if item.id not in shown:
            values[f"item:{item.id}"] = ""
            continue
        if all(_untouched(form[name], blank[name]) for name in fields_of(item)):
            def draw(item: Any = item) -> str:  # the blank form only when not kept yet
                return _draw_item(answering, item, blank_form(answering), lang)

            html = _cached(None if version is None else ("item", version[0], item.id, lang),
                           draw)
        else:
            html = _draw_item(answering, item, form, lang)
        values[f"item:{item.id}"] = f"\n    {html}\n  "
    return _filled(parts, values)


def _filled(parts: tuple[str, ...], values: dict[str, Any]) -> str:
    """A kept page's text with each slot (the odd parts name them) replaced by its value."""
    return "".join(part if n % 2 == 0 else str(values[part]) for n, part in enumerate(parts))


def blank_form(answering: Answering) -> FlaskForm:
    """A form with no visitor in it: what is kept is drawn from this alone."""
    return answering.form_class(formdata=None, meta={"csrf": False})


def _blank_data(answering: Answering) -> dict[str, Any]:
    form = blank_form(answering)
    return {name: form[name].data for name in answering.all_fields}


def _untouched(field: Any, blank: Any) -> bool:
    """Whether a field draws as it does in a blank form: no error, and no answer (None,
    "" and [] all draw as nothing)."""
    return not field.errors and (field.data == blank or not (field.data or blank))


def _draw_page(answering: Answering, index: int, lang: str, has_errors: bool,
               follow_up: bool) -> tuple[str, ...]:
    """The page with markers for every visitor's part, split at the markers: text and
    slot names alternate."""
    html = render_template(
        "respond/page.html", definition=answering.definition, slot=slot,
        page=answering.pages[index], last_page=answering.is_last(index),
        page_number=index + 1, page_count=len(answering.pages), errors=has_errors,
        lang=lang, follow_up_url=follow_up)
    return tuple(_SLOT.split(html))


def _draw_item(answering: Answering, item: s.Item, form: FlaskForm, lang: str) -> str:
    return render_template("respond/_item.html", item=item, form=form,
                           definition=answering.definition, lang=lang)
