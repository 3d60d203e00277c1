"""What every page of the questionnaire builder shares: a text written in each language side
by side, and the schema's problems put at the fields they concern.

A questionnaire text is asked for in every language respondents are offered
(`SURVEY_LANGUAGES`), bokmål first. Only bokmål is needed to keep a change; nynorsk and
English are needed to publish (the schema asks every text for them), and the others are
optional (what is missing is shown in bokmål). The page marks each missing one
(`templates/admin/builder/_texts.html`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation

from questionnaires.drafts import Problem
from questionnaires.item_types import AllowedValues, clean_text
from util.languages import FALLBACK

MAX_TEXT = 2000


def _strip(value: Any) -> Any:
    """Surrounding spaces and control characters go (PostgreSQL refuses NUL in a text)."""
    return clean_text(value)


@cache
def _texts_class(codes: tuple[str, ...], required: bool, long: bool, maximum: int) -> type[Form]:
    """A form with one field per language, named by its code; built once per shape."""
    field_class = TextAreaField if long else StringField
    fields: dict[str, Any] = {}
    for code in codes:
        needed = required and code == FALLBACK
        checks = [DataRequired(message=_l("Write the text in bokmål.")) if needed else Optional(),
                  Length(max=maximum, message=_l("Write at most %(max)d characters.",
                                                 max=maximum))]
        fields[code] = field_class(code, filters=[_strip], validators=checks)
    return type("TextsForm", (Form,), fields)


def texts_field(label: Any, *, required: bool = True, long: bool = False,
                description: Any = None, maximum: int = MAX_TEXT) -> FormField:
    """A text in every language respondents are offered, side by side: bokmål needed when
    `required`, the others optional. Used as a class attribute of a builder form; the
    languages are read when the form is made, inside a request."""
    return LanguageTexts(label, required=required, long=long, maximum=maximum,
                              description=description)


class LanguageTexts(FormField):
    """A FormField whose form class is chosen from the offered languages at bind time."""

    def __init__(self, label: Any = None, *, required: bool, long: bool, maximum: int,
                 **kwargs: Any) -> None:
        codes = tuple(current_app.config["LANGUAGES"]) if current_app else (FALLBACK,)
        super().__init__(_texts_class(codes, required, long, maximum), label, separator="-",
                         **kwargs)
        self.long = long
        self.required = required


def text_value(field: FormField) -> dict[str, str] | None:
    """The text as the schema takes it: the languages written, by code; None when none is."""
    written = {f.name.rpartition("-")[2]: f.data for f in field.form if f.data}
    return written or None


def fill_text(field: FormField, text: Mapping[str, str] | None) -> None:
    """Show a stored text in the field, each language in its own box."""
    for sub in field.form:
        sub.data = (text or {}).get(sub.name.rpartition("-")[2], "")


def attach(problems: list[Problem], fields: Mapping[str, Any], form: Any) -> None:
    """Put each problem at the field of the longest path in `fields` that leads to it (a
    text's problem in 'text.nn' at the nynorsk box); one no field owns goes to the form's
    own errors, shown at the top (`form.form_errors`)."""
    for problem in problems:
        owner = max((path for path in fields if _leads_to(path, problem.path)),
                    key=len, default=None)
        if owner is None:
            form.form_errors.append(problem.message)
            continue
        target = fields[owner]
        if isinstance(target, FormField):  # a text: the language named, else bokmål
            code = problem.path[len(owner):].lstrip(".").partition(".")[0]
            target = target.form[code] if code in target.form else target.form[FALLBACK]
        target.errors = [*(target.errors or []), problem.message]


def _leads_to(path: str, problem: str) -> bool:
    return problem == path or problem.startswith((f"{path}.", f"{path}["))


ITEM_TYPE_NAMES: dict[str, Any] = {
    "scale": _l("Scale (for example 1–5 or 1–7)"),
    "single_choice": _l("One choice from a list"),
    "multiple_choice": _l("Several choices from a list"),
    "text": _l("Short text"),
    "long_text": _l("Long text"),
    "integer": _l("Whole number"),
    "date": _l("Date"),
    "checklist": _l("Checklist step (done, not done, not relevant)"),
    "group": _l("Repeating group (like the activities of PSFS)"),
}
KINDS: dict[str, Any] = {
    "general": _l("A questionnaire"),
    "gathering_evaluation": _l("An evaluation of a gathering in a learning network"),
    "checklist": _l("A process checklist, filled in for each patient pathway"),
}


class NewQuestionnaireForm(FlaskForm):
    """Who the questionnaire belongs to, its title and its kind: what a new one starts from."""

    owner = RadioField(_l("Who it belongs to"), validate_choice=False,
                       validators=[InputRequired(message=_l("Choose who it belongs to."))])
    title = texts_field(_l("Title"), maximum=200,
                        description=_l("The name respondents and staff see. Name it so it "
                                       "cannot be mixed up with another questionnaire, for "
                                       "example «Brukerundersøkelse – Nordby»."))
    kind = RadioField(_l("Kind"), default="general", validate_choice=False,
                      choices=[SelectChoice(key, label) for key, label in KINDS.items()],
                      validators=[AllowedValues(set(KINDS))])

    def set_owners(self, choices: list[tuple[str, str]]) -> None:
        """The owners the account may choose from; the first is chosen when it is the only one."""
        self.owner.choices = [SelectChoice(key, label) for key, label in choices]
        if len(choices) == 1 and not self.owner.data:
            self.owner.data = choices[0][0]

    def validate_owner(self, field: RadioField) -> None:
        if field.data not in {choice.value for choice in field.choices or []}:
            raise StopValidation(_l("Choose who it belongs to."))
