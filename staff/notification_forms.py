"""The form of an account's weekly digest: whether it wants one, and in which language.

Two groups of radio buttons rather than a checkbox: a checkbox takes any value posted as
«yes», where a radio refuses what is not one of its options, with a message at the field.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from staff.org_forms import ChoiceRadioField
from staff.survey_forms import LANGUAGE_NAMES

YES, NO = "yes", "no"


class DigestSettingsForm(FlaskForm):
    digest = ChoiceRadioField(
        _l("Do you want the weekly digest?"),
        description=_l("Once a week: follow-ups due and overdue, surveys closing "
                       "soon, responses so far against those invited, and new results, for "
                       "the units and networks you lead. Only when there is something to "
                       "tell."))
    language = ChoiceRadioField(_l("Language of the digest"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.digest.choices = [(YES, str(_l("Yes, send it to me"))), (NO, str(_l("No")))]
        self.language.choices = list(LANGUAGE_NAMES)

    @property
    def wants_digest(self) -> bool:
        return self.digest.data == YES
