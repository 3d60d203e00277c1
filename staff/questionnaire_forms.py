"""Forms for the staff pages on questionnaire definitions: upload a file, copy a version for
an owner.

An uploaded file goes through the same schema as the built-in files (`parse_definition`);
this module only checks what comes before that: that there is a file, that it is a YAML
file of a sensible size, and that it is UTF-8 text.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import SelectField
from wtforms.validators import StopValidation

from hl7fhir.questionnaire_import import parse_questionnaire
from questionnaires.category_scales import MixedCategory, ScaleUse
from questionnaires.loader import MAX_DEFINITION_BYTES, DefinitionError, parse_definition
from questionnaires.schema import Definition

EXTENSIONS = (".yaml", ".yml")
MAX_FILENAME_LENGTH = 100
SLUG_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
NOT_VALID = _l("The file is not a valid questionnaire definition. "
               "Correct the problems listed below and upload it again.")


def shown_filename(storage: FileStorage) -> str:
    """The file's own name without any folders, bounded, for messages and problem lines."""
    name = (storage.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:MAX_FILENAME_LENGTH]


class UploadForm(FlaskForm):
    """One definition file; after validation `definition` holds the parsed questionnaire.

    When the file reaches the schema but breaks it, `problems` holds the schema's
    'file: path: reason' lines, all of them, so the page can list every one.
    """

    file = FileField(
        _l("Definition file"),
        description=_l("A YAML file (.yaml or .yml) of at most %(size)d KB, in UTF-8.",
                       size=MAX_DEFINITION_BYTES // 1024),
        render_kw={"accept": ".yaml,.yml"},
    )
    extensions: tuple[str, ...] = EXTENSIONS
    wrong_extension = _l("Choose a .yaml or .yml file.")
    origin = "upload"

    @staticmethod
    def parse(text: str, name: str) -> Definition:
        """The file's text as a definition; raises DefinitionError."""
        return parse_definition(text, source=name)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.definition: Definition | None = None
        self.problems: list[str] = []

    def validated_definition(self) -> Definition:
        """The parsed questionnaire of a form that has passed validation."""
        if self.definition is None:
            raise RuntimeError("validated_definition() before the form has validated")
        return self.definition

    def validate_file(self, field: FileField) -> None:
        storage = field.data
        if not isinstance(storage, FileStorage) or not storage.filename:
            raise StopValidation(_l("Choose a file to upload."))
        name = shown_filename(storage)
        if not name.lower().endswith(self.extensions):
            raise StopValidation(self.wrong_extension)
        text = _read_text(storage)
        try:
            self.definition = self.parse(text, name)
        except DefinitionError as exc:
            self.problems = problems_of(exc)
            raise StopValidation(NOT_VALID) from None


class FhirImportForm(UploadForm):
    """An HL7 FHIR R4 Questionnaire (JSON) to store as a new definition; the same checks and
    the same list of problems as a definition file (`hl7fhir.questionnaire_import`)."""

    file = FileField(
        _l("FHIR Questionnaire"),
        description=_l("An HL7 FHIR R4 Questionnaire in JSON (.json) of at most %(size)d KB, "
                       "in UTF-8.", size=MAX_DEFINITION_BYTES // 1024),
        render_kw={"accept": ".json,application/fhir+json,application/json"},
    )
    extensions = (".json",)
    wrong_extension = _l("Choose a .json file.")
    origin = "fhir"

    @staticmethod
    def parse(text: str, name: str) -> Definition:
        return parse_questionnaire(text, source=name)


def problems_of(exc: DefinitionError) -> list[str]:
    """The problems of a refused definition as the page lists them: the schema's lines,
    except that categories mixing scales are said in the reader's language."""
    return [mixed_category_message(exc.source, found) for found in exc.mixed] or exc.problems


def mixed_category_message(source: str, found: MixedCategory) -> str:
    """«file: The category «x» mixes scales: «a» (scale «s»: 1–7, high is best), …»."""
    return _("%(file)s: The category «%(category)s» mixes scales: %(items)s. A category's "
             "score is the mean of its items, so they need the same range and the same best "
             "end: put them in separate categories.", file=source, category=found.category,
             items=", ".join(_scale_use(use) for use in found.items))


def _scale_use(use: ScaleUse) -> str:
    if use.good == "high":
        return _("«%(item)s» (scale «%(scale)s»: %(min)s–%(max)s, high is best)",
                 item=use.item, scale=use.scale, min=use.min, max=use.max)
    return _("«%(item)s» (scale «%(scale)s»: %(min)s–%(max)s, low is best)",
             item=use.item, scale=use.scale, min=use.min, max=use.max)


def _read_text(storage: FileStorage) -> str:
    """The file as text; refuses files that are too large, empty, or not UTF-8."""
    data = storage.stream.read(MAX_DEFINITION_BYTES + 1)
    if len(data) > MAX_DEFINITION_BYTES:
        raise StopValidation(_l("The file is larger than %(size)d KB.",
                                size=MAX_DEFINITION_BYTES // 1024))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StopValidation(_l("The file is not UTF-8 text. Save it with the UTF-8 "
                                "encoding and upload it again.")) from None
    if not text.strip():
        raise StopValidation(_l("The file is empty."))
    return text


class CopyForm(FlaskForm):
    """Whom a copy is for: the account's owners (`questionnaire_owners.owner_choices`). The
    id and the title are made from the original and the owner's name, never typed."""

    owner = SelectField(_l("Whose copy is it?"),
                        description=_l("The copy is named after its owner, and only those "
                                       "who see the owner's questionnaires see it."),
                        validate_choice=False)

    def set_owners(self, owners: list[tuple[str, str]]) -> None:
        self.owner.choices = owners

    def validate_owner(self, field: SelectField) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise StopValidation(_l("Choose one of the options shown."))
