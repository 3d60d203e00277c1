"""One questionnaire answered page by page: the one object a view asks about a post.

Why one object: a respondent's post used to go back and forth between the view and the
form builder eight times (pages, field names, conditions, validation, errors, answers).
`Answering` holds what does not change for a questionnaire version and a split into pages
(the form class, the pages and their field names), so a view asks it a few things: which
form was posted (`posted`, with the answers kept from other pages), whether it must be
refused at once (`refused`), what to do with it (`step`), what to keep until the next page
(`kept`, drawn again with `restored`), and, at the end, the answers (`answers`). Staff's
paper entry and checklist go through the same builder functions.

An `Answering` holds no visitor's data and is shared between threads (`surveys.pages`
keeps one per version and layout): every method takes the visitor's form as an argument.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, HTTPException

from questionnaires import forms as qforms
from questionnaires import schema as s
from questionnaires.display import error_entries, visible_items
from questionnaires.item_types import AnswerValue

Nav = Literal["back", "next", "submit"]
MAX_KEY_LENGTH = 64


class UnusablePost(HTTPException):
    """A post naming a field the questionnaire does not have: 400 with a message for the
    reader. `friendly` makes the app's error page show the message, as `web.errors`'s
    FriendlyError does; `questionnaires` may not import `web`."""

    code = 400
    friendly = True


@dataclass(frozen=True)
class Page:
    """The sections shown together on one page, with the names of their form fields."""

    sections: tuple[s.Section, ...]

    @property
    def items(self) -> list[s.Item]:
        return [item for section in self.sections for item in section.items]

    @property
    def field_names(self) -> frozenset[str]:
        return frozenset(qforms.field_names(self.items))


@dataclass(frozen=True)
class Step:
    """What a post leads to: the page to show (with its status) or, when `page` is None,
    a complete and valid questionnaire to store."""

    page: int | None
    status: int = 200


def new_submission_key() -> str:
    """The key that makes a repeated post of one answer count once."""
    return secrets.token_urlsafe(18)


def posted_form(form_class: type[FlaskForm], definition: s.Definition, lang: str,
                ignore: Collection[str] = (), formdata: MultiDict | None = None) -> FlaskForm:
    """The posted form of `definition` (or of `formdata`, the post with more in it); 400 for
    a field the questionnaire does not have (a tampered or stale form) or a missing or
    overlong submission key. Fields in `ignore` belong to the page around the form (staff
    pages add their own)."""
    posted = [name for name in request.form if name not in ignore]
    try:
        qforms.check_known_fields(definition, posted, lang)
    except qforms.UnknownFieldError as exc:
        raise UnusablePost(description=str(exc.message)) from None
    form = form_class() if formdata is None else form_class(formdata=formdata)
    if not form.submission_key.data or len(form.submission_key.data) > MAX_KEY_LENGTH:
        raise BadRequest()
    return form


class Answering:
    """A questionnaire version answered page by page (see the module docstring)."""

    def __init__(self, definition: s.Definition, pages: Sequence[Sequence[s.Section]],
                 form_class: type[FlaskForm] | None = None) -> None:
        self.definition = definition
        self.pages = [Page(tuple(sections)) for sections in pages]
        self.form_class = form_class or qforms.build_form_class(definition)
        self.all_fields = tuple(qforms.field_names(definition.items()))

    # --- Forms -------------------------------------------------------------------------

    def blank(self) -> FlaskForm:
        """An empty form for a new visitor, with a fresh submission key."""
        return self.form_class(formdata=None, submission_key=new_submission_key(), page="0")

    def posted(self, lang: str, ignore: Collection[str] = (),
               held: Sequence[tuple[str, str]] = ()) -> FlaskForm:
        """The posted form, checked for unknown fields (see `posted_form`). With `held`,
        the answers kept from other pages (`surveys.answer_drafts`), the form holds them
        too: what the post says wins, and a field of the posted page that it leaves out
        (a choice not made) is empty."""
        if not held:
            return posted_form(self.form_class, self.definition, lang, ignore)
        on_page = self.pages[self.page_index_of(request.form.get("page"))].field_names
        merged = MultiDict(request.form)
        for name, value in held:
            if name not in on_page and name not in request.form:
                merged.add(name, value)
        return posted_form(self.form_class, self.definition, lang, ignore, merged)

    def unchecked(self) -> FlaskForm:
        """The posted form as it is, to draw again in another language (no validation)."""
        return self.form_class()

    def restored(self, held: Sequence[tuple[str, str]], submission_key: str,
                 index: int) -> FlaskForm:
        """The form of a visitor on page `index`, from the answers kept for them."""
        return self.form_class(formdata=MultiDict(
            [*held, ("submission_key", submission_key), ("page", str(index))]))

    def kept(self, form: FlaskForm) -> list[tuple[str, str]]:
        """(name, value) of every answer in the form, as kept between pages."""
        return [(name, str(value)) for name in self.all_fields
                for value in (form[name].raw_data or [])]

    # --- Moving between pages ----------------------------------------------------------

    def page_index(self, form: FlaskForm) -> int:
        """The page the form was posted from, within bounds whatever was posted."""
        return self.page_index_of(form.page.data)

    def page_index_of(self, page: object) -> int:
        """`page` (a number, or text that should be one) as a page index within bounds."""
        try:
            text = str(page or 0)
            return min(max(int(text), 0), len(self.pages) - 1) if len(text) <= 4 else 0
        except ValueError:
            return 0

    def is_last(self, index: int) -> bool:
        return index == len(self.pages) - 1

    def refused(self, form: FlaskForm) -> Step | None:
        """For a form holding what must not be kept between pages (`forms.not_to_keep`:
        what no page can send, or an identity number): the first page with an error, to be
        shown at once (422) and kept nowhere; 400 when the value is in a question that is
        not shown. None for a form whose answers may be kept."""
        if not qforms.not_to_keep(self.definition, form):
            return None
        step = self.step(form, "submit")
        if step.page is None:
            raise UnusablePost(description=str(_l(
                "The form contained an answer that this survey does not offer.")))
        return step

    def page_valid(self, form: FlaskForm, index: int) -> bool:
        """Validate page `index`; its errors land on the fields."""
        return qforms.validate_items(form, self.pages[index].items)

    def step(self, form: FlaskForm, nav: str) -> Step:
        """Back without validating; otherwise validate this page, then show the next page,
        or, on the last, every page again: the first page with an error is shown (422)."""
        index = self.page_index(form)
        if nav == "back":
            return Step(max(index - 1, 0))
        if not qforms.validate_items(form, self.pages[index].items):
            return Step(index, 422)
        if nav == "next" and not self.is_last(index):
            return Step(index + 1)
        for number, page in enumerate(self.pages):
            if not qforms.validate_items(form, page.items):
                return Step(number, 422)
        return Step(None)

    def answers(self, form: FlaskForm) -> list[AnswerValue]:
        """The answer rows of the whole questionnaire, once `step` found it valid."""
        return qforms.collect_answers(self.definition, form)

    # --- Drawing a page ----------------------------------------------------------------

    def errors(self, form: FlaskForm, index: int, lang: str) -> list[tuple[str, str, str]]:
        """(control id, question, message) for the error summary of page `index`."""
        return error_entries(self.definition, self.pages[index].items, form, lang)

    def shown(self, form: FlaskForm, index: int) -> set[str]:
        """The ids of the items page `index` shows (see `display.visible_items`)."""
        items = self.pages[index].items
        on_page = {item.id for item in items}
        return {item.id for item in visible_items(items, form, on_page)}


def fields_of(item: s.Item) -> Iterable[str]:
    """The form field names of one item (every row and child of a group)."""
    return qforms.field_names([item])
