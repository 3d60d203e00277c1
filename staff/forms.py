"""WTForms for staff pages. Messages are lazy so they follow the user's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from surveys.auth import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


def required() -> InputRequired:
    return InputRequired(message=_l("Fill this in."))


def short_text(maximum: int = 200) -> Length:
    return Length(max=maximum, message=_l("Write at most %(max)d characters."))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[required(), short_text(254)])
    password = PasswordField(_l("Password"), validators=[required(),
                                                         short_text(MAX_PASSWORD_LENGTH)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least %(count)d characters. A sentence of a few words is easy "
                       "to remember and hard to guess.", count=MIN_PASSWORD_LENGTH),
        validators=[required(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH,
                                       message=_l("Use %(min)d to %(max)d characters."))])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        required(), EqualTo("password", message=_l("The two passwords are not the same."))])


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[required()])
