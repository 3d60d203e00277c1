"""The form to make an API token: only a name, so its owner can tell tokens apart later
(«Power BI, kvalitetsrapport») and revoke the right one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from staff.org_forms import clean_text

MAX_TOKEN_NAME = 100


class NewTokenForm(FlaskForm):
    name = StringField(
        _l("Name of the token"),
        description=_l("What the token is for, for example «Power BI, quality report»."),
        filters=[clean_text],
        validators=[DataRequired(message=_l("Fill this in.")),
                    Length(max=MAX_TOKEN_NAME, message=_l("Write at most %(max)d characters."))])
